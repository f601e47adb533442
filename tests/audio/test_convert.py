"""The one conversion path: integer scaling, downmix by mean, soxr resampling of every supported rate."""

from __future__ import annotations

import numpy as np
import pytest

from audio.constants import MAX_INPUT_CHANNELS, MAX_INPUT_RATE, MIN_INPUT_RATE, SAMPLE_RATE
from audio.contract import PcmAudio, check_contract
from audio.convert import StreamConverter, check_native_format, convert, downmix, to_float32
from audio.errors import InvalidSamplesError, UnsupportedFormatError

# Every common native rate from telephone to studio.
RATES = (8000, 11025, 12000, SAMPLE_RATE, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000)


def _sine(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _contract_ok(samples: np.ndarray) -> np.ndarray:
    return check_contract(PcmAudio(samples, SAMPLE_RATE, 1))


def _peak_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[int(np.argmax(spectrum))])


# --- to_float32 -------------------------------------------------------------------------------


def test_int16_scales_to_unit_range():
    """int16 full scale maps to [-1, 1) by dividing by 2**15."""
    raw = np.array([-32768, -16384, 0, 16384, 32767], dtype=np.int16)
    out = to_float32(raw)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.array([-1.0, -0.5, 0.0, 0.5, 32767 / 32768], dtype=np.float32))


def test_int24_right_justified_in_int32_uses_bits():
    """int24 stored in the low 24 bits of int32 scales by 2**23 when bits=24."""
    raw = np.array([-(2**23), -(2**22), 0, 2**22, 2**23 - 1], dtype=np.int32)
    out = to_float32(raw, bits=24)
    np.testing.assert_array_equal(out, np.array([-1.0, -0.5, 0.0, 0.5, (2**23 - 1) / 2**23], dtype=np.float32))


def test_int24_left_justified_as_ffmpeg_gives_needs_no_bits():
    """int24 shifted into the top of int32 (FFmpeg's s32) scales like int32 and equals the right-justified result."""
    right = np.array([-(2**23), -12345, 0, 777, 2**23 - 1], dtype=np.int32)
    left = right << 8
    np.testing.assert_array_equal(to_float32(left), to_float32(right, bits=24))


def test_int32_scales_by_two_to_the_31():
    """int32 full scale maps to [-1, 1)."""
    raw = np.array([-(2**31), -(2**30), 0, 2**30, 2**31 - 1], dtype=np.int32)
    out = to_float32(raw)
    np.testing.assert_allclose(out, [-1.0, -0.5, 0.0, 0.5, 1.0], atol=1e-9)
    assert np.abs(out).max() <= 1.0


def test_uint8_is_offset_then_scaled():
    """uint8 PCM (WAV 8-bit) is unsigned with 128 as silence."""
    raw = np.array([0, 64, 128, 192, 255], dtype=np.uint8)
    np.testing.assert_array_equal(to_float32(raw), np.array([-1.0, -0.5, 0.0, 0.5, 127 / 128], dtype=np.float32))


def test_float64_is_cast_to_float32():
    """float64 keeps its values and becomes float32."""
    raw = np.array([-1.0, -0.25, 0.0, 0.125, 1.0], dtype=np.float64)
    out = to_float32(raw)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, raw.astype(np.float32))


def test_float32_passes_through_without_copy():
    """Samples already float32 are returned as they are."""
    raw = np.zeros(10, dtype=np.float32)
    assert to_float32(raw) is raw


def test_scaling_keeps_the_channel_layout():
    """Scaling works elementwise on (frames, channels) blocks."""
    raw = np.array([[-32768, 16384], [0, 32767]], dtype=np.int16)
    assert to_float32(raw).shape == (2, 2)


@pytest.mark.parametrize("dtype", [np.complex64, np.bool_])
def test_unsupported_sample_types_are_refused(dtype):
    """Sample types that are not PCM raise UnsupportedFormatError naming the type."""
    with pytest.raises(UnsupportedFormatError, match="unsupported sample type"):
        to_float32(np.zeros(4, dtype=dtype))


# --- downmix --------------------------------------------------------------------------------------


@pytest.mark.parametrize("channels", range(1, MAX_INPUT_CHANNELS + 1))
def test_downmix_averages_any_channel_count(channels):
    """1..8 channels become one: the per-frame mean of the channels."""
    levels = np.linspace(-0.8, 0.8, channels, dtype=np.float32)
    frames = np.tile(levels, (50, 1)) * np.linspace(0, 1, 50, dtype=np.float32)[:, None]
    mono = downmix(frames, channels)
    assert mono.shape == (50,)
    assert mono.dtype == np.float32
    np.testing.assert_allclose(mono, frames.mean(axis=1), atol=1e-7)


@pytest.mark.parametrize("channels", [2, 3, 6])
def test_downmix_accepts_interleaved_samples(channels):
    """A flat interleaved buffer gives the same mono as its (frames, channels) form."""
    frames = np.random.default_rng(channels).uniform(-1, 1, (40, channels)).astype(np.float32)
    np.testing.assert_array_equal(downmix(frames.reshape(-1), channels), downmix(frames, channels))


def test_downmix_of_opposite_channels_is_silence():
    """Averaging (not summing, not taking the left channel): L = -R gives zeros."""
    left = _sine(440, 0.1, 48000)
    assert np.abs(downmix(np.stack([left, -left], axis=1), 2)).max() == 0.0


def test_downmix_refuses_a_block_with_the_wrong_channel_count():
    """A (frames, 3) block fed to a 2-channel converter is an error, not a silent reshape."""
    with pytest.raises(UnsupportedFormatError, match="does not have 2 channels"):
        downmix(np.zeros((10, 3), dtype=np.float32), 2)
    with pytest.raises(UnsupportedFormatError, match="do not split into 2 channels"):
        downmix(np.zeros(11, dtype=np.float32), 2)


# --- native format limits -------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [1, 4000, MIN_INPUT_RATE - 1, MAX_INPUT_RATE + 1, 1_000_000])
def test_rates_outside_the_supported_range_are_refused(rate):
    """Declared rates below 8 kHz or above 192 kHz raise UnsupportedFormatError naming the rate."""
    with pytest.raises(UnsupportedFormatError, match=f"sample rate {rate} Hz is outside"):
        StreamConverter(rate, 1)


@pytest.mark.parametrize("channels", [0, MAX_INPUT_CHANNELS + 1])
def test_channel_counts_outside_the_supported_range_are_refused(channels):
    """0 or more than 8 channels raise UnsupportedFormatError."""
    with pytest.raises(UnsupportedFormatError, match=f"{channels} channels is outside"):
        check_native_format(48000, channels)


# --- resampling -----------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", RATES)
def test_every_rate_resamples_to_the_right_length(rate):
    """n native frames become n * SAMPLE_RATE / rate samples (within one sample), float32, contract-clean."""
    frames = rate * 3 // 2 + 7  # 1.5 s plus an odd tail
    out = convert(_sine(440, frames / rate, rate), rate).samples
    assert abs(out.size - frames * SAMPLE_RATE / rate) <= 1
    assert out.dtype == np.float32
    assert _contract_ok(out) is out


@pytest.mark.parametrize("rate", RATES)
def test_a_440_hz_sine_keeps_its_frequency_and_level(rate):
    """After resampling from any rate, the spectrum peaks at 440 Hz and the RMS level is kept."""
    out = convert(_sine(440, 2.0, rate), rate).samples
    middle = out[SAMPLE_RATE // 4 : -SAMPLE_RATE // 4]  # away from the filter's edges
    assert abs(_peak_frequency(middle, SAMPLE_RATE) - 440) <= 1.0
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.01)


@pytest.mark.parametrize("rate", [44100, 48000, 96000])
def test_content_above_8_khz_is_removed(rate):
    """A 12 kHz tone cannot exist at 16 kHz: the resampler filters it instead of aliasing it to 4 kHz."""
    out = convert(_sine(12000, 1.0, rate), rate).samples
    assert np.sqrt(np.mean(out[1000:-1000] ** 2)) < 1e-3


def test_stereo_resamples_as_the_mean_of_its_channels():
    """Converting stereo equals converting the mono mean: downmix happens before soxr."""
    rng = np.random.default_rng(7)
    stereo = rng.uniform(-0.5, 0.5, (44100, 2)).astype(np.float32)
    np.testing.assert_array_equal(convert(stereo, 44100).samples, convert(stereo.mean(axis=1), 44100).samples)


def test_integer_input_converts_like_its_float_equivalent():
    """int16 input through the converter equals the pre-scaled float input."""
    pcm = (_sine(300, 0.5, 22050) * 32767).astype(np.int16)
    np.testing.assert_array_equal(convert(pcm, 22050).samples, convert(pcm / 32768.0, 22050).samples)


def test_int24_right_justified_converts_with_bits():
    """The converter's `bits` reaches the scaling: right-justified int24 equals its float form."""
    pcm = (_sine(300, 0.5, 48000) * (2**23 - 1)).astype(np.int32)
    out = convert(pcm, 48000, bits=24).samples
    np.testing.assert_array_equal(out, convert(pcm / 2.0**23, 48000).samples)


def test_full_scale_square_wave_stays_inside_the_contract():
    """Resampler overshoot on full-scale input is clipped, so the result still passes the contract."""
    square = np.sign(_sine(1000, 1.0, 44100)).astype(np.float32)
    out = convert(square, 44100).samples
    assert np.abs(out).max() <= 1.0
    _contract_ok(out)


def test_sixteen_khz_mono_is_passed_through():
    """Contract-rate input keeps its length (soxr at ratio 1)."""
    x = _sine(440, 1.0, SAMPLE_RATE)
    out = convert(x, SAMPLE_RATE).samples
    assert out.size == x.size
    np.testing.assert_allclose(out, x, atol=1e-6)


def test_empty_input_gives_empty_output():
    """Zero frames in, zero samples out (the decoder turns that into a zero-length error)."""
    assert convert(np.zeros(0, dtype=np.float32), 48000).samples.size == 0


# --- invalid samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_raise_invalid_samples_error(bad):
    """NaN or Inf in the input raises InvalidSamplesError with the time of the first one."""
    x = _sine(440, 1.0, 8000)
    x[4000] = bad
    with pytest.raises(InvalidSamplesError, match=r"non-finite sample \(NaN or Inf\) at 0.500 s"):
        convert(x, 8000)


def test_non_finite_time_counts_earlier_blocks():
    """In streaming, the reported time is from the start of the stream, not the block."""
    converter = StreamConverter(8000, 2)
    converter.process(np.zeros((8000, 2), dtype=np.float32))
    block = np.zeros((8000, 2), dtype=np.float32)
    block[2000, 1] = np.nan  # one channel is enough
    with pytest.raises(InvalidSamplesError, match=r"at 1\.250 s"):
        converter.process(block)


def test_converter_counts_frames_and_samples():
    """frames_in counts native frames; samples_out counts contract samples produced."""
    converter = StreamConverter(48000, 2)
    out = converter.process(np.zeros((48000, 2), dtype=np.int16))
    tail = converter.flush()
    assert converter.frames_in == 48000
    assert converter.samples_out == out.size + tail.size == SAMPLE_RATE


def test_device_rate_makes_test_input_at_another_rate():
    """device_rate (test and benchmark input only) keeps a tone's pitch and the duration; equal rates are a no-op."""
    from audio.convert import device_rate

    t = np.arange(16000) / 16000
    tone = np.sin(2 * np.pi * 440 * t)
    up = device_rate(tone, 16000, 44100)
    assert up.size == 44100
    peak_hz = np.argmax(np.abs(np.fft.rfft(up))) * 44100 / up.size
    assert abs(peak_hz - 440) <= 1
    assert device_rate(tone, 16000, 16000) is tone
