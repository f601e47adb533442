"""Events a live session emits, shared by the CLI, the window and the benchmarks.

Times: `audio_start`/`audio_end` are seconds of session audio; `emitted_at` is wall-clock
(time.time()); `latency_s` = emitted_at minus the wall time at which the end of that audio
was captured.
"""

from __future__ import annotations

from dataclasses import dataclass

from inference.results import Word


@dataclass(frozen=True)
class Partial:
    """Text that may still change (the unconfirmed tail)."""

    text: str
    audio_start: float
    audio_end: float
    emitted_at: float
    latency_s: float


@dataclass(frozen=True)
class Commit:
    """Final words: never revised once emitted."""

    text: str
    audio_start: float
    audio_end: float
    emitted_at: float
    latency_s: float
    words: tuple[Word, ...] = ()
    language: str | None = None  # what the model heard: fixed at the session's first speech

    @property
    def has_words(self) -> bool:
        """False for punctuation alone (a held full stop released by itself): word latencies skip it."""
        return any(ch.isalnum() for ch in self.text)


@dataclass(frozen=True)
class Level:
    """Input level for a meter: RMS and peak of the latest native block, in dBFS."""

    rms_dbfs: float
    peak_dbfs: float
    audio_time: float


@dataclass(frozen=True)
class StreamError:
    """A device or stream failure; the transcript so far is kept and the session can restart."""

    message: str


@dataclass(frozen=True)
class EngineChanged:
    """The engine failed and the session goes on with another (a server's fault: the local model).

    Nothing committed is lost; the audio heard meanwhile is transcribed by the new engine.
    """

    message: str  # one line: what failed and what the session goes on with
    engine: str  # the new engine's name


@dataclass(frozen=True)
class Summary:
    """End of a session."""

    text: str
    latency_median_s: float | None
    latency_p95_s: float | None
    rtf: float | None
    overflows: int
    audio_s: float
    partial_latency_median_s: float | None = None
    error: str | None = None  # the StreamError message when the session ended on a failure
    language: str | None = None  # the session's language (detected once with a multilingual model)
    phrase_latency_median_s: float | None = None  # speech end heard by the VAD to the phrase fully committed
    input_problem: str | None = None  # the input was clipped beyond full scale (said, never silent)
    input_unreliable: bool = False  # so clipped that the words are not to be trusted


StreamEvent = Partial | Commit | Level | StreamError | EngineChanged | Summary
