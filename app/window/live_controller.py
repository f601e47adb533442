"""The live view's logic: pick a microphone, start and stop a live session off the GUI
thread, show committed text and the partial tail, autosave, export, recover.

Talks to the window only through LiveView; the audio source, the session and the device
list are passed in (LiveBackends), so tests replay files with no microphone and no window.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Protocol

from app.services.autosave import Autosaver, SavedSession
from app.services.export_files import export_transcript
from app.services.history import DictationRecorder, HistoryRecord, HistoryStore
from app.services.live_session import BlockFn, FallbackFn, LiveSession, SessionMetrics
from app.services.live_transcript import LiveTranscript
from app.services.messages import one_line
from app.services.tasks import Emit, TaskRunner
from app.window.dictation_output import DictationOutput
from app.window.files_controller import ServerFn
from app.window.model_controller import ModelController
from app.window.settings_model import AppSettings
from app.window.views import LiveStats, LiveView
from audio.devices import InputDevice, list_input_devices
from audio.errors import AudioError
from audio.file_source import FileSource
from audio.microphones import open_microphone
from audio.sources import AudioSource
from inference.engine import Engine
from inference.loader import LoadedModel
from inference.pipeline import pipeline_record
from inference.remote.engine import remote_engine
from inference.remote.server import LIVE_TIMEOUT_S
from inference.stream_events import Commit, EngineChanged, Level, Partial, StreamError, Summary
from inference.streaming import StreamingOptions

IDLE, STARTING, RUNNING, STOPPING = "idle", "starting", "running", "stopping"
SPEED_EVERY_S = 1.0  # seconds between real-time-factor updates during a session
NO_DEVICE = "No microphone found: connect one and press Refresh, or use Dictate from file…"


class Session(Protocol):
    """What the controller needs from app.services.live_session.LiveSession."""

    def run(self) -> Summary: ...

    def stop(self) -> None: ...

    def cancel(self) -> None: ...

    @property
    def metrics(self) -> SessionMetrics: ...


@dataclass(frozen=True)
class _Started:
    """Worker -> GUI: the source is open and the session runs."""


@dataclass(frozen=True)
class _Speed:
    """Worker -> GUI: the session's real-time factor so far."""

    rtf: float


# (source, loaded, options, on_event, on_block=...) -> Session; on_block is passed whenever a BlockTap is set
# (the window always sets one: the contract demo's gate), so factories must accept it.
SessionFactory = Callable[..., Session]


class BlockTap(Protocol):
    """Something that wants each session's native blocks (the input-contract demo's raw side)."""

    def open(self, source: AudioSource, loaded: LoadedModel) -> BlockFn | None:
        """On the session's thread, once the source is open: the callable for every block, or None
        to stay out of this session (the session then gets no on_block at all)."""
        ...

    def ended(self) -> None:
        """On the GUI thread, once the session is over (also after a failed start)."""
        ...


def _microphone(device: int | str | None) -> AudioSource:
    return open_microphone(device)


def _file_source(path: str, realtime: bool) -> AudioSource:
    return FileSource(path, realtime=realtime)


def _session(
    source: AudioSource,
    engine: Engine | LoadedModel,
    options: StreamingOptions,
    on_event: Callable[[object], None],
    on_block: BlockFn | None = None,
    fallback: FallbackFn | None = None,
) -> Session:
    return LiveSession(source, engine, options=options, on_event=on_event, on_block=on_block, fallback=fallback)


@dataclass(frozen=True)
class LiveBackends:
    """What the live controller opens; tests pass file-backed or failing ones."""

    list_devices: Callable[[], list[InputDevice]] = list_input_devices
    microphone: Callable[[int | str | None], AudioSource] = _microphone  # InputDevice.device
    file_source: Callable[[str, bool], AudioSource] = _file_source
    session: SessionFactory = _session


def simulated_microphone(path: str) -> LiveBackends:
    """Backends whose only microphone replays `path` in real time, each time dictation starts: the same
    file source as `whisperdesk live --simulate`, for demos and tests of the window."""
    probe = FileSource(path, realtime=True)  # checks the file now: a bad one fails at launch, in one line
    device = InputDevice(0, f"simulated: {Path(path).name}", "file", probe.sample_rate, probe.channels, True)
    probe.close()
    return LiveBackends(list_devices=lambda: [device], microphone=lambda index: FileSource(path, realtime=True))


class _SessionSlot:
    """Lets the GUI thread stop a session the worker thread may not have created yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: Session | None = None
        self.stopped = False

    def attach(self, session: Session) -> bool:
        """Register the session; False when stop came first (the session must not run)."""
        with self._lock:
            self._session = session
            return not self.stopped

    def stop(self) -> None:
        self._end(now=False)

    def cancel(self) -> None:
        self._end(now=True)

    def _end(self, now: bool) -> None:
        with self._lock:
            self.stopped = True
            session = self._session
        if session is not None:
            (session.cancel if now else session.stop)()


class LiveController:
    """One live transcript across start/stop rounds, autosaved while it grows."""

    def __init__(
        self,
        view: LiveView,
        models: ModelController,
        runner: TaskRunner,
        autosaver: Autosaver,
        settings: Callable[[], AppSettings],
        backends: LiveBackends | None = None,
        history: HistoryStore | None = None,
        server: ServerFn = lambda: None,
    ) -> None:
        self.transcript = LiveTranscript()
        self.state = IDLE
        self.devices: list[InputDevice] = []
        self.device_name = ""
        self.source_name = ""
        self.last_summary: Summary | None = None
        self._view = view
        self._models = models
        self._runner = runner
        self._autosaver = autosaver
        self._settings = settings
        self._server = server  # where dictation runs (None: this computer); the local model takes over on faults
        self._engine_name = ""  # what the running session transcribes with (the history names it)
        self._backends = backends or LiveBackends()
        self._slot: _SessionSlot | None = None
        self._recovered: SavedSession | None = None
        self._latency: float | None = None
        self._rtf: float | None = None
        self._language: str | None = None  # the session's language, from its commits
        self._exported_at: int | None = None  # piece count when last saved by the user
        self.block_tap: BlockTap | None = None  # set by the window for the input-contract demo
        self._tap: BlockTap | None = None  # the tap of the running session
        self._history = history  # every session is kept there as it runs (None: not recorded)
        self._recorder: DictationRecorder | None = None
        self._recovered_record: HistoryRecord | None = None  # an interrupted dictation offered back
        self.on_history_changed: Callable[[], None] = lambda: None  # a dictation began or ended
        self.output: DictationOutput | None = None  # set by the window: words typed or pasted into other apps
        self._start_when_idle = False  # hold-to-talk pressed again while the last dictation was still stopping

    # devices -------------------------------------------------------------------------------

    def refresh_devices(self) -> None:
        """List microphones; no PortAudio or no device becomes a message, never an exception."""
        try:
            self.devices = self._backends.list_devices()
        except AudioError as exc:
            self.devices = []
            self._view.set_devices([], "")
            self._view.show_audio_problem(f"Microphone unavailable: {one_line(exc)}")
            return
        names = [d.name for d in self.devices]
        wanted = self._settings().input_device
        default = next((d.name for d in self.devices if d.is_default), names[0] if names else "")
        self.device_name = wanted if wanted in names else default
        self._view.set_devices(self.devices, self.device_name)
        self._view.show_audio_problem("" if self.devices else NO_DEVICE)

    def select_device(self, name: str) -> None:
        self.device_name = name

    def _device_index(self) -> int | str | None:
        """The chosen entry's InputDevice.device: a PortAudio index, a source name, None = system default."""
        return next((d.device for d in self.devices if d.name == self.device_name), None)

    # start / stop --------------------------------------------------------------------------

    def toggle(self) -> None:
        """Start dictating from the chosen microphone, or stop."""
        if self.state == IDLE:
            self.start_microphone()
        else:
            self.stop()

    def start_microphone(self) -> None:
        if not self.devices:
            self._view.show_live_error(NO_DEVICE)
            return
        index = self._device_index()
        self._start(lambda: self._backends.microphone(index), self.device_name or "default microphone")

    def start_held(self) -> None:
        """Hold-to-talk pressed: start now or, while the last dictation is still stopping (its final pass
        runs), as soon as it has stopped: a quick release-and-press must not leave the user talking to
        nothing."""
        if self.state == IDLE:
            self.start_microphone()
        elif self.state == STOPPING:
            self._start_when_idle = True

    def stop_held(self) -> None:
        """Hold-to-talk released: stop, and forget a start still waiting for the last stop."""
        self._start_when_idle = False
        self.stop()

    def start_file(self, path: str | os.PathLike[str], realtime: bool = True) -> None:
        """Dictate from a file replayed as a microphone (in real time, or as fast as possible)."""
        self._start(lambda: self._backends.file_source(str(path), realtime), Path(path).name)

    def stop(self) -> None:
        """Stop capturing; the session flushes its last words as commits before it ends."""
        if self.state == STARTING and self._slot is None:
            self._set_state(IDLE)  # still waiting for the model: nothing runs yet
        elif self.state in (STARTING, RUNNING) and self._slot is not None:
            self._set_state(STOPPING)
            self._slot.stop()

    def stop_now(self) -> None:
        """Stop without waiting for the last pass (a slow or stalled server, the window closing): the words
        heard so far are committed as they are; audio after the last model run is not transcribed."""
        if self.state in (STARTING, RUNNING):
            self.stop()
        if self.state == STOPPING and self._slot is not None:
            self._slot.cancel()

    def _start(self, make_source: Callable[[], AudioSource], label: str) -> None:
        if self.state != IDLE:
            return
        self.source_name = label
        self._latency = self._rtf = self._language = None
        self._view.show_live_error("")
        self._set_state(STARTING)
        self._models.with_model(lambda loaded: self._run(make_source, loaded), self._model_failed)

    def _model_failed(self, message: str) -> None:
        if self.state == STARTING:
            self._set_state(IDLE)
            self._view.show_live_error(f"Cannot start: {message}")

    def _run(self, make_source: Callable[[], AudioSource], loaded: LoadedModel) -> None:
        if self.state != STARTING:
            return  # stopped while the model loaded
        slot = self._slot = _SessionSlot()
        options = self._settings().streaming_options()
        self.transcript.begin_session()
        if self.output is not None:
            self.output.begin()
        self._view.set_partial("")
        session_factory = self._backends.session
        tap = self._tap = self.block_tap
        engine, fallback = self._engine(loaded)
        self._engine_name = engine.name if isinstance(engine, Engine) else loaded.info.name

        def work(emit: Emit) -> Summary | None:
            source = make_source()
            sessions: list[Session] = []
            next_speed = [0.0]

            def on_event(event: object) -> None:
                emit(event)
                now = time.monotonic()
                if isinstance(event, (Partial, Commit)) and sessions and now >= next_speed[0]:
                    next_speed[0] = now + SPEED_EVERY_S
                    metrics = sessions[0].metrics
                    if metrics.audio_s > 0:
                        emit(_Speed(metrics.processing_s / metrics.audio_s))

            try:
                on_block = tap.open(source, loaded) if tap is not None else None
                extra: dict[str, object] = {} if on_block is None else {"on_block": on_block}
                if fallback is not None:
                    extra["fallback"] = fallback
                session = session_factory(source, engine, options, on_event, **extra)
                sessions.append(session)
                if not slot.attach(session):
                    return None
                emit(_Started())
                return session.run()
            finally:
                source.close()

        self._runner.submit(work, on_done=self._ended, on_error=self._crashed, on_event=self._on_event)

    def _engine(self, loaded: LoadedModel) -> tuple[Engine | LoadedModel, FallbackFn | None]:
        """The server from Settings with the loaded model as its stand-in, or the loaded model alone
        (also when the server settings are unusable: said in one line, dictation still starts)."""
        try:
            server = self._server()
        except ValueError as exc:
            self._view.show_live_error(f"Dictating on this computer: {one_line(exc)}")
            return loaded, None
        if server is None:
            return loaded, None
        live = replace(server, timeout_s=min(server.timeout_s, LIVE_TIMEOUT_S))  # a stalled server: go local soon
        return remote_engine(live, multilingual=loaded.info.multilingual), lambda: loaded

    def _ended(self, summary: Summary | None) -> None:
        if summary is not None:
            self.last_summary = summary
            self._view.show_live_stats(self._stats(summary))
        self._session_over()

    def _crashed(self, exc: BaseException) -> None:
        """The source could not be opened (its error names the device or file) or the session failed."""
        self._view.show_live_error(one_line(exc))
        self._session_over()

    def _session_over(self) -> None:
        self._slot = None
        tap, self._tap = self._tap, None
        if tap is not None:
            tap.ended()
        self.transcript.end_session()
        if self.output is not None:
            self.output.end()
        self._view.set_partial("")
        self._view.show_level(-120.0, -120.0)
        if not self.transcript.is_empty():
            self._autosaver.update(self.transcript.pieces, "", force=True)
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            recorder.finish()
            self._autosaver.flush()
            self.on_history_changed()
        self._set_state(IDLE)
        if self._start_when_idle:
            self._start_when_idle = False
            self.start_microphone()

    def _set_state(self, state: str) -> None:
        self.state = state
        self._view.set_live_state(state, self.source_name)

    # events --------------------------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        if self._recorder is not None:
            self._recorder.on_event(event)  # before the autosave below, which then writes both at once
        if isinstance(event, Level):
            self._view.show_level(event.rms_dbfs, event.peak_dbfs)
            self._autosaver.tick()
        elif isinstance(event, Partial):
            self.transcript.set_partial(event)
            self._view.set_partial(self.transcript.partial)
            self._note_latency(event.latency_s)
            self._autosaver.update(self.transcript.pieces, self.transcript.partial)
        elif isinstance(event, Commit):
            self._language = event.language
            added = self.transcript.add_commit(event)
            if added:
                self._view.append_committed(added.text, self.transcript.partial, added.continues_word)
                if self.output is not None:
                    self.output.commit(added.text, added.continues_word)
            else:
                self._view.set_partial(self.transcript.partial)
            if event.has_words:
                self._note_latency(event.latency_s)
            self._autosaver.update(self.transcript.pieces, self.transcript.partial, force=True)
            for problem in self._autosaver.errors():
                self._view.show_live_error(problem)
        elif isinstance(event, _Speed):
            self._rtf = event.rtf
            self._view.show_live_stats(LiveStats(latency_s=self._latency, rtf=self._rtf, language=self._language))
        elif isinstance(event, StreamError | EngineChanged):
            self._view.show_live_error(event.message)
        elif isinstance(event, _Started) and self.state == STARTING:
            self._set_state(RUNNING)
            self._begin_history()

    def _begin_history(self) -> None:
        if self._history is None:
            return
        self._recorder = DictationRecorder(
            self._history, self._autosaver, self.source_name, self._engine_name, autosave=self._autosaver.path.name
        )
        self.on_history_changed()

    def _note_latency(self, latency_s: float) -> None:
        self._latency = latency_s
        self._view.show_live_stats(LiveStats(latency_s=latency_s, rtf=self._rtf, language=self._language))

    def _stats(self, summary: Summary) -> LiveStats:
        latency = summary.latency_median_s if summary.latency_median_s is not None else self._latency
        return LiveStats(latency_s=latency, rtf=summary.rtf, audio_s=summary.audio_s, language=summary.language)

    # transcript actions --------------------------------------------------------------------

    def copy_text(self) -> str:
        """Everything shown, for the clipboard."""
        return self.transcript.full_text

    def insert_text(self, text: str) -> bool:
        """Append text from elsewhere (a past dictation) to the transcript; only while not dictating."""
        if self.state != IDLE:
            self._view.show_live_error("Stop dictating before inserting text into the transcript")
            return False
        added = self.transcript.add_text(text)
        if not added:
            return False
        self._view.append_committed(added, self.transcript.partial)
        self._autosaver.update(self.transcript.pieces, self.transcript.partial, force=True)
        return True

    def clear(self) -> None:
        self.transcript.clear()
        self._exported_at = None
        self._view.set_transcript("", "")
        self._autosaver.discard()

    def export(self, path: str | os.PathLike[str], fmt: str) -> Path:
        """Save the transcript as `fmt`; once saved it no longer needs recovering."""
        segments = self.transcript.segments()
        record: dict[str, object] = {"source": "live", "text": self.transcript.text}
        if self._models.loaded is not None:
            record["pipeline"] = pipeline_record(self._models.loaded.info)
        record["segments"] = [asdict(s) for s in segments]
        written = export_transcript(path, fmt, segments, record)
        self._exported_at = len(self.transcript.pieces)
        if self.state == IDLE:
            self._autosaver.discard()
        return written

    @property
    def unsaved(self) -> bool:
        """True when the transcript has words the user has not saved."""
        return not self.transcript.is_empty() and self._exported_at != len(self.transcript.pieces)

    # recovery ------------------------------------------------------------------------------

    def check_recovery(self) -> None:
        """Offer the newest transcript an earlier run did not save: a window's autosave, or else an
        interrupted dictation from the history that no autosave holds (a killed `whisperdesk live`)."""
        self._recovered = self._autosaver.recoverable()
        self._recovered_record = None
        if self._recovered is None and self._history is not None:
            record = self._recovered_record = self._history.to_restore()
            if record is not None:
                path = self._history.path_for(record.id)
                self._recovered = SavedSession(path, record.saved_at, record.pieces, record.partial)
        self._view.offer_restore(self._recovered)

    def restore(self) -> None:
        saved = self._recovered
        if saved is None:
            return
        self.transcript.restore(saved.pieces, saved.partial)
        self._view.set_transcript(self.transcript.text, self.transcript.partial)
        self._autosaver.update(self.transcript.pieces, self.transcript.partial, force=True)
        self._forget_recovered()
        self.check_recovery()

    def discard_recovery(self) -> None:
        self._forget_recovered()
        self.check_recovery()

    def _forget_recovered(self) -> None:
        """An autosave is deleted; a history record stays in the history, marked as not to offer again."""
        if self._recovered_record is not None and self._history is not None:
            self._history.mark_restore_done(self._recovered_record, self._autosaver)
            self._autosaver.flush()
        elif self._recovered is not None:
            self._autosaver.forget(self._recovered)

    def shutdown(self) -> None:
        """The window closes (after stop() and the session's end): keep an unsaved transcript on disk."""
        if self.unsaved:
            self._autosaver.update(self.transcript.pieces, self.transcript.partial, force=True)
        else:
            self._autosaver.discard()
        self._autosaver.flush()
