"""The audio contract's numbers, defined once and imported everywhere else."""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000  # Hz: the only rate Whisper was trained on
CHANNELS = 1  # mono
DTYPE = np.float32  # samples are float32 in [-1.0, 1.0]
SAMPLES_PER_MS = SAMPLE_RATE // 1000  # samples in one millisecond (16)

RESAMPLER = "soxr"
RESAMPLER_QUALITY = "HQ"  # soxr quality preset used by every path
DOWNMIX_RULE = "mean"  # multi-channel audio becomes mono by averaging the channels

MIN_INPUT_RATE = 8000  # Hz: lowest native rate we accept
MAX_INPUT_RATE = 192000  # Hz: highest native rate we accept
MAX_INPUT_CHANNELS = 8


def seconds_to_samples(seconds: float) -> int:
    """Number of contract samples in `seconds` of audio."""
    return round(seconds * SAMPLE_RATE)
