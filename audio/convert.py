"""The one conversion path: any PCM block -> float32 -> mono (mean) -> 16 kHz (soxr).

Live capture, file decoding and benchmarks all use `StreamConverter`; the one-shot
`convert` is the same converter fed a single final chunk, so both give the same bits.
`device_rate` is the only other use of soxr: it makes test and benchmark input at a device's
rate (as if recorded there); nothing on the way to the model calls it.
"""

from __future__ import annotations

import numpy as np
import soxr

from audio.constants import (
    DTYPE,
    MAX_INPUT_CHANNELS,
    MAX_INPUT_RATE,
    MIN_INPUT_RATE,
    RESAMPLER_QUALITY,
    SAMPLE_RATE,
)
from audio.contract import PcmAudio
from audio.errors import InvalidSamplesError, UnsupportedFormatError

# Full-scale divisor for each integer sample type (unsigned types are offset first).
_INT_SCALE = {
    np.dtype(np.int8): 2.0**7,
    np.dtype(np.int16): 2.0**15,
    np.dtype(np.int32): 2.0**31,
    np.dtype(np.int64): 2.0**63,
}
_UINT_OFFSET = {np.dtype(np.uint8): 2**7, np.dtype(np.uint16): 2**15, np.dtype(np.uint32): 2**31}


def to_float32(samples: np.ndarray, bits: int | None = None) -> np.ndarray:
    """Scale integer PCM to float32 in [-1, 1]; float input is only cast.

    `bits` names the significant bits of right-justified samples, e.g. 24 for int24
    stored in int32 containers (left-justified int24, as FFmpeg gives, needs no `bits`).
    """
    dtype = samples.dtype
    if dtype == DTYPE:
        return samples
    if dtype.kind == "f":
        return samples.astype(DTYPE)
    if dtype in _UINT_OFFSET:
        offset = _UINT_OFFSET[dtype]
        return ((samples.astype(np.float64) - offset) / offset).astype(DTYPE)
    if dtype in _INT_SCALE:
        scale = 2.0 ** (bits - 1) if bits else _INT_SCALE[dtype]
        return (samples.astype(np.float64) / scale).astype(DTYPE)
    raise UnsupportedFormatError(f"unsupported sample type {dtype}")


def downmix(frames: np.ndarray, channels: int) -> np.ndarray:
    """Average (frames, channels) samples to mono; 1-D input is taken as interleaved."""
    if channels == 1:
        return frames.reshape(-1)
    if frames.ndim == 1:
        if frames.size % channels:
            raise UnsupportedFormatError(f"{frames.size} interleaved samples do not split into {channels} channels")
        frames = frames.reshape(-1, channels)
    if frames.ndim != 2 or frames.shape[1] != channels:
        raise UnsupportedFormatError(f"block of shape {frames.shape} does not have {channels} channels")
    return frames.mean(axis=1, dtype=DTYPE)


def check_native_format(sample_rate: int, channels: int) -> None:
    """Refuse rates and channel counts we do not convert, with the reason."""
    if not MIN_INPUT_RATE <= sample_rate <= MAX_INPUT_RATE:
        raise UnsupportedFormatError(
            f"sample rate {sample_rate} Hz is outside the supported {MIN_INPUT_RATE}-{MAX_INPUT_RATE} Hz"
        )
    if not 1 <= channels <= MAX_INPUT_CHANNELS:
        raise UnsupportedFormatError(f"{channels} channels is outside the supported 1-{MAX_INPUT_CHANNELS}")


def device_rate(mono: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Mono audio re-recorded at `to_rate` (soxr VHQ): input for tests and benchmarks that need speech
    at a device's native rate. Returns the input itself when the rates match."""
    return soxr.resample(mono, from_rate, to_rate, quality="VHQ") if from_rate != to_rate else mono


class StreamConverter:
    """Stateful native-format -> contract converter; feed blocks in order, then `flush`.

    Resampler state carries across blocks, so any chunking of the same input gives the
    same output samples as one call with `last=True`.
    """

    def __init__(self, sample_rate: int, channels: int, bits: int | None = None) -> None:
        check_native_format(sample_rate, channels)
        self.sample_rate = sample_rate
        self.channels = channels
        self.bits = bits
        self.frames_in = 0
        self.samples_out = 0
        self.peak = 0.0  # largest |sample| seen (mono, before resampling): over 1.0 means clipped input
        self.beyond_full_scale = 0  # mono input samples beyond ±1.0, which the contract clips
        self._stream = soxr.ResampleStream(sample_rate, SAMPLE_RATE, 1, dtype="float32", quality=RESAMPLER_QUALITY)

    def process(self, block: np.ndarray, last: bool = False) -> np.ndarray:
        """Convert one native block: returns the 16 kHz mono samples ready so far."""
        mono = np.ascontiguousarray(downmix(to_float32(np.asarray(block), self.bits), self.channels))
        if not np.isfinite(mono).all():
            where = self.frames_in + int(np.flatnonzero(~np.isfinite(mono))[0])
            raise InvalidSamplesError(f"non-finite sample (NaN or Inf) at {where / self.sample_rate:.3f} s")
        self._measure(mono)
        self.frames_in += mono.size
        out = self._stream.resample_chunk(mono, last=last)
        np.clip(out, -1.0, 1.0, out=out)  # soxr may overshoot full-scale input slightly
        self.samples_out += out.size
        return out

    def _measure(self, mono: np.ndarray) -> None:
        """Track the input's level: float input beyond full scale is clipped, which no error reports."""
        if not mono.size:
            return
        magnitude = np.abs(mono)
        peak = float(magnitude.max())
        self.peak = max(self.peak, peak)
        if peak > 1.0:
            self.beyond_full_scale += int(np.count_nonzero(magnitude > 1.0))

    @property
    def clipped_fraction(self) -> float:
        """Share of the input's samples that were beyond full scale."""
        return self.beyond_full_scale / self.frames_in if self.frames_in else 0.0

    def flush(self) -> np.ndarray:
        """Drain the resampler's tail at end of input."""
        return self.process(np.zeros((0, self.channels), dtype=DTYPE), last=True)


def convert(samples: np.ndarray, sample_rate: int, channels: int | None = None, bits: int | None = None) -> PcmAudio:
    """One-shot conversion of a whole native buffer to contract audio (same bits as streaming)."""
    if channels is None:
        channels = 1 if samples.ndim == 1 else samples.shape[1]
    out = StreamConverter(sample_rate, channels, bits).process(samples, last=True)
    return PcmAudio(out, SAMPLE_RATE, 1)
