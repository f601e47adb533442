"""The dictation history: one file per dictation in data_dir()/history, kept as it happens.

Why: whatever happens to the text afterwards (typed into another app, copied, cleared, or the
process killed), the words spoken stay findable. A DictationRecorder turns one live session's
events into its record and hands every write to the Autosaver (the one writer thread and the
one cadence: on every commit and at least every AUTOSAVE_INTERVAL_S while dictating), so a
crash or SIGKILL loses at most that interval. A record with no end whose writer process is gone
is "interrupted": its text is everything committed plus the last partial saved. The newest
HISTORY_KEEP dictations are kept; older files are deleted when a dictation ends.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.services.autosave import Autosaver, data_dir
from app.services.live_transcript import LiveTranscript, SavedText
from inference.results import Segment
from inference.stream_events import Commit, Level, Partial, Summary

HISTORY_KEEP = 500  # dictations kept; the oldest beyond this are deleted
HISTORY_VERSION = 1
STALE_AFTER_S = 60.0  # a running record unwritten this long is treated as interrupted (its pid was reused)
FINISHED, RUNNING, INTERRUPTED = "finished", "running", "interrupted"
PREVIEW_CHARS = 60


def history_dir() -> Path:
    return data_dir() / "history"


def process_alive(pid: int) -> bool:
    """True when a process with this id exists (ours included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class HistoryRecord(SavedText):
    """One dictation: its committed pieces (session audio times), the last partial saved, and where from."""

    id: str
    started_at: float  # time.time()
    ended_at: float | None  # None while running, or when the process died
    duration_s: float  # seconds of audio heard
    pieces: tuple[Segment, ...] = ()
    partial: str = ""
    source: str = ""  # the microphone's name, or the file replayed as one
    model: str = ""
    pid: int = field(default_factory=os.getpid)  # the writer process
    saved_at: float = 0.0  # time.time() of the last write
    autosave: str = ""  # the window's autosave file holding the same text (it recovers a crash), if any
    restore_done: bool = False  # interrupted and already restored or declined: not offered again

    def status(self, now: float | None = None) -> str:
        """FINISHED, RUNNING (its process still writes it) or INTERRUPTED (the process died first)."""
        if self.ended_at is not None:
            return FINISHED
        now = time.time() if now is None else now
        fresh = now - self.saved_at < STALE_AFTER_S
        return RUNNING if fresh and process_alive(self.pid) else INTERRUPTED

    @property
    def interrupted(self) -> bool:
        return self.status() == INTERRUPTED

    def preview(self, chars: int = PREVIEW_CHARS) -> str:
        text = self.text
        return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"

    def to_json(self) -> dict:
        """The record as the CLI's --json prints it (times as ISO 8601 local time)."""
        return {
            "id": self.id,
            "started_at": _iso(self.started_at),
            "ended_at": None if self.ended_at is None else _iso(self.ended_at),
            "duration_s": round(self.duration_s, 3),
            "words": self.word_count,
            "text": self.text,
            "status": self.status(),
            "interrupted": self.interrupted,
            "source": self.source,
            "model": self.model,
        }


def _iso(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(stamp))


def format_duration(seconds: float) -> str:
    """0:07, 12:34 or 1:02:03."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_started(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def encode(record: HistoryRecord) -> str:
    data = {
        "version": HISTORY_VERSION,
        "id": record.id,
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "duration_s": round(record.duration_s, 3),
        "pieces": [[round(p.start, 3), round(p.end, 3), p.text] for p in record.pieces],
        "partial": record.partial,
        "source": record.source,
        "model": record.model,
        "pid": record.pid,
        "saved_at": record.saved_at,
        "autosave": record.autosave,
        "restore_done": record.restore_done,
    }
    return json.dumps(data, ensure_ascii=False)


def read_record(path: Path) -> HistoryRecord:
    """Parse one history file; raises ValueError (or OSError) when it cannot be used."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != HISTORY_VERSION:
        raise ValueError(f"not a version {HISTORY_VERSION} history record")
    try:
        ended = data.get("ended_at")
        return HistoryRecord(
            id=str(data["id"]),
            started_at=float(data["started_at"]),
            ended_at=None if ended is None else float(ended),
            duration_s=float(data.get("duration_s", 0.0)),
            pieces=tuple(Segment(float(start), float(end), str(text)) for start, end, text in data["pieces"]),
            partial=str(data.get("partial", "")),
            source=str(data.get("source", "")),
            model=str(data.get("model", "")),
            pid=int(data.get("pid", 0)),
            saved_at=float(data.get("saved_at") or data["started_at"]),
            autosave=str(data.get("autosave", "")),
            restore_done=bool(data.get("restore_done", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed history record ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class HistoryListing:
    """What the history folder holds: readable records oldest first, and one line per file skipped."""

    records: tuple[HistoryRecord, ...]
    problems: tuple[str, ...]


def new_record_id(started_at: float) -> str:
    """Sortable by start (UTC time first), unique by its random tail."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(started_at))
    return f"{stamp}-{int(started_at * 1000) % 1000:03d}-{uuid.uuid4().hex[:6]}"


class HistoryStore:
    """The history folder: list, read, prune. Writes go through an Autosaver (see DictationRecorder)."""

    def __init__(self, folder: Path | None = None, keep: int = HISTORY_KEEP) -> None:
        self.folder = folder or history_dir()
        self.keep = keep

    def path_for(self, record_id: str) -> Path:
        return self.folder / f"{record_id}.json"

    def _files(self) -> list[Path]:
        try:
            return sorted(p for p in self.folder.glob("*.json") if not p.name.startswith("."))
        except OSError:
            return []

    def load(self) -> HistoryListing:
        records, problems = [], []
        for path in self._files():
            try:
                records.append(read_record(path))
            except (OSError, ValueError) as exc:
                problems.append(f"{path}: skipped an unreadable history record: {exc}")
        records.sort(key=lambda r: (r.started_at, r.id))
        return HistoryListing(tuple(records), tuple(problems))

    def get(self, record_id: str) -> HistoryRecord | None:
        try:
            return read_record(self.path_for(record_id))
        except (OSError, ValueError):
            return None

    def prune(self) -> None:
        """Delete the oldest files beyond `keep` (file names sort by start time)."""
        files = self._files()
        for path in files[: max(0, len(files) - self.keep)]:
            path.unlink(missing_ok=True)

    def to_restore(self) -> HistoryRecord | None:
        """The newest interrupted dictation with text that no autosave covers and nobody restored or declined."""
        for record in reversed(self.load().records):
            if record.text and not record.autosave and not record.restore_done and record.interrupted:
                return record
        return None

    def mark_restore_done(self, record: HistoryRecord, saver: Autosaver) -> None:
        """It was restored or declined: keep it in the history, stop offering it."""
        done = replace(record, restore_done=True)
        saver.stage(self.path_for(record.id), lambda: encode(done), force=True)


class DictationRecorder:
    """Keeps one dictation's record on disk while it runs, from its events, through `saver`'s writer and
    cadence. Call from one thread (the one that feeds `saver`)."""

    def __init__(
        self,
        store: HistoryStore,
        saver: Autosaver,
        source: str,
        model: str,
        autosave: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self._saver = saver
        self._clock = clock
        self._transcript = LiveTranscript()
        started = clock()
        self._record = HistoryRecord(
            new_record_id(started), started, None, 0.0, source=source, model=model, autosave=autosave
        )
        self.path = store.path_for(self._record.id)
        self._finished = False
        self._stage(force=True)  # on disk from the first moment

    @property
    def record(self) -> HistoryRecord:
        """What the next write will hold."""
        pieces, partial = tuple(self._transcript.pieces), self._transcript.partial
        return replace(self._record, pieces=pieces, partial=partial, saved_at=self._clock())

    def on_event(self, event: object) -> None:
        """Feed every event of the session: commits write at once, the rest at the autosave cadence."""
        if self._finished:
            return
        if isinstance(event, Commit):
            if self._transcript.add_commit(event):
                self._duration(event.audio_end)
                self._stage(force=True)
        elif isinstance(event, Partial):
            self._transcript.set_partial(event)
            self._duration(event.audio_end)
            self._stage()
        elif isinstance(event, Level):
            self._duration(event.audio_time)
            self._stage()
        elif isinstance(event, Summary):
            self._duration(event.audio_s)
            self.finish()

    def finish(self) -> HistoryRecord:
        """The dictation ended (any way but a crash): mark it finished; one with no words is not kept."""
        if not self._finished:
            self._finished = True
            self._transcript.end_session()
            self._record = replace(self._record, ended_at=self._clock())
            if self._transcript.pieces:
                self._stage(force=True)
            else:
                self._saver.stage(self.path, lambda: None, force=True)
            self._saver.run_later(self.store.prune)
        return self.record

    def _duration(self, audio_s: float) -> None:
        if audio_s > self._record.duration_s:
            self._record = replace(self._record, duration_s=audio_s)

    def _stage(self, force: bool = False) -> None:
        snapshot = self.record
        self._saver.stage(self.path, lambda: encode(replace(snapshot, saved_at=self._clock())), force)
