"""The raw streams the contract demo builds: each mismatch skips exactly one conversion step."""

from __future__ import annotations

import numpy as np
import pytest

from app.demo.mismatch import (
    CONVERTED_TITLE,
    INT16_FULL_SCALE,
    Mismatch,
    RawStream,
    describe_format,
    raw_title,
)
from app.demo.result import raw_vs_converted_wer
from audio.constants import SAMPLE_RATE
from audio.convert import convert
from audio.errors import UnsupportedFormatError

NATIVE_RATE = 44100


def _stereo(seconds: float = 1.0) -> np.ndarray:
    """Different tones left and right, so a wrong channel order would show."""
    t = np.arange(round(seconds * NATIVE_RATE)) / NATIVE_RATE
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    right = 0.25 * np.sin(2 * np.pi * 660 * t)
    return np.stack([left, right], axis=1).astype(np.float32)


def _stream(mismatch: Mismatch, frames: np.ndarray, block: int) -> np.ndarray:
    stream = RawStream(mismatch, NATIVE_RATE, frames.shape[1])
    parts = [stream.process(frames[i : i + block]) for i in range(0, len(frames), block)]
    parts.append(stream.flush())
    return np.concatenate(parts)


def test_interleaved_is_the_native_samples_in_arrival_order():
    """Interleaved raw is L R L R at the native rate, in any chunking: 2 x 44100 samples per second."""
    frames = _stereo()
    raw = _stream(Mismatch.INTERLEAVED, frames, 1000)
    assert raw.dtype == np.float32
    assert np.array_equal(raw[0::2], frames[:, 0])
    assert np.array_equal(raw[1::2], frames[:, 1])
    assert raw.size == 2 * NATIVE_RATE


def test_no_resample_is_the_mean_downmix_at_the_native_rate():
    """No-resample raw is mono by mean, with one sample per native frame (44100 per second)."""
    frames = _stereo()
    raw = _stream(Mismatch.NO_RESAMPLE, frames, 777)
    assert raw.size == len(frames)
    np.testing.assert_allclose(raw, frames.mean(axis=1), atol=1e-7)


def test_int16_is_the_contract_audio_without_the_scale_step():
    """Int16 raw is the shared conversion's 16 kHz mono output x 32767, rounded: same length, integer values."""
    frames = _stereo()
    raw = _stream(Mismatch.INT16, frames, 4096)
    contract = convert(frames, NATIVE_RATE).samples
    assert raw.size == contract.size
    assert np.array_equal(raw, np.round(contract * INT16_FULL_SCALE).astype(np.float32))
    assert np.abs(raw).max() > 1000 and np.abs(raw).max() <= INT16_FULL_SCALE
    assert np.array_equal(raw, np.round(raw))


@pytest.mark.parametrize("mismatch", list(Mismatch))
def test_chunking_does_not_change_the_raw_stream(mismatch: Mismatch):
    """Odd block sizes give the same raw samples as one block (int16 relies on the stateful converter)."""
    frames = _stereo(0.5)
    np.testing.assert_array_equal(_stream(mismatch, frames, 333), _stream(mismatch, frames, len(frames)))


def test_integer_and_flat_blocks_are_accepted():
    """int16 PCM blocks are scaled to float first, and a 1-D block is taken as interleaved."""
    pcm = (_stereo(0.1) * 32767).astype(np.int16)
    stream = RawStream(Mismatch.INTERLEAVED, NATIVE_RATE, 2)
    from_frames = stream.process(pcm)
    from_flat = RawStream(Mismatch.INTERLEAVED, NATIVE_RATE, 2).process(pcm.reshape(-1))
    assert np.abs(from_frames).max() <= 1.0
    assert np.array_equal(from_frames, from_flat)


def test_a_block_with_the_wrong_channel_count_is_refused():
    """A 3-channel block on a stereo stream is refused, naming its shape."""
    stream = RawStream(Mismatch.INTERLEAVED, NATIVE_RATE, 2)
    with pytest.raises(UnsupportedFormatError, match=r"\(10, 3\)"):
        stream.process(np.zeros((10, 3), dtype=np.float32))


def test_titles_name_the_native_format_and_the_contract():
    """Pane titles read as the issue words them, built from the real format."""
    assert CONVERTED_TITLE == "Converted: 16 kHz mono (what the model was trained on)"
    assert raw_title(Mismatch.INTERLEAVED, 44100, 2) == "Raw: 44.1 kHz stereo passed as 16 kHz mono (contract broken)"
    assert "48 kHz mono (downmixed, not resampled)" in raw_title(Mismatch.NO_RESAMPLE, 48000, 2)
    assert "not scaled to [-1, 1]" in raw_title(Mismatch.INT16, 44100, 2)
    assert describe_format(22050, 6) == "22.05 kHz 6-channel"


def test_speed_factor_and_no_op_detection():
    """44.1 kHz stereo interleaved lasts 5.5x longer; a 16 kHz mono input is unchanged by skipping conversion."""
    assert Mismatch.INTERLEAVED.speed_factor(44100, 2) == pytest.approx(5.5125)
    assert Mismatch.NO_RESAMPLE.speed_factor(48000, 2) == pytest.approx(3.0)
    assert Mismatch.INT16.speed_factor(44100, 2) == 1.0
    assert Mismatch.INTERLEAVED.changes_nothing_for(SAMPLE_RATE, 1)
    assert not Mismatch.INTERLEAVED.changes_nothing_for(SAMPLE_RATE, 2)
    assert not Mismatch.INT16.changes_nothing_for(SAMPLE_RATE, 1)


def test_raw_vs_converted_wer_handles_empty_sides():
    """No raw text is a 100% difference; no converted words makes the difference unmeasurable (None)."""
    assert raw_vs_converted_wer("ask not what your country", "") == 1.0
    assert raw_vs_converted_wer("ask not what your country", "Ask not what your country.") == 0.0
    assert raw_vs_converted_wer("", "oh oh oh") is None
