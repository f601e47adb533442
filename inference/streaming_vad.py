"""Silero VAD over the streaming buffer (faster-whisper's get_speech_timestamps).

Answers the three questions the streaming policy asks each step: is there any speech in the
buffer (else skip the model: no hallucinated text on silence), how long has the speaker been
silent at the end (a pause finalizes the hypothesis), and where are the pauses (safe cut points).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from audio.constants import SAMPLE_RATE

SpeechDetector = Callable[[np.ndarray], list[tuple[float, float]]]


@dataclass(frozen=True)
class SpeechMap:
    """Speech spans in seconds from the start of the analysed audio, and its duration."""

    spans: tuple[tuple[float, float], ...]
    duration_s: float

    @property
    def has_speech(self) -> bool:
        return bool(self.spans)

    @property
    def speech_end(self) -> float:
        """End of the last speech span (0.0 without speech)."""
        return self.spans[-1][1] if self.spans else 0.0

    @property
    def trailing_silence_s(self) -> float:
        """Silence after the last speech span (the whole duration without speech)."""
        return self.duration_s - self.speech_end

    def pauses(self, min_gap_s: float) -> list[float]:
        """Midpoints of the silences between spans that last at least `min_gap_s`."""
        return [
            (a_end + b_start) / 2
            for (_, a_end), (b_start, _) in zip(self.spans, self.spans[1:], strict=False)
            if b_start - a_end >= min_gap_s
        ]

    def overlaps_speech(self, start: float, end: float, margin_s: float) -> bool:
        """True when [start, end] (widened by `margin_s`) touches a speech span."""
        return any(start - margin_s < s_end and end + margin_s > s_start for s_start, s_end in self.spans)


def silero_detector(threshold: float = 0.5, min_silence_ms: int = 100, min_speech_ms: int = 90) -> SpeechDetector:
    """A detector backed by faster-whisper's Silero VAD (spans unpadded, so pauses are measured as heard)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=threshold,
        min_silence_duration_ms=min_silence_ms,
        min_speech_duration_ms=min_speech_ms,
        speech_pad_ms=0,
    )

    def detect(samples: np.ndarray) -> list[tuple[float, float]]:
        spans = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
        return [(span["start"] / SAMPLE_RATE, span["end"] / SAMPLE_RATE) for span in spans]

    return detect


def analyze(samples: np.ndarray, detector: SpeechDetector) -> SpeechMap:
    """Run the detector over 16 kHz samples."""
    duration = samples.size / SAMPLE_RATE
    if samples.size == 0:
        return SpeechMap((), 0.0)
    return SpeechMap(tuple(detector(samples)), duration)
