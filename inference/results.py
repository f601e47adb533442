"""Typed transcription results that cross package boundaries (no dicts)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Word:
    """One word with its audio time in seconds."""

    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    """One decoded segment; times are seconds from the start of the audio."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0


@dataclass(frozen=True)
class Transcript:
    """A finished transcription of one piece of contract audio."""

    segments: tuple[Segment, ...]
    language: str
    language_probability: float
    duration_s: float
    text: str = field(default="")

    @staticmethod
    def join(segments: tuple[Segment, ...]) -> str:
        """Segment texts joined into one string."""
        return " ".join(s.text.strip() for s in segments if s.text.strip())

    def to_dict(self) -> dict:
        return asdict(self)
