"""The input contract check: contract audio passes, each kind of violation is refused by name."""

from __future__ import annotations

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.contract import ContractError, PcmAudio, check_contract, describe


def _good(n: int = SAMPLE_RATE) -> np.ndarray:
    return np.linspace(-0.5, 0.5, n, dtype=np.float32)


def test_contract_audio_passes_unchanged():
    """16 kHz mono float32 finite samples in [-1, 1] pass and come back as the same array."""
    samples = _good()
    assert check_contract(PcmAudio(samples, SAMPLE_RATE, 1)) is samples


def test_full_scale_is_inside_the_contract():
    """Exactly -1.0 and 1.0 are allowed (the range is closed)."""
    samples = np.array([-1.0, 0.0, 1.0], dtype=np.float32)
    assert check_contract(PcmAudio(samples, SAMPLE_RATE, 1)) is samples


def test_wrong_rate_and_channels_are_named():
    """44.1 kHz stereo is refused with the exact rate and channel count found and expected."""
    stereo = np.zeros((100, 2), dtype=np.float32)
    with pytest.raises(ContractError) as caught:
        check_contract(PcmAudio(stereo, 44100, 2))
    assert str(caught.value).startswith(f"got 44100 Hz, 2 channels; expected {SAMPLE_RATE} Hz mono")


@pytest.mark.parametrize(
    ("rate", "channels", "expected"),
    [
        (48000, 1, "got 48000 Hz, 1 channel;"),
        (SAMPLE_RATE, 2, f"got {SAMPLE_RATE} Hz, 2 channels;"),
        (8000, 6, "got 8000 Hz, 6 channels;"),
    ],
)
def test_each_format_mismatch_is_reported(rate, channels, expected):
    """Rate alone, channels alone, or both wrong: the message says what was received."""
    with pytest.raises(ContractError, match=expected):
        check_contract(PcmAudio(_good(), rate, channels))


def test_two_dimensional_samples_are_refused():
    """Samples shaped (frames, 1) claim mono but are not the 1-D array the model needs."""
    with pytest.raises(ContractError, match=r"shape \(100, 1\); expected a 1-D array"):
        check_contract(PcmAudio(np.zeros((100, 1), dtype=np.float32), SAMPLE_RATE, 1))


@pytest.mark.parametrize("dtype", [np.float64, np.int16, np.int32])
def test_wrong_dtype_is_refused(dtype):
    """float64 or unscaled integer PCM is refused, naming the dtype."""
    with pytest.raises(ContractError, match=f"got dtype {np.dtype(dtype).name}; expected float32"):
        check_contract(PcmAudio(np.zeros(100, dtype=dtype), SAMPLE_RATE, 1))


def test_several_problems_are_reported_together():
    """A buffer wrong in rate, shape and dtype gets all three reasons in one message."""
    with pytest.raises(ContractError) as caught:
        check_contract(PcmAudio(np.zeros((10, 2), dtype=np.int16), 44100, 2))
    message = str(caught.value)
    assert "44100 Hz, 2 channels" in message
    assert "1-D array" in message
    assert "dtype int16" in message


def test_empty_audio_is_refused():
    """Zero samples are a contract break, not an empty transcript."""
    with pytest.raises(ContractError, match="zero-length"):
        check_contract(PcmAudio(np.zeros(0, dtype=np.float32), SAMPLE_RATE, 1))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_are_refused(bad):
    """A single NaN or Inf anywhere is refused."""
    samples = _good()
    samples[1234] = bad
    with pytest.raises(ContractError, match="non-finite"):
        check_contract(PcmAudio(samples, SAMPLE_RATE, 1))


def test_unscaled_samples_are_refused_with_their_peak():
    """Float samples above full scale (e.g. int16 values cast to float) name the peak found."""
    samples = _good() * 32767
    with pytest.raises(ContractError, match=r"outside \[-1, 1\] \(peak 1.64e\+04\)"):
        check_contract(PcmAudio(samples, SAMPLE_RATE, 1))


def test_describe_uses_singular_for_mono():
    """Messages read '1 channel' and '2 channels'."""
    assert describe(8000, 1) == "8000 Hz, 1 channel"
    assert describe(44100, 2) == "44100 Hz, 2 channels"


def test_duration_of_pcm_audio():
    """Duration is frames / rate for mono and multi-channel buffers alike."""
    assert PcmAudio(np.zeros(SAMPLE_RATE // 2, dtype=np.float32), SAMPLE_RATE, 1).duration_s == 0.5
    assert PcmAudio(np.zeros((44100, 2), dtype=np.float32), 44100, 2).duration_s == 1.0
