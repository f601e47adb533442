"""The files view's queue as plain data: what was dropped, what runs next, what each job holds.

Qt-free; the files controller drives it and the window only draws it.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from app.services.file_jobs import FileResult

# Suffixes picked up when a folder is dropped; single files are taken whatever their name.
MEDIA_SUFFIXES = frozenset(
    {".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wma", ".aif", ".aiff", ".caf", ".amr"}
    | {".webm", ".mp4", ".m4v", ".mkv", ".mov", ".avi", ".3gp"}
)


class JobState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


@dataclass
class FileJob:
    """One file in the queue; only the controller changes it, always on the GUI thread."""

    id: int
    path: Path
    state: JobState = JobState.QUEUED
    progress: float = 0.0  # 0..1
    message: str = ""  # error text, or why it was cancelled
    result: FileResult | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def name(self) -> str:
        return self.path.name


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Dropped paths as files: folders give their media files (recursively, sorted, no hidden ones).

    A named file is kept even if missing or oddly named, so its row can say what is wrong.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in MEDIA_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


class FileQueue:
    """Jobs in the order they were added; one runs at a time."""

    def __init__(self) -> None:
        self.jobs: dict[int, FileJob] = {}
        self._ids = itertools.count(1)

    def add(self, paths: Iterable[str | os.PathLike[str]]) -> list[FileJob]:
        """Queue the files under `paths`; a file already queued or running is not added twice."""
        pending = {job.path.resolve() for job in self.jobs.values() if not job.state.finished}
        added = []
        for path in expand_paths(paths):
            if path.resolve() in pending:
                continue
            pending.add(path.resolve())
            job = FileJob(next(self._ids), path)
            self.jobs[job.id] = job
            added.append(job)
        return added

    def get(self, job_id: int) -> FileJob:
        return self.jobs[job_id]

    def running(self) -> FileJob | None:
        return next((j for j in self.jobs.values() if j.state is JobState.RUNNING), None)

    def next_queued(self) -> FileJob | None:
        return next((j for j in self.jobs.values() if j.state is JobState.QUEUED), None)

    def cancel(self, job_id: int) -> bool:
        """Cancel a queued job at once, or ask a running one to stop; False if it already ended."""
        job = self.jobs[job_id]
        if job.state is JobState.QUEUED:
            job.state, job.message = JobState.CANCELLED, "cancelled"
            return True
        if job.state is JobState.RUNNING:
            job.cancel.set()
            return True
        return False

    def cancel_all(self) -> list[FileJob]:
        """Cancel every job that has not ended; returns them."""
        return [job for job in list(self.jobs.values()) if self.cancel(job.id)]

    def done(self) -> list[FileJob]:
        """Jobs with a transcript, in queue order."""
        return [j for j in self.jobs.values() if j.state is JobState.DONE]

    def remove_finished(self) -> list[int]:
        """Drop ended jobs from the queue; returns their ids."""
        gone = [job_id for job_id, job in self.jobs.items() if job.state.finished]
        for job_id in gone:
            del self.jobs[job_id]
        return gone

    def counts(self) -> dict[JobState, int]:
        tally = dict.fromkeys(JobState, 0)
        for job in self.jobs.values():
            tally[job.state] += 1
        return tally
