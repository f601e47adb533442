"""Input beyond full scale is counted where it is clipped (the shared converter), carried to the decoded
file's format, and turned into one line only when a real share of the samples was clipped."""

from __future__ import annotations

import numpy as np
import pytest

from audio.convert import StreamConverter
from audio.decode import decode_to_contract, probe
from audio.levels import CLIPPED_FAIL_FRACTION, CLIPPED_WARN_FRACTION, MIS_SCALED_PEAK, clipped_badly, level_problem
from audio.sources import CapturedBlock, ContractStream
from tests.media import WAVE_FORMAT_IEEE_FLOAT, sine, write_wav


def _with_overs(frames: int, overs: list[int], value: float = 3.0) -> np.ndarray:
    samples = sine(440, frames / 48000, 48000, amplitude=0.9)
    samples[overs] = value * np.where(samples[overs] < 0, -1.0, 1.0)  # beyond ±1.0, on the wave's side
    return samples


def test_converter_counts_samples_beyond_full_scale_in_any_chunking():
    """The count and the peak are exact and the same whether the input comes whole or in odd blocks."""
    samples = _with_overs(48000, [10, 11, 5000, 47999], value=-2.5)
    whole = StreamConverter(48000, 1)
    whole.process(samples, last=True)
    chunked = StreamConverter(48000, 1)
    for start in range(0, samples.size, 777):
        chunked.process(samples[start : start + 777])
    chunked.flush()
    for converter in (whole, chunked):
        assert converter.beyond_full_scale == 4
        assert converter.peak == pytest.approx(2.5)
        assert converter.clipped_fraction == pytest.approx(4 / 48000)


def test_full_scale_integer_and_float_input_is_not_counted():
    """int16 at its extremes and float at exactly ±1.0 are within the contract: nothing is counted."""
    ints = StreamConverter(16000, 2)
    ints.process(np.array([[-32768, 32767]] * 100, dtype=np.int16), last=True)
    floats = StreamConverter(16000, 1)
    floats.process(np.array([1.0, -1.0, 0.0] * 100, dtype=np.float32), last=True)
    for converter in (ints, floats):
        assert converter.beyond_full_scale == 0 and converter.peak <= 1.0


def test_the_mean_of_the_channels_is_what_counts():
    """A stereo frame at (1.6, 0.0) downmixes to 0.8: within full scale, so it is not clipped."""
    converter = StreamConverter(16000, 2)
    converter.process(np.array([[1.6, 0.0], [1.6, 1.0]], dtype=np.float32), last=True)
    assert converter.beyond_full_scale == 1 and converter.peak == pytest.approx(1.3)


def test_level_problem_thresholds():
    """Below the warning share: nothing; above it: one line with the share and the peak, naming a codec's
    overshoot below MIS_SCALED_PEAK; clipped badly only with a mis-scaling peak and the failing share."""
    assert level_problem(None, 0.5) is None  # only probed, never decoded
    assert level_problem(1.2, CLIPPED_WARN_FRACTION / 2) is None
    line = level_problem(782.7, 0.956)
    assert line is not None and "\n" not in line
    assert line == (
        "95.6% of its samples are beyond full scale (peak 782.7 times the ±1.0 limit) and were clipped: "
        "the file's levels are mis-scaled, so its words are not to be trusted"
    )
    overshoot = level_problem(1.96, 0.14)  # loud speech as Opus: transcribed as its WAV was
    assert overshoot is not None and overshoot.endswith("(a recording too loud, or a lossy codec's overshoot)")
    assert not clipped_badly(1.96, 0.14)
    assert not clipped_badly(MIS_SCALED_PEAK, CLIPPED_FAIL_FRACTION / 2)
    assert clipped_badly(MIS_SCALED_PEAK, CLIPPED_FAIL_FRACTION)


def test_decoded_format_carries_the_level(tmp_path):
    """A float WAV at 5x full scale: probing says nothing of its level, decoding gives peak and share."""
    samples = sine(220, 1.0, 16000, amplitude=5.0)
    path = write_wav(tmp_path / "hot.wav", samples.tobytes(), 16000, 1, 32, WAVE_FORMAT_IEEE_FLOAT)
    assert probe(path).peak is None and probe(path).problems == []
    audio, native = decode_to_contract(path)
    expected = np.count_nonzero(np.abs(samples) > 1.0) / samples.size
    assert native.peak == pytest.approx(5.0, rel=1e-3)
    assert native.clipped_fraction == pytest.approx(expected)
    assert native.unreliable and len(native.problems) == 1 and native.problems[0].endswith("not to be trusted")
    assert np.abs(audio.samples).max() <= 1.0  # the contract still holds: clipped, not passed on


def test_a_live_stream_reports_its_clipping():
    """A replayed or captured source goes through the same count: ContractStream says it too."""
    warned, failed = ContractStream(48000, 1), ContractStream(48000, 1)
    warned.feed(CapturedBlock(_with_overs(4800, list(range(0, 4800, 10))), captured_at=0.0))  # 10% at 3x
    failed.feed(CapturedBlock(_with_overs(4800, list(range(0, 4800, 10)), 5.0), captured_at=0.0))  # 10% at 5x
    for stream in (warned, failed):
        stream.flush()
    assert warned.level_problem is not None and not warned.clipped_badly
    assert failed.level_problem is not None and failed.clipped_badly
