"""The files view's queue as plain data: what was dropped, what runs next, what each job holds;
and a batch spread over several transcription servers (ServerBatch).

Qt-free; the files controller drives it and the window only draws it.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from app.services.file_jobs import FileResult, transcribe_file
from audio.contract import ContractError
from audio.errors import AudioError, first_line
from inference.options import TranscribeOptions
from inference.remote.server import RemoteServer, ServerError

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

    def retry(self, job_id: int) -> bool:
        """Queue a failed or cancelled job again (a server that was down may be back); False otherwise.
        The row keeps its place; a file queued or running under another row is not queued twice."""
        job = self.jobs[job_id]
        if job.state not in (JobState.FAILED, JobState.CANCELLED):
            return False
        if any(j.path.resolve() == job.path.resolve() and not j.state.finished for j in self.jobs.values()):
            return False
        job.state, job.progress, job.message, job.result = JobState.QUEUED, 0.0, "", None
        job.cancel = threading.Event()
        return True

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


@dataclass(frozen=True)
class ServerOutcome:
    """One file of a batch spread over servers: its result, or the one line saying why it has none."""

    index: int  # its place in the batch
    path: str
    result: FileResult | None
    error: str | None
    moved: tuple[str, ...] = ()  # the server faults that sent it on to another server


@dataclass
class _Pending:
    index: int
    path: str
    tried: set[int] = field(default_factory=set)
    faults: list[str] = field(default_factory=list)


class ServerBatch:
    """A batch of files spread over several servers, one request at a time per server.

    Each server takes the next file it has not tried yet. A file a server fails on (ServerError) goes
    back to the queue for another server; a server whose fault is its own (unreachable, not
    answering, key rejected) takes no more files. A file fails once no server is left for it; a
    fault of the file itself (it cannot be decoded) is final at once. Every file ends with exactly
    one ServerOutcome, passed to `on_outcome` (one call at a time) as soon as it is known.
    """

    def __init__(
        self,
        servers: Sequence[RemoteServer],
        options: TranscribeOptions,
        on_outcome: Callable[[ServerOutcome], None],
    ) -> None:
        if not servers:
            raise ValueError("a server batch needs at least one server")
        self._servers = list(servers)
        self._options = options
        self._on_outcome = on_outcome
        self._lock = threading.Condition()
        self._report = threading.Lock()
        self._pending: list[_Pending] = []
        self._running = 0
        self._down: dict[int, str] = {}  # server index -> the fault that took it out of the batch

    def run(self, paths: Sequence[str | os.PathLike[str]]) -> None:
        """Transcribe every path; returns when each has its outcome."""
        self._pending = [_Pending(i, str(p)) for i, p in enumerate(paths)]
        workers = [
            threading.Thread(target=self._work, args=(s,), name=f"server-{s}", daemon=True)
            for s in range(len(self._servers))
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def _take(self, server: int) -> _Pending | None:
        """The next file for `server`, waiting while others may still send files back; None when done."""
        with self._lock:
            while server not in self._down:
                item = next((p for p in self._pending if server not in p.tried), None)
                if item is not None:
                    self._pending.remove(item)
                    self._running += 1
                    return item
                if not self._pending and not self._running:
                    return None
                self._lock.wait()
            return None

    def _work(self, server: int) -> None:
        while (item := self._take(server)) is not None:
            outcome: ServerOutcome | None = None
            try:
                result = transcribe_file(item.path, self._servers[server], self._options)
                outcome = ServerOutcome(item.index, item.path, result, None, tuple(item.faults))
            except ServerError as exc:
                outcome = self._server_failed(item, server, exc)
            except (AudioError, ContractError) as exc:
                outcome = ServerOutcome(item.index, item.path, None, first_line(exc), tuple(item.faults))
            except Exception as exc:  # a bug: the file still gets its line, and the batch does not hang
                error = f"{exc.__class__.__name__}: {first_line(exc)}"
                outcome = ServerOutcome(item.index, item.path, None, error, tuple(item.faults))
            stranded = self._finish(item if outcome is None else None)
            for done in ([outcome] if outcome else []) + stranded:
                with self._report:
                    self._on_outcome(done)

    def _server_failed(self, item: _Pending, server: int, exc: ServerError) -> ServerOutcome | None:
        """Note the fault; None when another server can still take the file."""
        with self._lock:
            item.tried.add(server)
            item.faults.append(str(exc))
            if exc.down:
                self._down[server] = str(exc)
            if self._has_server(item):
                return None
        return ServerOutcome(item.index, item.path, None, "; ".join(item.faults), tuple(item.faults[:-1]))

    def _has_server(self, item: _Pending) -> bool:
        return any(s not in item.tried and s not in self._down for s in range(len(self._servers)))

    def _finish(self, retry: _Pending | None) -> list[ServerOutcome]:
        """End one request: queue `retry` again, and fail the files no server is left for."""
        with self._lock:
            self._running -= 1
            if retry is not None:
                self._pending.append(retry)
                self._pending.sort(key=lambda p: p.index)
            stranded = [p for p in self._pending if not self._has_server(p)]
            for item in stranded:
                self._pending.remove(item)
            self._lock.notify_all()
        return [self._stranded(item) for item in stranded]

    def _stranded(self, item: _Pending) -> ServerOutcome:
        """A file never sent (or not sent again) because every server left the batch."""
        earlier = [f"{self._down[s]} (on an earlier file)" for s in sorted(self._down) if s not in item.tried]
        return ServerOutcome(item.index, item.path, None, "; ".join(item.faults + earlier), tuple(item.faults))
