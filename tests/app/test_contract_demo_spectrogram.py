"""The demo picture: the model's own log-mel for each input, rendered Qt-free to a valid PNG."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import av
import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor

from app.demo.bitmap_font import draw_text, text_width
from app.demo.features import model_log_mel, window_frames
from app.demo.mismatch import Mismatch, RawStream
from app.demo.picture import comparison_png
from app.demo.png import PNG_SIGNATURE, encode_png
from app.demo.spectrogram_png import LABEL_GAP, LABEL_HEIGHT, MARGIN, PANEL_GAP, panel_size, picture_size
from audio.constants import SAMPLE_RATE
from audio.convert import convert
from audio.decode import iter_native_blocks


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(tag, data) of every chunk, checking each CRC."""
    assert png.startswith(PNG_SIGNATURE)
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        tag, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + data) & 0xFFFFFFFF, f"bad CRC in {tag!r}"
        chunks.append((tag, data))
        pos += 12 + length
    return chunks


def _decode(png: bytes, tmp_path: Path) -> np.ndarray:
    """Decode with FFmpeg's PNG decoder (through PyAV): an independent reader."""
    path = tmp_path / "picture.png"
    path.write_bytes(png)
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        return frame.to_ndarray(format="rgb24")


@pytest.fixture(scope="module")
def jfk_native(audio_dir: Path) -> tuple[np.ndarray, int]:
    """The shared 44.1 kHz stereo recording as (frames, channels) float32."""
    pairs = list(iter_native_blocks(audio_dir / "jfk.flac"))
    return np.concatenate([block for _, block in pairs]), pairs[0][0].sample_rate


def test_png_encoder_round_trips_through_ffmpeg(tmp_path: Path):
    """encode_png writes IHDR/IDAT/IEND with valid CRCs, and FFmpeg decodes the same pixels back."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(7, 11, 3), dtype=np.uint8)
    png = encode_png(pixels)
    assert [tag for tag, _ in _chunks(png)] == [b"IHDR", b"IDAT", b"IEND"]
    assert np.array_equal(_decode(png, tmp_path), pixels)


def test_png_encoder_refuses_other_pixel_types():
    """Only (h, w, 3) uint8 is written; anything else is a clear ValueError."""
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((4, 4, 3), dtype=np.float32))


def test_model_log_mel_is_one_padded_model_window():
    """The log-mel has the encoder's shape (80 x 3000); frames after 10 s of audio are the zero padding."""
    extractor = FeatureExtractor()
    t = np.arange(10 * SAMPLE_RATE) / SAMPLE_RATE
    mel = model_log_mel(extractor, (0.3 * np.sin(2 * np.pi * 500 * t)).astype(np.float32))
    assert mel.shape == (80, window_frames(extractor)) == (80, 3000)
    assert np.all(mel[:, 1000:] == 0.0)
    assert mel[:, :1000].std() > 0.1


def test_model_log_mel_of_long_input_uses_the_first_window():
    """Input longer than 30 s gives the first 30 s only, with no padding."""
    extractor = FeatureExtractor()
    noise = np.random.default_rng(1).normal(0, 0.1, 45 * SAMPLE_RATE).astype(np.float32)
    mel = model_log_mel(extractor, noise)
    assert mel.shape == (80, 3000)
    assert np.all(mel[:, -5:] != 0.0)


def test_picture_is_a_png_of_the_expected_size_whose_halves_differ(jfk_native, tmp_path: Path):
    """Converted above raw: a valid PNG of the computed size, and the two panels look clearly different."""
    frames, rate = jfk_native
    converted = convert(frames, rate).samples
    stream = RawStream(Mismatch.INTERLEAVED, rate, frames.shape[1])
    raw = np.concatenate([stream.process(frames), stream.flush()])
    png = comparison_png(FeatureExtractor(), converted, raw, Mismatch.INTERLEAVED, rate, frames.shape[1])
    width, height = picture_size(80, 3000)
    ihdr = _chunks(png)[0][1]
    assert struct.unpack(">II", ihdr[:8]) == (width, height)
    pixels = _decode(png, tmp_path).astype(np.int16)
    assert pixels.shape == (height, width, 3)
    panel_w, panel_h = panel_size(80, 3000)
    top_y = MARGIN + LABEL_HEIGHT + LABEL_GAP
    bottom_y = top_y + panel_h + PANEL_GAP + LABEL_HEIGHT + LABEL_GAP
    top = pixels[top_y : top_y + panel_h, MARGIN : MARGIN + panel_w]
    bottom = pixels[bottom_y : bottom_y + panel_h, MARGIN : MARGIN + panel_w]
    assert np.abs(top - bottom).mean() > 20
    assert np.abs(pixels[: height // 2] - pixels[height // 2 : 2 * (height // 2)]).mean() > 20


def test_labels_are_drawn_and_clipped_at_the_edges():
    """Text lights pixels in its colour; text running off the image is clipped, not an error."""
    image = np.zeros((20, 40, 3), dtype=np.uint8)
    draw_text(image, "AB~", 0, 0, (255, 0, 0), scale=2)  # '~' has no glyph: drawn as '?'
    draw_text(image, "WIDE TEXT", 30, 15, (0, 255, 0), scale=2)
    assert (image[:, :, 0] == 255).any() and (image[:, :, 1] == 255).any()
    assert text_width("AB", scale=2) == 22
