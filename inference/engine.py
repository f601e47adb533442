"""What a live session transcribes with: the local model, or a server with the same call shape.

The streaming policy (inference/streaming.py) only needs one call, contract audio and options in,
segments out, and to know whether the engine is multilingual; so the same policy runs on the local
model (through inference.boundary.run_model) and on a server (inference/remote/engine.py), and a
session can move from one to the other without losing its buffer or its committed words.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from audio.contract import PcmAudio
from inference.boundary import run_model
from inference.loader import LoadedModel
from inference.model_phases import PhaseClock
from inference.options import TranscribeOptions
from inference.results import Segment

LANGUAGE_CODE_CHARS = 3  # "en", "yue": a code a request can ask for (OpenAI's API replies "english")


class RunFn(Protocol):
    """Contract audio and options in; segments, language and its probability out. Setting `cancel` makes
    a call that waits on something outside the process (a server) raise TranscriptionCancelled soon; a
    local model's run is short and ends by itself."""

    def __call__(
        self, audio: PcmAudio, options: TranscribeOptions, cancel: threading.Event | None = None
    ) -> tuple[Iterator[Segment], str, float]: ...


@dataclass(frozen=True)
class Engine:
    """One transcription call and what the policy must know about it."""

    name: str  # for messages: the model's name, or "server URL (model)"
    multilingual: bool  # False: English-only, the session's language is en
    run: RunFn  # contract audio in; every path checks the contract before the model or the network
    phases: PhaseClock | None = None  # where the time of a local run goes (benchmarks)
    remote: bool = False


def local_engine(loaded: LoadedModel) -> Engine:
    """The loaded model, reached only through the contract boundary."""

    def run(
        audio: PcmAudio, options: TranscribeOptions, cancel: threading.Event | None = None
    ) -> tuple[Iterator[Segment], str, float]:
        return run_model(loaded, audio, options)

    phases = getattr(loaded.model, "phases", None)
    return Engine(loaded.info.name, loaded.info.multilingual, run, phases if isinstance(phases, PhaseClock) else None)


def as_engine(engine: Engine | LoadedModel) -> Engine:
    """An Engine as it is; a loaded model as its local engine."""
    return engine if isinstance(engine, Engine) else local_engine(engine)


def is_language_code(language: str) -> bool:
    """True for a language code the next request can ask for; False for "" or a name like "english"."""
    return 0 < len(language) <= LANGUAGE_CODE_CHARS
