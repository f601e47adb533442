"""The log-mel spectrogram the model computes for an input, made by the model's own feature
extractor exactly as faster-whisper does for one 30 s window (so the picture is what the encoder sees)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from audio.constants import DTYPE

if TYPE_CHECKING:
    from faster_whisper.feature_extractor import FeatureExtractor

MIN_SAMPLES = 400  # one FFT frame (n_fft): below this there is nothing to analyse


def window_frames(extractor: FeatureExtractor) -> int:
    """Mel frames in one model window (3000 for Whisper's 30 s at 10 ms hops)."""
    return extractor.chunk_length * extractor.sampling_rate // extractor.hop_length


def audio_frames(extractor: FeatureExtractor, n_samples: int) -> int:
    """How many frames of the first window hold audio; the rest is the encoder's zero padding."""
    return min(window_frames(extractor), n_samples // extractor.hop_length)


def model_log_mel(extractor: FeatureExtractor, samples: np.ndarray) -> np.ndarray:
    """(n_mels, frames) log-mel of the first 30 s window of `samples`, padded like the encoder input.

    Mirrors WhisperModel.transcribe: extractor(window)[..., :-1], then pad_or_trim to one window
    (zeros after the audio). Computed before any VAD, on the samples as they were fed.
    """
    frames = window_frames(extractor)
    n_mels = extractor.mel_filters.shape[0]
    window = np.ascontiguousarray(samples[: extractor.chunk_length * extractor.sampling_rate], dtype=DTYPE)
    out = np.zeros((n_mels, frames), dtype=DTYPE)
    if window.size < MIN_SAMPLES:
        return out
    mel = extractor(window)[..., :-1][:, :frames]
    out[:, : mel.shape[1]] = mel
    return out
