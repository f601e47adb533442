"""A scripted stand-in for Whisper and the VAD, so the streaming policy is tested without a model.

The test audio encodes its own session time (each sample is time / TIME_SCALE), so the fake
model can tell which scripted words a buffer holds and answer like Whisper would: the words
heard so far with their times relative to the buffer, the last one garbled while it is still
being spoken. It is reached through the real inference.boundary.run_model (contract checked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from audio.constants import SAMPLE_RATE, seconds_to_samples
from inference.loader import LoadedModel, ModelInfo

TIME_SCALE = 1000.0  # sample value = session seconds / TIME_SCALE (in [-1, 1] for 1000 s)


@dataclass(frozen=True)
class Spoken:
    """A scripted word and when it is said (session seconds)."""

    text: str
    start: float
    end: float


def script(*phrases: tuple[float, str], word_s: float = 0.3) -> list[Spoken]:
    """Phrases starting at given times, one word every `word_s` seconds."""
    words = []
    for start, text in phrases:
        for i, token in enumerate(text.split()):
            words.append(Spoken(token, start + i * word_s, start + (i + 1) * word_s))
    return words


def timed_audio(start_s: float, end_s: float) -> np.ndarray:
    """Session audio from start_s to end_s whose samples encode their own time."""
    first = seconds_to_samples(start_s)
    count = seconds_to_samples(end_s) - first
    return ((first + np.arange(count)) / SAMPLE_RATE / TIME_SCALE).astype(np.float32)


def time_of(samples: np.ndarray) -> float:
    return float(samples[0]) * TIME_SCALE


@dataclass
class ScriptedWhisper:
    """Answers transcribe() from the script; `extra` adds words after the heard ones (hallucinations)."""

    words: list[Spoken]
    garble_s: float = 0.25  # a word ending this close to the buffer end comes out wrong
    jitter_s: float = 0.0  # timestamps shift by up to this much from call to call
    extra: Callable[[list[Spoken], float], list[tuple[str, float, float, float]]] | None = None
    calls: list[dict] = field(default_factory=list)

    def transcribe(self, samples: np.ndarray, **kwargs):
        start = time_of(samples)
        end = start + samples.size / SAMPLE_RATE
        self.calls.append({"start": start, "end": end, **kwargs})
        shift = self.jitter_s * (1 if len(self.calls) % 2 else -1)
        heard = [w for w in self.words if w.start >= start - 0.05 and w.start < end - 0.05]
        raw = []
        for w in heard:
            text = w.text if w.end <= end - self.garble_s else w.text[: max(1, len(w.text) // 2)] + "zz"
            raw.append((f" {text}", max(0.0, w.start - start + shift), max(0.0, min(w.end, end) - start + shift), 0.9))
        if self.extra is not None:
            raw += self.extra(heard, end - start)
        return iter([_segment(raw)] if raw else []), SimpleNamespace(language="en", language_probability=1.0)


def _segment(raw: list[tuple[str, float, float, float]]):
    words = [SimpleNamespace(word=t, start=s, end=e, probability=p) for t, s, e, p in raw]
    return SimpleNamespace(
        start=words[0].start,
        end=words[-1].end,
        text="".join(w.word for w in words),
        words=words,
        avg_logprob=-0.2,
        no_speech_prob=0.01,
        compression_ratio=1.3,
    )


def scripted_detector(words: list[Spoken], gap_s: float = 0.15) -> Callable[[np.ndarray], list[tuple[float, float]]]:
    """A VAD that hears exactly the scripted words (spans merged across gaps under gap_s)."""
    spans: list[list[float]] = []
    for w in words:
        if spans and w.start - spans[-1][1] < gap_s:
            spans[-1][1] = w.end
        else:
            spans.append([w.start, w.end])

    def detect(samples: np.ndarray) -> list[tuple[float, float]]:
        if samples.size == 0:
            return []
        start = time_of(samples)
        end = start + samples.size / SAMPLE_RATE
        return [(max(a, start) - start, min(b, end) - start) for a, b in spans if b > start and a < end]

    return detect


def fake_loaded(model: ScriptedWhisper) -> LoadedModel:
    """A LoadedModel around the scripted model (English-only, like tiny.en)."""
    info = ModelInfo("scripted", "-", "test", None, "cpu", "int8", multilingual=False)
    return LoadedModel(model, info)  # type: ignore[arg-type]


def spoken_text(words: list[Spoken]) -> str:
    return " ".join(w.text for w in words)
