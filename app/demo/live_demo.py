"""The live hook of the contract demo: the raw side of a dictation session.

The normal live engine keeps producing the converted pane. `LiveRawTranscriber` takes the same
native blocks (CapturedBlock.data, (frames, channels)), keeps the raw stream, and every few seconds
of audio re-transcribes the latest raw window through the demo's bypass, so the raw pane updates
while the user speaks. Call it from a worker thread, never from the audio callback: `feed` runs
the model when a run is due. Dropping the object (toggling the demo off) removes all its cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.demo.bypass import transcribe_raw
from app.demo.mismatch import Mismatch, RawStream, raw_title
from app.demo.result import DemoSide
from audio.constants import CHANNELS, DTYPE, SAMPLE_RATE, seconds_to_samples
from inference.loader import LoadedModel
from inference.options import TranscribeOptions

DEFAULT_EVERY_S = 3.0  # seconds of native audio between raw runs
DEFAULT_WINDOW_S = 30.0  # raw seconds (as the model sees them) transcribed per run: one model window

RawRunner = Callable[[LoadedModel, np.ndarray, TranscribeOptions], str]


@dataclass(frozen=True)
class LiveRawUpdate:
    """The raw pane after one run: `side` describes the window transcribed, which covers the last
    `side.seconds_as_seen` of the raw stream; `native_seconds` is the real audio received so far."""

    side: DemoSide
    native_seconds: float
    final: bool = False


class LiveRawTranscriber:
    """Accumulates the raw stream of a live session and transcribes its latest window periodically.

    `runner` is the model call (the bypass by default); tests may pass another to check scheduling.
    """

    def __init__(
        self,
        loaded: LoadedModel,
        sample_rate: int,
        channels: int,
        mismatch: Mismatch | str = Mismatch.INTERLEAVED,
        options: TranscribeOptions | None = None,
        every_s: float = DEFAULT_EVERY_S,
        window_s: float = DEFAULT_WINDOW_S,
        runner: RawRunner = transcribe_raw,
    ) -> None:
        if every_s <= 0 or window_s <= 0:
            raise ValueError("every_s and window_s must be positive")
        self.loaded = loaded
        self.options = options or TranscribeOptions()
        self.runner = runner
        self._stream = RawStream(mismatch, sample_rate, channels)
        self._every_frames = max(1, round(every_s * sample_rate))
        self._window_samples = seconds_to_samples(window_s)
        self._parts: list[np.ndarray] = []
        self._frames_at_last_run = 0
        self._finished = False

    @property
    def mismatch(self) -> Mismatch:
        return self._stream.mismatch

    @property
    def title(self) -> str:
        """The raw pane's title for this session's native format."""
        return raw_title(self.mismatch, self._stream.sample_rate, self._stream.channels)

    @property
    def native_seconds(self) -> float:
        return self._stream.frames_in / self._stream.sample_rate

    def raw_window(self) -> np.ndarray:
        """The latest raw samples, at most one window: what the next run transcribes."""
        joined = np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=DTYPE)
        window = joined[-self._window_samples :]
        self._parts = [window] if window.size else []
        return window

    def add(self, data: np.ndarray) -> None:
        """Add one native block without running the model (a worker catching up on a backlog)."""
        if self._finished:
            raise RuntimeError("feed() after finish()")
        self._parts.append(self._stream.process(data))

    def feed(self, data: np.ndarray) -> LiveRawUpdate | None:
        """Add one native block; returns an update when a run was due (every `every_s` of audio)."""
        self.add(data)
        if self._stream.frames_in - self._frames_at_last_run < self._every_frames:
            return None
        return self._run(final=False)

    def finish(self) -> LiveRawUpdate | None:
        """End of the session: one last run over the final window (None when no audio came)."""
        if self._finished:
            return None
        self._finished = True
        self._parts.append(self._stream.flush())
        if self._stream.frames_in == 0:
            return None
        return self._run(final=True)

    def _run(self, final: bool) -> LiveRawUpdate:
        self._frames_at_last_run = self._stream.frames_in
        window = self.raw_window()
        started = time.perf_counter()
        text = self.runner(self.loaded, window, self.options) if window.size else ""
        side = DemoSide(
            text=text,
            sample_rate_fed=SAMPLE_RATE,
            channels_fed=CHANNELS,
            received=self.mismatch.received(self._stream.sample_rate, self._stream.channels),
            seconds_as_seen=window.size / SAMPLE_RATE,
            processing_s=time.perf_counter() - started,
        )
        return LiveRawUpdate(side, self.native_seconds, final)
