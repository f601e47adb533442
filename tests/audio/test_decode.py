"""File decoding: every shared recording decodes at its native format to the right duration; video gives its audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.contract import check_contract
from audio.convert import convert
from audio.decode import decode_to_contract, iter_native_blocks, probe
from audio.errors import DecodeError, UnsupportedFormatError
from tests.media import read_native, sine, write_audio, write_video

# Codec names FFmpeg reports for each container suffix in the shared set.
CODECS = {".flac": {"flac"}, ".wav": {"pcm_s16le", "pcm_s24le", "pcm_f32le"}, ".mp3": {"mp3", "mp3float"}}
TOLERANCE_S = {".flac": 0.01, ".wav": 0.01, ".mp3": 0.06}  # mp3 frames are 1152 samples; decoders trim priming


def test_every_shared_file_decodes_to_its_manifest_duration_and_format(manifest):
    """Each manifest row: native rate/channels/codec as listed, contract output of the listed duration."""
    for row in manifest:
        audio, native = decode_to_contract(row.path)
        suffix = row.path.suffix
        assert (native.sample_rate, native.channels) == (row.sample_rate, row.channels), row.name
        assert native.codec in CODECS[suffix], (row.name, native.codec)
        assert audio.duration_s == pytest.approx(row.duration_s, abs=TOLERANCE_S[suffix]), row.name
        assert native.duration_s == pytest.approx(row.duration_s, abs=TOLERANCE_S[suffix]), row.name
        check_contract(audio)
        assert np.sqrt(np.mean(audio.samples**2)) > 1e-3, f"{row.name} decoded to silence"


def test_probe_reads_the_format_without_decoding(utterance):
    """probe() gives the native format: jfk.flac is 44.1 kHz stereo FLAC."""
    native = probe(utterance("jfk.flac").path)
    assert (native.sample_rate, native.channels, native.codec, native.container) == (44100, 2, "flac", "flac")
    assert native.duration_s == pytest.approx(11.0, abs=0.01)


def test_decoding_uses_the_shared_converter(utterance):
    """Block-by-block decoding equals the one-shot converter applied to all native samples."""
    path = utterance("jfk.flac").path
    native, rate = read_native(path)
    audio, _ = decode_to_contract(path)
    np.testing.assert_array_equal(audio.samples, convert(native, rate).samples)


def test_native_blocks_keep_the_file_layout(utterance):
    """Blocks arrive at the native rate as (frames, channels) float32, never pre-resampled."""
    blocks = list(iter_native_blocks(utterance("jfk.flac").path))
    fmt = blocks[0][0]
    assert all(block.ndim == 2 and block.shape[1] == 2 and block.dtype == np.float32 for _, block in blocks)
    assert sum(len(block) for _, block in blocks) == pytest.approx(11.0 * fmt.sample_rate, abs=1)
    assert max(len(block) for _, block in blocks) < fmt.sample_rate  # blocks, not the whole file


def test_decode_reports_progress(utterance):
    """Progress fractions rise to 1.0 while decoding."""
    seen: list[float] = []
    decode_to_contract(utterance("long_ljspeech_LJ023-0051_to_LJ023-0058.mp3").path, progress=seen.append)
    assert seen == sorted(seen)
    assert len(seen) > 10
    assert seen[-1] == pytest.approx(1.0, abs=0.01)


MADE_FORMATS = [
    (suffix, rate, channels)
    for suffix in (".wav", ".flac", ".mp3", ".ogg", ".m4a")
    for rate, channels in ((8000, 1), (22050, 2), (48000, 6))
    if not (suffix == ".mp3" and channels > 2)  # MP3 holds at most two channels
]


@pytest.mark.parametrize(("suffix", "rate", "channels"), MADE_FORMATS)
def test_made_formats_decode_to_contract(tmp_path, suffix, rate, channels):
    """A 440 Hz tone written at several rates, layouts and codecs decodes to 1 s of 440 Hz contract audio."""
    tone = np.tile(sine(440, 1.0, rate)[:, None], (1, channels))
    audio, native = decode_to_contract(write_audio(tmp_path / f"tone{suffix}", tone, rate))
    assert (native.sample_rate, native.channels) == (rate, channels)
    assert audio.duration_s == pytest.approx(1.0, abs=0.08)
    spectrum = np.abs(np.fft.rfft(audio.samples))
    assert np.fft.rfftfreq(audio.samples.size, 1 / SAMPLE_RATE)[np.argmax(spectrum)] == pytest.approx(440, abs=2)


def test_video_file_yields_its_audio_stream(tmp_path, utterance):
    """An mp4 with a video stream and an aac stream made from jfk.flac decodes to jfk's audio."""
    source = utterance("jfk.flac").path
    native, rate = read_native(source)
    video = write_video(tmp_path / "jfk.mp4", 11.0, audio=(native, rate))
    audio, fmt = decode_to_contract(video)
    original, _ = decode_to_contract(source)
    assert (fmt.codec, fmt.sample_rate, fmt.channels) == ("aac", 44100, 2)
    assert "mp4" in fmt.container
    assert audio.duration_s == pytest.approx(11.0, abs=0.05)
    n = min(audio.samples.size, original.samples.size)
    correlation = np.corrcoef(audio.samples[:n], original.samples[:n])[0, 1]
    assert correlation > 0.95  # lossy AAC of the same speech, aligned


def test_video_without_audio_is_refused(tmp_path):
    """A video-only file raises DecodeError saying it has no audio stream."""
    with pytest.raises(DecodeError, match="has no audio stream"):
        decode_to_contract(write_video(tmp_path / "silent.mp4", 1.0))


def test_high_rate_multichannel_wav_converts(tmp_path):
    """192 kHz 8-channel audio (the supported maximum) decodes and converts."""
    frames = np.tile(sine(1000, 0.25, 192000)[:, None], (1, 8))
    audio, native = decode_to_contract(write_audio(tmp_path / "max.wav", frames, 192000))
    assert (native.sample_rate, native.channels) == (192000, 8)
    assert audio.samples.size == pytest.approx(SAMPLE_RATE / 4, abs=1)


def test_rate_below_the_supported_range_is_refused_before_decoding(tmp_path):
    """A 4 kHz file raises UnsupportedFormatError naming the rate."""
    path = tmp_path / "low.wav"
    write_audio(path, sine(440, 0.5, 4000), 4000)
    with pytest.raises(UnsupportedFormatError, match="4000 Hz is outside"):
        decode_to_contract(path)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d / "missing.wav", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: Path("/dev/null"), "not a regular file"),
    ],
)
def test_paths_that_are_not_audio_files(tmp_path: Path, make, reason):
    """Missing paths, directories and device files are refused with the reason."""
    with pytest.raises(DecodeError, match=reason):
        decode_to_contract(make(tmp_path))
