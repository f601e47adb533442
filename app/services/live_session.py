"""One live dictation session, Qt-free: source blocks -> one StreamConverter -> OnlineTranscriber -> events.

The CLI (`whisperdesk live`), the window and the benchmarks all run this class; only the
source differs (a microphone, or a file replayed in real time or as fast as possible), and the
engine (the local model, or a server). `run()` blocks its thread and calls `on_event` from it;
`stop()` and `cancel()` may be called from any thread.
"""

from __future__ import annotations

import queue
import statistics
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np

from audio.constants import DTYPE
from audio.errors import AudioError, first_line
from audio.sources import AudioSource, CapturedBlock, ContractStream, is_realtime, level_dbfs
from inference.engine import Engine
from inference.errors import TranscriptionCancelled
from inference.loader import LoadedModel
from inference.remote.server import ServerError
from inference.stream_events import Commit, EngineChanged, Level, Partial, StreamError, StreamEvent, Summary
from inference.streaming import OnlineTranscriber, StepStats, StreamingOptions
from inference.streaming_vad import SpeechDetector

EventFn = Callable[[StreamEvent], None]
BlockFn = Callable[[CapturedBlock], None]
FallbackFn = Callable[[], Engine | LoadedModel]  # the engine to go on with when a server fails (loads it)
LEVEL_EVERY_S = 0.05  # at most one Level event per this much audio (a meter needs no more)

_END = object()  # reader -> session: the source ended
_STOP = object()  # stop() -> session: wake up and finish


def median(values: list[float]) -> float | None:
    """The median; None for no values."""
    return statistics.median(values) if values else None


def p95(values: list[float]) -> float | None:
    """The 95th percentile (numpy's linear interpolation); None for no values."""
    return float(np.percentile(values, 95)) if values else None


@dataclass(frozen=True)
class SessionMetrics:
    """Measurements of a finished session beyond the Summary (benchmarks, reports)."""

    commit_latencies: tuple[float, ...]
    partial_latencies: tuple[float, ...]
    steps: StepStats
    processing_s: float  # wall seconds spent in the transcriber
    wall_s: float  # wall seconds of the whole run
    audio_s: float
    overflows: int


class LiveSession:
    """Runs once: `run()` until the source ends, `stop()` is called, or the device fails.

    A device failure is emitted as StreamError; the text committed so far is kept
    (`committed_text`), the last words are flushed, and a new session can be started.
    A server that fails (ServerError) is replaced by `fallback()` when given, announced with
    EngineChanged, and the session goes on with its buffer and commits; without a fallback the
    session ends with a StreamError, keeping what was committed.
    `stop()` lets the last pass hear the words still pending; `cancel()` (a second Ctrl-C, Stop pressed
    while stopping, the window closing) ends now: a request waiting on a server is dropped, no model runs
    again, and the last hypothesis' pending words are committed as they are (but for a last word that
    hypothesis may have heard only in part).
    `record_contract_audio=True` keeps every 16 kHz sample fed to the transcriber
    (`contract_audio`), so tests can compare it with the file path bit for bit.
    """

    def __init__(
        self,
        source: AudioSource,
        engine: Engine | LoadedModel,
        options: StreamingOptions | None = None,
        on_event: EventFn | None = None,
        record_contract_audio: bool = False,
        detector: SpeechDetector | None = None,
        on_block: BlockFn | None = None,
        fallback: FallbackFn | None = None,
    ) -> None:
        self.source = source
        self.options = options or StreamingOptions()
        self.on_event = on_event
        self.on_block = on_block  # sees each native block (the contract demo's raw side); must not block
        self._cancel = threading.Event()
        self.transcriber = OnlineTranscriber(engine, self.options, detector=detector, cancel=self._cancel)
        self._fallback = fallback
        self._engine_down = False  # the engine failed with no fallback: nothing more can be transcribed
        self._stream = ContractStream(source.sample_rate, source.channels)
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._started = False
        self._recorded: list[np.ndarray] | None = [] if record_contract_audio else None
        self._commit_latencies: list[float] = []
        self._partial_latencies: list[float] = []
        self._processing_s = 0.0
        self._overflows = 0
        self._next_level_at = 0.0
        self._wall_s = 0.0
        self.error: str | None = None

    # -- public ---------------------------------------------------------------------------------

    @property
    def committed_text(self) -> str:
        """All text committed so far (kept after a device error)."""
        return self.transcriber.committed_text

    @property
    def contract_audio(self) -> np.ndarray:
        """The 16 kHz samples fed to the transcriber (needs record_contract_audio=True)."""
        if self._recorded is None:
            raise RuntimeError("this session was not asked to record_contract_audio")
        return np.concatenate(self._recorded) if self._recorded else np.zeros(0, dtype=DTYPE)

    @property
    def metrics(self) -> SessionMetrics:
        return SessionMetrics(
            commit_latencies=tuple(self._commit_latencies),
            partial_latencies=tuple(self._partial_latencies),
            steps=self.transcriber.stats,
            processing_s=self._processing_s,
            wall_s=self._wall_s,
            audio_s=self.transcriber.audio_s,
            overflows=self._overflows,
        )

    def stop(self) -> None:
        """End the session soon; the audio already captured is still transcribed (any thread)."""
        self._stop.set()
        self.source.close()
        self._queue.put(_STOP)

    def cancel(self) -> None:
        """End the session now, without the last pass (any thread): what was heard so far is committed."""
        self._cancel.set()
        self.stop()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> Summary:
        """Transcribe until the source ends or `stop()`; returns (and emits) the Summary."""
        if self._started:
            raise RuntimeError("a LiveSession runs once; start a new session")
        self._started = True
        started = time.perf_counter()
        realtime = is_realtime(self.source)
        batches = self._batches(realtime)
        try:
            while not self._stop.is_set() or realtime:
                try:
                    batch = next(batches)
                except StopIteration:
                    break
                except Exception as exc:  # the device or file failed: report it, keep the text
                    self._fail(exc)
                    break
                if not self._consume(batch, step_each_block=not realtime):
                    break
                if realtime:
                    self._step_if_ready()
        finally:
            self.source.close()
            batches.close()  # a faster-than-real-time source's generator ends here
        self._finish()
        self._wall_s = time.perf_counter() - started
        summary = self._summary()
        self._emit(summary)
        return summary

    # -- source side ----------------------------------------------------------------------------

    def _read(self) -> None:
        """Reader thread for real-time sources: hand blocks over without ever blocking the source."""
        try:
            for block in self.source.blocks():
                self._queue.put(block)
        except BaseException as exc:  # passed to run(), which reports it
            self._queue.put(exc)
        finally:
            self._queue.put(_END)

    def _batches(self, realtime: bool) -> Generator[list[CapturedBlock], None, None]:
        """Blocks in batches: everything that arrived while the last step ran (real-time sources
        catch up in one step instead of queueing), or one block at a time for faster-than-real-time ones."""
        if not realtime:
            for block in self.source.blocks():
                yield [block]
            return
        threading.Thread(target=self._read, name="live-source-reader", daemon=True).start()
        while True:
            items = [self._queue.get()]
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            blocks = [item for item in items if isinstance(item, CapturedBlock)]
            failure = next((item for item in items if isinstance(item, BaseException)), None)
            ended = failure is not None or any(item is _END or item is _STOP for item in items)
            if blocks:
                yield blocks
            if failure is not None:
                raise failure
            if ended:
                return

    def _consume(self, batch: list[CapturedBlock], step_each_block: bool) -> bool:
        """Convert and feed a batch; False when the audio itself is bad (reported as an error)."""
        for block in batch:
            self._overflows += block.lost
            if self.on_block is not None:
                self.on_block(block)
            try:
                chunk = self._stream.feed(block)
            except AudioError as exc:
                self._fail(exc)
                return False
            self._insert(chunk.samples, chunk.captured_at)
            self._level(block, chunk.audio_end)
            if step_each_block:
                self._step_if_ready()
        return True

    def _insert(self, samples: np.ndarray, captured_at: float) -> None:
        if samples.size == 0:
            return
        if self._recorded is not None:
            self._recorded.append(samples.copy())
        self.transcriber.insert_audio(samples, captured_at)

    def _level(self, block: CapturedBlock, audio_time: float) -> None:
        if audio_time >= self._next_level_at:
            self._next_level_at = audio_time + LEVEL_EVERY_S
            rms, peak = level_dbfs(block.data)
            self._emit(Level(rms, peak, audio_time))

    # -- transcriber side -----------------------------------------------------------------------

    def _step_if_ready(self) -> None:
        if not self._engine_down and not self._cancel.is_set() and self.transcriber.ready():
            self._transcribe(self.transcriber.process)

    def _transcribe(self, step: Callable[[], list[StreamEvent]]) -> bool:
        """Run one transcriber call and emit its events; False when the engine failed in it."""
        started = time.perf_counter()
        try:
            events = step()
        except TranscriptionCancelled:
            return True  # cancel(): the run loop and _finish() see it
        except ServerError as exc:
            self._engine_failed(exc)
            return False
        finally:
            self._processing_s += time.perf_counter() - started
        for event in events:
            self._emit(event)
        return True

    def _engine_failed(self, exc: ServerError) -> None:
        """Go on with the fallback engine (the next step re-runs on it), or end the session."""
        if self._fallback is not None:
            try:
                engine = self._fallback()
            except Exception as problem:  # the local model cannot load either: end with both reasons
                self._engine_down = True
                self._fail_with(f"{exc}; the local model could not take over: {first_line(problem)}")
                return
            self._fallback = None  # once: a failing fallback ends the session
            self.transcriber.use_engine(engine)
            name = self.transcriber.engine.name
            self._emit(EngineChanged(f"{exc}; going on with {name} (nothing committed is lost)", name))
            return
        self._engine_down = True
        self._fail_with(f"{exc}; the transcript so far is kept")
        self.stop()

    def _finish(self) -> None:
        if not self._cancel.is_set():
            try:
                tail = self._stream.flush()
                self._insert(tail.samples, tail.captured_at)
            except AudioError as exc:
                self._fail(exc)
            if not self._engine_down and not self._transcribe(self.transcriber.finish) and not self._engine_down:
                self._transcribe(self.transcriber.finish)  # the fallback engine took over: hear the last words
        if self._cancel.is_set():  # before the last pass or during it: commit what was heard, run nothing
            self._transcribe(lambda: self.transcriber.finish(hear_rest=False))

    def _fail(self, exc: BaseException) -> None:
        text = first_line(exc)
        if not isinstance(exc, AudioError):
            text = f"{self.source.name}: {type(exc).__name__}: {text}"
        self._fail_with(text)

    def _fail_with(self, text: str) -> None:
        self.error = text
        self._emit(StreamError(text))

    def _emit(self, event: StreamEvent) -> None:
        if isinstance(event, Commit) and event.has_words:
            self._commit_latencies.append(event.latency_s)
        elif isinstance(event, Partial) and event.text:
            self._partial_latencies.append(event.latency_s)
        if self.on_event is not None:
            self.on_event(event)

    def _summary(self) -> Summary:
        audio_s = self.transcriber.audio_s
        latencies = self._commit_latencies
        return Summary(
            text=self.committed_text,
            latency_median_s=median(latencies),
            latency_p95_s=p95(latencies),
            rtf=self._processing_s / audio_s if audio_s > 0 else None,
            overflows=self._overflows,
            audio_s=audio_s,
            partial_latency_median_s=median(self._partial_latencies),
            error=self.error,
            language=self.transcriber.language,
            phrase_latency_median_s=median(self.transcriber.stats.phrase_latency_s),
            input_problem=self._stream.level_problem,
            input_unreliable=self._stream.clipped_badly,
        )
