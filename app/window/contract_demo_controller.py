"""The input-contract demo in the window: while the mode is on, each transcribed file also runs
the file demo and each live session gets a raw side; while it is off, none of it runs.

Qt-free like the other controllers. File demos run through the TaskRunner (never on the GUI
thread), with the one model the model manager shares. The live raw side runs on a LiveRawWorker
thread; its updates reach the view through `post`, which runs a callable on the GUI thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from app.demo.file_demo import run_file_demo
from app.demo.live_demo import LiveRawUpdate
from app.demo.live_raw import LiveRawSide, RawAttachment
from app.demo.mismatch import Mismatch, describe_format
from app.demo.result import DemoResult
from app.services.file_queue import FileJob, JobState
from app.services.live_session import BlockFn
from app.services.messages import one_line
from app.services.tasks import Emit, TaskRunner
from app.window.model_controller import ModelController
from app.window.views import DemoView
from audio.sources import AudioSource
from inference.errors import TranscriptionCancelled
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.results import join_texts

Post = Callable[[Callable[[], None]], None]
LiveText = Callable[[], tuple[list[str], str]]  # the live transcript: committed piece texts, partial tail
CLOSE_TIMEOUT_S = 60.0  # how long a stopped session's raw worker may take to end its running model call

IDLE_HINT = (
    "Drop or open a file, or start dictation: the same audio also goes to the model raw, "
    "without the conversion step, and both results show here."
)


class ContractDemoController:
    """The demo mode: file demos one at a time (the latest finished file waits its turn) and the
    live controller's BlockTap (`open` on the session thread, `ended` on the GUI thread)."""

    def __init__(
        self,
        view: DemoView,
        models: ModelController,
        runner: TaskRunner,
        options: Callable[[], TranscribeOptions],
        post: Post,
        live_text: LiveText | None = None,
    ) -> None:
        self.enabled = False
        self.mismatch = Mismatch.INTERLEAVED
        self.last_result: DemoResult | None = None
        self._view = view
        self._models = models
        self._runner = runner
        self._options = options
        self._post = post
        self._live_text = live_text
        self._lock = threading.Lock()  # enabled and the session's raw side, shared with open()
        self._live: LiveRawSide | None = None  # the running session's raw side, when it has one
        self._live_start = 0  # committed live pieces before the raw side attached
        self._file_cancel: threading.Event | None = None  # set while a file demo runs
        self._pending: Path | None = None
        self._closing = 0  # raw workers still closing in the background

    # the switch ----------------------------------------------------------------------------

    def set_enabled(self, enabled: bool) -> None:
        """Turn the mode on or off; off cancels the file demo, ends every raw run and clears the panes."""
        with self._lock:
            if enabled == self.enabled:
                return
            self.enabled = enabled
            live = self._live
        self._view.clear()
        if not enabled:
            self._pending = None
            if self._file_cancel is not None:
                self._file_cancel.set()
            if live is not None:
                self._detach(live, final=False)
            return
        self._view.show_status(IDLE_HINT)
        if live is not None:  # a dictation is running: its raw side starts now
            self._attach(live)

    def set_mismatch(self, mismatch: Mismatch | str) -> None:
        """Later runs break the contract this way; a live raw side starts again with it."""
        mismatch = Mismatch(mismatch)
        if mismatch is self.mismatch:
            return
        self.mismatch = mismatch
        live = self._live
        if self.enabled and live is not None and live.attached:
            self._detach(live, final=False)
            self._attach(live)

    @property
    def busy(self) -> bool:
        """A file demo runs or a raw worker is still closing."""
        return self._file_cancel is not None or self._closing > 0

    # files ---------------------------------------------------------------------------------

    def file_done(self, job: FileJob) -> None:
        """The files queue transcribed a file: with the mode on, run the demo for it as well."""
        if self.enabled and job.state is JobState.DONE:
            self.run_file(job.path)

    def run_file(self, path: str | os.PathLike[str]) -> None:
        """Run the file demo for `path` in the background; while one runs, the latest path waits."""
        if not self.enabled:
            return
        path = Path(path)
        if self._file_cancel is not None:
            self._pending = path
            self._view.show_status(f"Next: {path.name}, after the demo now running.")
            return
        cancel = self._file_cancel = threading.Event()
        mismatch, options = self.mismatch, self._options()
        self._view.clear()
        self._view.show_source(f"File: {path.name}")
        self._view.show_status(f"Running {path.name} through the converted path and the raw path…")
        self._models.with_model(
            lambda loaded: self._submit_file(path, loaded, mismatch, options, cancel),
            lambda message: self._file_over(cancel, f"Contract demo: no model ({message})"),
        )

    def _submit_file(
        self, path: Path, loaded: LoadedModel, mismatch: Mismatch, options: TranscribeOptions, cancel: threading.Event
    ) -> None:
        if cancel.is_set():
            self._file_over(cancel, None)
            return

        def work(emit: Emit) -> DemoResult:
            return run_file_demo(path, loaded, mismatch, options, cancel=cancel)

        self._runner.submit(
            work,
            on_done=lambda result: self._file_result(cancel, result),
            on_error=lambda exc: self._file_failed(cancel, path, exc),
        )

    def _file_result(self, cancel: threading.Event, result: DemoResult) -> None:
        if not cancel.is_set():
            self.last_result = result
            self._view.show_result(result)
        self._file_over(cancel, None)

    def _file_failed(self, cancel: threading.Event, path: Path, exc: BaseException) -> None:
        cancelled = isinstance(exc, TranscriptionCancelled)
        self._file_over(cancel, None if cancelled else f"Contract demo failed on {path.name}: {one_line(exc)}")

    def _file_over(self, cancel: threading.Event, message: str | None) -> None:
        """One file demo ended: show `message` if any, then start the file that waited."""
        if self._file_cancel is cancel:
            self._file_cancel = None
        if message and self.enabled and not cancel.is_set():
            self._view.show_status(message)
        pending, self._pending = self._pending, None
        if pending is not None and self.enabled:
            self.run_file(pending)

    # live (BlockTap) -----------------------------------------------------------------------

    def open(self, source: AudioSource, loaded: LoadedModel) -> BlockFn | None:
        """Session thread: every session gets a raw side's gate, so the mode can be switched on in
        the middle of a dictation; while it is off the gate costs a lock and a None check per block
        and no worker exists. With the mode on, the worker starts here and hears the first block."""
        with self._lock:
            live = self._live = LiveRawSide(loaded, source.sample_rate, source.channels, source.name)
            if not self.enabled:
                return live.feed
            problem = self._start_worker(live)
        self._post(lambda: self._show_live_start(live, problem))
        return live.feed

    def ended(self) -> None:
        """GUI thread: the session is over; its raw side runs its last window once, then closes."""
        with self._lock:
            live, self._live = self._live, None
        if live is not None:
            self._detach(live, final=True)

    def live_text_changed(self) -> None:
        """GUI thread: the live transcript changed; the converted pane shows its words since the raw side began."""
        live = self._live
        if self._live_text is None or live is None or not live.attached:
            return
        committed, partial = self._live_text()
        self._view.show_live_update(converted_text=join_texts([*committed[self._live_start :], partial]))

    def _attach(self, live: LiveRawSide) -> None:
        """GUI thread: a raw worker for the session already running, and the panes made ready for it."""
        with self._lock:
            problem = self._start_worker(live)
        self._show_live_start(live, problem)

    def _start_worker(self, live: LiveRawSide) -> str:
        """Any thread: attach a raw worker; '' or why it cannot run (dictation itself goes on)."""
        try:
            live.attach(self.mismatch, self._from_worker, self._error_from_worker)
        except Exception as exc:  # e.g. a channel count the raw stream cannot take
            return f"Contract demo (raw side) cannot run: {one_line(exc)}"
        return ""

    def _show_live_start(self, live: LiveRawSide, problem: str) -> None:
        """GUI thread: panes for a live raw side; a file demo still running stops (one demo at a time)."""
        if live is not self._live or not self.enabled:
            return
        if self._file_cancel is not None:
            self._pending = None
            self._file_cancel.set()
        self._live_start = len(self._live_text()[0]) if self._live_text is not None else 0
        self._view.start_live(live.sample_rate, live.channels, self.mismatch)
        self._view.show_source(f"Live: {live.source_name} ({describe_format(live.sample_rate, live.channels)})")
        if problem:
            self._view.show_status(problem)

    def _from_worker(self, attachment: RawAttachment, update: LiveRawUpdate) -> None:
        """Worker thread: hand the update to the GUI thread."""
        self._post(lambda: self._show_live(attachment, update))

    def _error_from_worker(self, message: str) -> None:
        self._post(lambda: self._view.show_status(message) if self.enabled else None)

    def _show_live(self, attachment: RawAttachment, update: LiveRawUpdate) -> None:
        live = self._live
        if self.enabled and live is not None and live.attachment is attachment:
            self._view.show_live_update(raw=update)

    def _detach(self, live: LiveRawSide, final: bool) -> None:
        """GUI thread: stop feeding the raw worker and close it in the background. Queued runs are
        skipped; with `final`, one last run over the latest window is shown."""
        attachment = live.detach()
        if attachment is None:
            return
        self._closing += 1

        def close(emit: Emit) -> LiveRawUpdate | None:
            attachment.worker.close(CLOSE_TIMEOUT_S)
            return live.final_update(attachment) if final else None

        def closed(update: LiveRawUpdate | None) -> None:
            self._closing -= 1
            if update is not None and self.enabled and self._live is None:
                self._view.show_live_update(raw=update)
                self._view.show_status(
                    f"Dictation stopped: the raw pane shows its last {update.side.seconds_as_seen:.0f} s "
                    "as the model heard them."
                )

        def failed(exc: BaseException) -> None:
            self._closing -= 1
            if self.enabled:
                self._view.show_status(f"Contract demo (raw side) failed: {one_line(exc)}")

        self._runner.submit(close, on_done=closed, on_error=failed)

    # window --------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """The window closes: cancel the file demo and end every raw run (nothing more is shown)."""
        self.set_enabled(False)
