"""The input contract as code: what the model accepts, and the check that refuses the rest.

Breaking the contract raises nothing inside the model, it just yields garbage, so every
path into inference goes through `check_contract` first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audio.constants import CHANNELS, DTYPE, SAMPLE_RATE


class ContractError(ValueError):
    """Audio that does not meet the 16 kHz mono float32 [-1, 1] contract."""


@dataclass(frozen=True)
class PcmAudio:
    """Samples with the format they claim to be in.

    `samples` is 1-D for mono, or (frames, channels) for interleaved multi-channel audio.
    """

    samples: np.ndarray
    sample_rate: int
    channels: int

    @property
    def duration_s(self) -> float:
        frames = self.samples.shape[0] if self.samples.ndim else 0
        return frames / self.sample_rate if self.sample_rate > 0 else 0.0


def describe(sample_rate: int, channels: int) -> str:
    """'44100 Hz, 2 channels' style text for messages."""
    unit = "channel" if channels == 1 else "channels"
    return f"{sample_rate} Hz, {channels} {unit}"


def check_contract(audio: PcmAudio) -> np.ndarray:
    """Return the samples if `audio` meets the contract, else raise ContractError naming why."""
    problems = []
    if audio.sample_rate != SAMPLE_RATE or audio.channels != CHANNELS:
        problems.append(f"got {describe(audio.sample_rate, audio.channels)}; expected {SAMPLE_RATE} Hz mono")
    samples = audio.samples
    if samples.ndim != 1:
        problems.append(f"got samples of shape {samples.shape}; expected a 1-D array")
    if samples.dtype != DTYPE:
        problems.append(f"got dtype {samples.dtype}; expected float32")
    if problems:
        raise ContractError("; ".join(problems))
    if samples.size == 0:
        raise ContractError("got no samples (zero-length audio)")
    if not np.isfinite(samples).all():
        raise ContractError("got non-finite samples (NaN or Inf)")
    peak = float(np.abs(samples).max())
    if peak > 1.0:
        raise ContractError(f"got samples outside [-1, 1] (peak {peak:.3g}); integer PCM must be scaled")
    return samples
