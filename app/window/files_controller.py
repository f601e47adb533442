"""The files view's logic: queue dropped files, transcribe them one at a time off the GUI
thread, report progress and errors per row, export results. Talks to the window only
through FilesView.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from app.services.export_files import export_transcript, output_path
from app.services.file_jobs import FileResult, transcribe_file
from app.services.file_queue import FileJob, FileQueue, JobState
from app.services.messages import one_line
from app.services.tasks import Emit, TaskRunner
from app.window.model_controller import ModelController
from app.window.views import FilesView
from inference.errors import TranscriptionCancelled
from inference.loader import LoadedModel
from inference.options import TranscribeOptions

PROGRESS_STEP = 0.005  # smallest progress change (fraction) sent to the window
WAITING_FOR_MODEL = "waiting for a working model (see the message above; fix it in Settings)"


def result_note(result: FileResult) -> str:
    """Short row text for a finished file: its length and speed, the language a multilingual model
    heard (with its probability) and whether it was translated, or that it had no speech."""
    if not result.transcript.text:
        return "no speech found"
    note = f"{result.transcript.duration_s:.1f} s of audio in {result.processing_s:.1f} s"
    if result.model.info.multilingual:
        note += f" · {result.transcript.language} ({result.transcript.language_probability:.0%})"
    if result.options.task == "translate":
        note += " → English"
    return note


class FilesController:
    """Runs the queue: one file at a time, each with its own progress, cancel and error."""

    def __init__(
        self,
        view: FilesView,
        models: ModelController,
        runner: TaskRunner,
        options: Callable[[], TranscribeOptions],
    ) -> None:
        self.queue = FileQueue()
        self._view = view
        self._models = models
        self._runner = runner
        self._options = options
        self._selected: int | None = None
        self._waiting_for_model = False
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
        self._waiting_for_model = False
        self._pump()

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
        """Start the next queued file unless one is running or the model is known to be broken."""
        if self.queue.running() is not None or self._waiting_for_model:
            return
        job = self.queue.next_queued()
        if job is None:
            self._view.queue_idle()
            return
        job.state, job.message = JobState.RUNNING, "loading model…" if self._models.loaded is None else ""
        self._show(job)
        self._models.with_model(lambda loaded: self._start(job, loaded), lambda message: self._no_model(job))

    def _no_model(self, job: FileJob) -> None:
        self._waiting_for_model = True
        job.state, job.message = JobState.QUEUED, WAITING_FOR_MODEL
        for waiting in self.queue.jobs.values():
            if waiting.state is JobState.QUEUED:
                waiting.message = WAITING_FOR_MODEL
                self._show(waiting)

    def _start(self, job: FileJob, loaded: LoadedModel) -> None:
        if job.cancel.is_set():
            self._finish(job, JobState.CANCELLED, "cancelled")
            return
        job.message = "transcribing…"
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
        else:
            self._finish(job, JobState.FAILED, one_line(exc))

    def _finish(self, job: FileJob, state: JobState, message: str) -> None:
        job.state, job.message = state, message
        self._show(job)
        self._pump()
