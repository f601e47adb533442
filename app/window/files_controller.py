"""The files view's logic: queue dropped files, transcribe them one at a time off the GUI
thread (on the local model, or on a transcription server when Settings say so), report progress
and errors per row, retry failed rows, export results. Talks to the window only through FilesView.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from app.services.export_files import export_transcript, output_path
from app.services.file_jobs import Engine, FileResult, transcribe_file
from app.services.file_queue import FileJob, FileQueue, JobState
from app.services.messages import one_line
from app.services.tasks import Emit, TaskRunner
from app.window.model_controller import ModelController
from app.window.views import FilesView
from inference.errors import TranscriptionCancelled
from inference.options import TranscribeOptions
from inference.remote.server import RemoteServer, ServerError

PROGRESS_STEP = 0.005  # smallest progress change (fraction) sent to the window
WAITING_FOR_MODEL = "waiting for a working model (see the message above; fix it in Settings)"
WAITING_FOR_SERVER = "waiting for the server settings: {reason}"

ServerFn = Callable[[], RemoteServer | None]  # the server files go to now (None: this computer); ValueError if unusable


def result_note(result: FileResult) -> str:
    """Short row text for a finished file: its length and speed, the language a multilingual model
    heard (with its probability) and whether it was translated, or that it had no speech; and what was
    wrong with its audio (clipped, cut short), when something was."""
    problem = "; ".join(result.native.problems)  # clipped or cut short: said on the row, never silent
    if not result.transcript.text:
        return f"no speech found: {problem}" if problem else "no speech found"
    note = f"{result.transcript.duration_s:.1f} s of audio in {result.processing_s:.1f} s"
    if result.model.info.multilingual:
        note += f" · {result.transcript.language} ({result.transcript.language_probability:.0%})"
    if result.options.task == "translate":
        note += " → English"
    if isinstance(result.model, RemoteServer):
        note += f" · on {result.model.display}"
    return f"{note} · {problem}" if problem else note


class FilesController:
    """Runs the queue: one file at a time, each with its own progress, cancel, error and retry.

    `server` says, each time a file starts, where it goes: a RemoteServer, or None for the local model.
    """

    def __init__(
        self,
        view: FilesView,
        models: ModelController,
        runner: TaskRunner,
        options: Callable[[], TranscribeOptions],
        server: ServerFn = lambda: None,
    ) -> None:
        self.queue = FileQueue()
        self._view = view
        self._models = models
        self._runner = runner
        self._options = options
        self._server = server
        self._selected: int | None = None
        self._waiting = False
        self.on_done: Callable[[FileJob], None] | None = None  # after each transcribed file (the contract demo)

    @property
    def busy(self) -> bool:
        return self.queue.running() is not None or self.queue.next_queued() is not None

    def add_paths(self, paths: Iterable[str | os.PathLike[str]]) -> list[int]:
        """Queue files (folders give their media files); returns the new job ids."""
        jobs = self.queue.add(paths)
        for job in jobs:
            self._view.add_job(job.id, job.name, str(job.path))
        self._pump()
        return [job.id for job in jobs]

    def retry(self) -> None:
        """Try again to run waiting files (after the settings changed)."""
        self._waiting = False
        self._pump()

    def retry_failed(self) -> list[int]:
        """Queue every failed file again, in its own row (a server that was down may be back); returns their ids."""
        again = [job for job in self.queue.jobs.values() if job.state is JobState.FAILED and self.queue.retry(job.id)]
        for job in again:
            self._show(job)
        self.retry()
        return [job.id for job in again]

    def cancel(self, job_id: int) -> None:
        job = self.queue.get(job_id)
        if not self.queue.cancel(job_id):
            return
        if job.state is JobState.CANCELLED:
            self._show(job)
        else:
            self._view.update_job(job.id, job.state, job.progress, "cancelling…")

    def cancel_all(self) -> None:
        for job in self.queue.cancel_all():
            if job.state is JobState.CANCELLED:
                self._show(job)
            else:
                self._view.update_job(job.id, job.state, job.progress, "cancelling…")

    def clear_finished(self) -> None:
        gone = self.queue.remove_finished()
        if gone:
            self._view.remove_jobs(gone)
        if self._selected in gone:
            self.select(None)

    def select(self, job_id: int | None) -> None:
        """Show one job's transcript in the result viewer (None clears it)."""
        self._selected = job_id
        job = self.queue.jobs.get(job_id) if job_id is not None else None
        self._view.show_result(job_id if job else None, job.result if job else None)

    def export_job(self, job_id: int, fmt: str, path: str | os.PathLike[str]) -> Path:
        """Write one finished file's transcript as `fmt` to `path`."""
        result = self.queue.get(job_id).result
        if result is None:
            raise ValueError(f"{self.queue.get(job_id).name} has no transcript to export")
        return export_transcript(path, fmt, result.transcript.segments, result.to_record())

    def export_all(self, fmt: str, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every finished transcript into `folder` as <file stem>.<fmt> (output_path's rule)."""
        folder, taken = Path(folder), set[Path]()
        jobs = self.queue.done()
        return [self.export_job(job.id, fmt, output_path(folder, job.path.stem, fmt, taken)) for job in jobs]

    def _show(self, job: FileJob) -> None:
        self._view.update_job(job.id, job.state, job.progress, job.message)

    def _pump(self) -> None:
        """Start the next queued file unless one is running or nothing can transcribe (no model, bad server)."""
        if self.queue.running() is not None or self._waiting:
            return
        job = self.queue.next_queued()
        if job is None:
            self._view.queue_idle()
            return
        try:
            server = self._server()
        except ValueError as exc:
            self._wait(job, WAITING_FOR_SERVER.format(reason=one_line(exc)))
            return
        if server is not None:
            job.state, job.message = JobState.RUNNING, ""
            self._start(job, server)
            return
        job.state, job.message = JobState.RUNNING, "loading model…" if self._models.loaded is None else ""
        self._show(job)
        self._models.with_model(lambda loaded: self._start(job, loaded), lambda message: self._wait(job))

    def _wait(self, job: FileJob, why: str = WAITING_FOR_MODEL) -> None:
        """Nothing can transcribe now: queued files wait (they are not failed) until retry()."""
        self._waiting = True
        job.state, job.message = JobState.QUEUED, why
        for waiting in self.queue.jobs.values():
            if waiting.state is JobState.QUEUED:
                waiting.message = why
                self._show(waiting)

    def _start(self, job: FileJob, loaded: Engine) -> None:
        if job.cancel.is_set():
            self._finish(job, JobState.CANCELLED, "cancelled")
            return
        job.message = f"transcribing on {loaded.display}…" if isinstance(loaded, RemoteServer) else "transcribing…"
        self._show(job)
        options = self._options()

        def work(emit: Emit) -> FileResult:
            sent = [0.0]

            def progress(fraction: float) -> None:
                if job.cancel.is_set():  # also stops decoding, which has no cancel of its own
                    raise TranscriptionCancelled("cancelled")
                if fraction >= 1.0 or fraction - sent[0] >= PROGRESS_STEP:
                    sent[0] = fraction
                    emit(fraction)

            return transcribe_file(job.path, loaded, options, progress=progress, cancel=job.cancel)

        self._runner.submit(
            work,
            on_done=lambda result: self._done(job, result),
            on_error=lambda exc: self._failed(job, exc),
            on_event=lambda fraction: self._progress(job, fraction),
        )

    def _progress(self, job: FileJob, fraction: object) -> None:
        if job.state is JobState.RUNNING and isinstance(fraction, float):
            job.progress = fraction
            self._view.update_job(job.id, job.state, fraction, job.message)

    def _done(self, job: FileJob, result: FileResult) -> None:
        job.result, job.progress = result, 1.0
        job.state, job.message = JobState.DONE, result_note(result)
        self._show(job)
        if self._selected is None or self._selected not in self.queue.jobs:
            self.select(job.id)
        self._pump()
        if self.on_done is not None:
            self.on_done(job)

    def _failed(self, job: FileJob, exc: BaseException) -> None:
        if isinstance(exc, TranscriptionCancelled):
            self._finish(job, JobState.CANCELLED, "cancelled")
        elif isinstance(exc, ServerError):
            self._finish(job, JobState.FAILED, str(exc))  # "server URL: reason", the key blanked out
        else:
            self._finish(job, JobState.FAILED, one_line(exc))

    def _finish(self, job: FileJob, state: JobState, message: str) -> None:
        job.state, job.message = state, message
        self._show(job)
        self._pump()
