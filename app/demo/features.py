"""The log-mel spectrogram the model computes for an input, made by the model's own feature
extractor exactly as faster-whisper does for one 30 s window (so the picture is what the encoder sees),
and the mel scale of its bands (so the picture's frequency axis is labelled in the model's own Hz)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from audio.constants import DTYPE

if TYPE_CHECKING:
    from faster_whisper.feature_extractor import FeatureExtractor

MIN_SAMPLES = 400  # one FFT frame (n_fft): below this there is nothing to analyse

# Slaney's mel scale (librosa's default, htk=False), as FeatureExtractor.get_mel_filters builds it:
# linear below 1 kHz, logarithmic above.
_LINEAR_HZ_PER_MEL = 200.0 / 3
_LOG_START_HZ = 1000.0
_LOG_START_MEL = _LOG_START_HZ / _LINEAR_HZ_PER_MEL  # 15 mel
_LOG_STEP = np.log(6.4) / 27.0  # natural-log Hz per mel above 1 kHz


def hz_to_mel(hz: float | np.ndarray) -> np.ndarray:
    """Slaney mel of a frequency in Hz (0 Hz is 0 mel, 8 kHz is 45.2456 mel: the extractor's max_mel)."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / _LINEAR_HZ_PER_MEL
    with np.errstate(divide="ignore"):
        log = _LOG_START_MEL + np.log(np.maximum(hz, 1e-12) / _LOG_START_HZ) / _LOG_STEP
    return np.where(hz >= _LOG_START_HZ, log, linear)


def mel_to_hz(mel: float | np.ndarray) -> np.ndarray:
    """Inverse of hz_to_mel."""
    mel = np.asarray(mel, dtype=np.float64)
    linear = mel * _LINEAR_HZ_PER_MEL
    log = _LOG_START_HZ * np.exp(_LOG_STEP * (mel - _LOG_START_MEL))
    return np.where(mel >= _LOG_START_MEL, log, linear)


def mel_band_position(hz: float | np.ndarray, n_mels: int, max_hz: float) -> np.ndarray:
    """Fractional band index whose centre is `hz`: band i is centred on mel (i + 1) / (n_mels + 1) of
    the 0..max_hz range (n_mels + 2 equally spaced mel points, the outer two being filter edges).
    0 Hz gives -1 and max_hz gives n_mels: just past the lowest and highest band."""
    return hz_to_mel(hz) / hz_to_mel(max_hz) * (n_mels + 1) - 1


def mel_band_centres_hz(n_mels: int, max_hz: float) -> np.ndarray:
    """Centre frequency in Hz of each of the model's mel bands, lowest first."""
    return mel_to_hz(hz_to_mel(max_hz) * np.arange(1, n_mels + 1) / (n_mels + 1))


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
