"""Typed transcription results that cross package boundaries (no dicts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

SENTENCE_END = (".", "?", "!", "…")  # a text ending in one of these ends a sentence


def join_texts(texts: Iterable[str]) -> str:
    """Pieces of text joined with single spaces, empty ones dropped: the one join of texts."""
    return " ".join(t.strip() for t in texts if t.strip())


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
