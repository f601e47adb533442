"""The demo picture: the model's own log-mel for each input, drawn Qt-free by Pillow as a labelled figure.

The PNG is decoded back with Pillow and looked at where the layout says things are: the two panels
(and how they differ for each mismatch), the tick labels on both axes, the titles, the colour bar.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor
from PIL import Image, features

from app.demo.features import hz_to_mel, mel_band_centres_hz, mel_to_hz, model_log_mel, window_frames
from app.demo.mismatch import CONVERTED_TITLE, Mismatch, RawStream
from app.demo.picture import comparison_png
from app.demo.spectrogram_png import (
    BACKGROUND,
    COLORMAP,
    MEL_ROW_PX,
    PNG_SIGNATURE,
    TEXT_COLOR,
    Box,
    colorbar_ticks,
    frequency_ticks,
    layout,
    picture_size,
    render_comparison,
    time_ticks,
)
from audio.constants import SAMPLE_RATE
from audio.convert import convert
from audio.decode import iter_native_blocks

N_MELS, FRAMES = 80, 3000
LUMA = np.array([0.2126, 0.7152, 0.0722])


def _decode(png: bytes) -> np.ndarray:
    """(height, width, 3) int pixels, read back by Pillow."""
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB")).astype(np.int16)


def _crop(pixels: np.ndarray, box: Box) -> np.ndarray:
    return pixels[box.y : box.bottom, box.x : box.right]


def _text_pixels(pixels: np.ndarray) -> int:
    """How many pixels are (nearly) the text colour: dark ink on the white figure."""
    return int((np.abs(pixels - np.array(TEXT_COLOR)).max(axis=-1) < 60).sum())


def _is_background(pixels: np.ndarray) -> bool:
    return bool((pixels == np.array(BACKGROUND)).all())


def _lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L* of sRGB colours (0 black .. 100 white)."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ LUMA
    return np.where(y > 216 / 24389, 116 * np.cbrt(y) - 16, y * 24389 / 27)


@pytest.fixture(scope="module")
def jfk_native(audio_dir: Path) -> tuple[np.ndarray, int]:
    """The shared 44.1 kHz stereo recording as (frames, channels) float32."""
    pairs = list(iter_native_blocks(audio_dir / "jfk.flac"))
    return np.concatenate([block for _, block in pairs]), pairs[0][0].sample_rate


def _picture(jfk_native: tuple[np.ndarray, int], mismatch: Mismatch) -> np.ndarray:
    frames, rate = jfk_native
    converted = convert(frames, rate).samples
    stream = RawStream(mismatch, rate, frames.shape[1])
    raw = np.concatenate([stream.process(frames), stream.flush()])
    return _decode(comparison_png(FeatureExtractor(), converted, raw, mismatch, rate, frames.shape[1]))


@pytest.fixture(scope="module")
def synthetic() -> np.ndarray:
    """A picture of two known spectrograms (a level ramp over time above, noise below)."""
    top = np.tile(np.linspace(-1.0, 1.5, FRAMES, dtype=np.float32), (N_MELS, 1))
    bottom = np.random.default_rng(2).uniform(-1.0, 1.5, (N_MELS, FRAMES)).astype(np.float32)
    return _decode(render_comparison(top, bottom, CONVERTED_TITLE, "Raw: made-up noise", "time (s)", (1000, FRAMES)))


def test_pillow_draws_with_a_scalable_font():
    """The wheel's FreeType is there, so load_default(size=) is the TrueType font, not the 6 px bitmap."""
    assert features.check("freetype2")


def test_model_log_mel_is_one_padded_model_window():
    """The log-mel has the encoder's shape (80 x 3000); frames after 10 s of audio are the zero padding."""
    extractor = FeatureExtractor()
    t = np.arange(10 * SAMPLE_RATE) / SAMPLE_RATE
    mel = model_log_mel(extractor, (0.3 * np.sin(2 * np.pi * 500 * t)).astype(np.float32))
    assert mel.shape == (N_MELS, window_frames(extractor)) == (80, 3000)
    assert np.all(mel[:, 1000:] == 0.0)
    assert mel[:, :1000].std() > 0.1


def test_model_log_mel_of_long_input_uses_the_first_window():
    """Input longer than 30 s gives the first 30 s only, with no padding."""
    extractor = FeatureExtractor()
    noise = np.random.default_rng(1).normal(0, 0.1, 45 * SAMPLE_RATE).astype(np.float32)
    mel = model_log_mel(extractor, noise)
    assert mel.shape == (80, 3000)
    assert np.all(mel[:, -5:] != 0.0)


def test_mel_scale_is_the_extractors_own():
    """Slaney mel as faster-whisper builds it: 8 kHz is its max_mel, and each band's centre is where
    the extractor's own triangular filter peaks (to within half an FFT bin)."""
    extractor = FeatureExtractor()
    assert float(hz_to_mel(8000.0)) == pytest.approx(45.245640471924965, abs=1e-9)
    hz = np.array([0.0, 200.0, 999.0, 1000.0, 3000.0, 8000.0])
    assert np.allclose(mel_to_hz(hz_to_mel(hz)), hz)
    bins = np.fft.rfftfreq(extractor.n_fft, 1.0 / extractor.sampling_rate)
    peaks = bins[extractor.mel_filters.argmax(axis=1)]
    centres = mel_band_centres_hz(N_MELS, extractor.sampling_rate / 2)
    assert np.all(np.abs(peaks - centres) <= (bins[1] - bins[0]) / 2)


def test_frequency_ticks_sit_on_the_mel_bands():
    """0 Hz and 8 kHz on the panel's edges; 1 kHz on the rows of the band centred nearest 1 kHz."""
    rows = dict(frequency_ticks(N_MELS, 8000.0))
    assert list(rows) == ["0", "500", "1k", "2k", "4k", "8k"]
    height = N_MELS * MEL_ROW_PX
    assert rows["0"] == height - 1 and rows["8k"] == 0
    assert list(rows.values()) == sorted(rows.values(), reverse=True)
    band = int(np.argmin(np.abs(mel_band_centres_hz(N_MELS, 8000.0) - 1000.0)))
    band_rows = range((N_MELS - 1 - band) * MEL_ROW_PX - MEL_ROW_PX, (N_MELS - band) * MEL_ROW_PX + MEL_ROW_PX)
    assert rows["1k"] in band_rows
    assert rows["2k"] - rows["4k"] == pytest.approx(rows["4k"] - rows["8k"], abs=2)  # octaves even above 1 kHz


def test_time_and_colour_bar_ticks():
    """5 s steps over the 30 s window, 1 s minor ticks; round dB steps on the colour bar."""
    majors, minors = time_ticks(FRAMES, 0.01)
    assert [label for label, _ in majors] == ["0", "5", "10", "15", "20", "25", "30"]
    assert len(minors) == 24
    assert [label for label, _ in colorbar_ticks(-63.0, 18.0)] == ["-60", "-40", "-20", "0"]
    assert colorbar_ticks(-40.0, 0.0)[-1] == ("0", 1.0)


def test_colormap_is_perceptually_uniform():
    """Magma's ends, and lightness rising in near-equal steps (no band of the scale looks flatter)."""
    assert tuple(COLORMAP[0]) == (0, 0, 4) and tuple(COLORMAP[-1]) == (252, 253, 191)
    steps = np.diff(_lightness(COLORMAP.astype(np.float64)))
    assert steps.min() > 0
    assert steps.max() < 2 * steps.mean()


def test_picture_has_the_computed_size_and_panels_that_differ(jfk_native):
    """Converted above raw, decoded back: the computed size; interleaved 44.1 kHz stereo read as 16 kHz
    is pitched down 5.5x, so the raw panel loses the energy above 2 kHz that the converted one has."""
    pixels = _picture(jfk_native, Mismatch.INTERLEAVED)
    width, height = picture_size(N_MELS, FRAMES)
    assert pixels.shape == (height, width, 3)
    geometry = layout(N_MELS)
    top, bottom = (_crop(pixels, panel) for panel in geometry.panels)
    assert top.shape == bottom.shape == (N_MELS * MEL_ROW_PX, geometry.panels[0].width, 3)
    assert np.abs(top - bottom).mean() > 20
    above_2k = dict(frequency_ticks(N_MELS, 8000.0))["2k"]
    speech = slice(0, top.shape[1] // 3)  # the first 10 s: jfk's 11 s of audio in the converted panel
    converted_high = (top[:above_2k, speech] @ LUMA).mean()
    raw_high = (bottom[:above_2k, speech] @ LUMA).mean()
    assert converted_high > 3 * raw_high


def test_int16_raw_panel_is_brighter_on_the_shared_scale(jfk_native):
    """int16 values are 32767x too large: the same speech is far brighter on the shared colour scale."""
    pixels = _picture(jfk_native, Mismatch.INT16)
    top, bottom = (_crop(pixels, panel) for panel in layout(N_MELS).panels)
    speech = slice(0, top.shape[1] // 3)
    assert (bottom[:, speech] @ LUMA).mean() > 3 * (top[:, speech] @ LUMA).mean()


def test_axis_labels_are_drawn_at_their_ticks(synthetic):
    """Text ink left of each frequency tick and under each time tick; blank margin between labels."""
    geometry = layout(N_MELS)
    for panel in geometry.panels:
        labels_right = panel.x - 8  # the tick marks are the 5 px just left of the frame
        for _, row in frequency_ticks(N_MELS, 8000.0):
            y = min(max(panel.y + row - 6, 0), panel.bottom - 12)
            assert _text_pixels(_crop(synthetic, Box(labels_right - 24, y, 24, 12))) > 5
        rows = dict(frequency_ticks(N_MELS, 8000.0))
        gap_y = panel.y + (rows["2k"] + rows["4k"]) // 2 - 3
        assert _is_background(_crop(synthetic, Box(labels_right - 24, gap_y, 24, 6)))
    lower = geometry.panels[1]
    label_h = geometry.time_title_y - geometry.time_labels_y
    majors, _ = time_ticks(FRAMES, 0.01)
    for _, column in majors:
        x = lower.x + column
        assert _text_pixels(_crop(synthetic, Box(x - 8, geometry.time_labels_y, 16, label_h))) > 5
    between = lower.x + (majors[1][1] + majors[2][1]) // 2
    assert _is_background(_crop(synthetic, Box(between - 10, geometry.time_labels_y, 20, label_h)))
    title_row = Box(lower.x, geometry.time_title_y, lower.width, geometry.height - geometry.time_title_y)
    assert _text_pixels(_crop(synthetic, title_row)) > 20  # the time axis title


def test_titles_and_padding_note_are_drawn(synthetic):
    """Each panel's title is ink above it; the top panel names its padding after 10 s of audio."""
    geometry = layout(N_MELS)
    for title in geometry.titles:
        assert _text_pixels(_crop(synthetic, title)) > 50
    top = _crop(synthetic, geometry.panels[0])
    after_audio = top[:, top.shape[1] // 3 + 10 :]
    light = (np.abs(after_audio - 235).max(axis=-1) < 30).sum()
    assert light > 50  # the light "padding: no audio" text on the dark end of the scale
    bottom = _crop(synthetic, geometry.panels[1])
    assert (np.abs(bottom - 235).max(axis=-1) < 30).sum() < light  # no audio ends there: no note


def test_long_title_is_cut_at_the_panel_edge():
    """A title wider than the panel ends in an ellipsis before the colour bar's column."""
    mel = np.zeros((N_MELS, FRAMES), dtype=np.float32)
    pixels = _decode(render_comparison(mel, mel, "very long title " * 20, "raw", "time (s)"))
    geometry = layout(N_MELS)
    title = geometry.titles[0]
    assert _text_pixels(_crop(pixels, title)) > 200
    assert _is_background(pixels[title.y : title.bottom, title.right :])


def test_colour_bar_is_the_colormap_with_labels(synthetic):
    """The bar runs the colour map from bright (top) to dark (bottom), with dB labels to its right."""
    bar = layout(N_MELS).colorbar
    column = synthetic[bar.y : bar.bottom, bar.x + bar.width // 2]
    assert np.abs(column[0] - COLORMAP[-1]).max() <= 1 and np.abs(column[-1] - COLORMAP[0]).max() <= 1
    lightness = _lightness(column.astype(np.float64))
    assert np.all(np.diff(lightness) <= 1e-9)
    labels = _crop(synthetic, Box(bar.right + 8, bar.y - 8, 34, bar.height + 16))
    # the synthetic levels span -80..20 dB: six labels of 2-3 characters
    assert _text_pixels(labels) > 6 * 15
