"""Crash-safe autosave of the live transcript, and recovery on the next start.

Each run writes its own file in the autosave folder, atomically (temp file, fsync, rename),
on every commit and at least every few seconds while dictating, from a background writer
thread so the window never waits for the disk. A file stays until the user saves or clears
that transcript, so a crash, a power cut or closing the window loses at most the last
interval; the next run finds the files other runs left and offers them back.

The same writer thread and cadence also keep the dictation history (app/services/history.py):
anything may `stage` a file for it, so every crash-safe file whisperdesk keeps goes one way.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.services.export_files import write_atomically
from app.services.live_transcript import SavedText
from inference.results import Segment

DATA_DIR_ENV = "WHISPERDESK_DATA_DIR"  # overrides the user data folder (tests, portable installs)
AUTOSAVE_INTERVAL_S = 3.0  # seconds: the most dictation a crash can lose
FORMAT_VERSION = 1
Render = Callable[[], str | None]  # a staged file's new text, or None to delete it


def data_dir() -> Path:
    """The user data folder ($WHISPERDESK_DATA_DIR or the platform's own)."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("whisperdesk"))


def autosave_dir() -> Path:
    return data_dir() / "autosave"


@dataclass(frozen=True)
class SavedSession(SavedText):
    """A live transcript an earlier run left on disk."""

    path: Path
    saved_at: float  # time.time() of its last write
    pieces: tuple[Segment, ...]
    partial: str


def _encode(pieces: Sequence[Segment], partial: str, saved_at: float) -> str:
    rows = [[round(p.start, 3), round(p.end, 3), p.text] for p in pieces]
    return json.dumps({"version": FORMAT_VERSION, "saved_at": saved_at, "pieces": rows, "partial": partial})


def read_session(path: Path) -> SavedSession:
    """Parse one autosave file; raises ValueError (or OSError) when it cannot be used."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError(f"{path.name}: not a version {FORMAT_VERSION} autosave")
    try:
        pieces = tuple(Segment(float(start), float(end), str(text)) for start, end, text in data["pieces"])
        return SavedSession(path, float(data["saved_at"]), pieces, str(data.get("partial", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path.name}: malformed autosave ({exc})") from None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class Autosaver:
    """Keeps this run's newest transcript on disk; call it from one thread (the GUI's)."""

    def __init__(
        self,
        folder: Path | None = None,
        interval_s: float = AUTOSAVE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder or autosave_dir()
        self.path = self.folder / f"live-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.json"
        self.interval_s = interval_s
        self._clock = clock
        self._last_write = -float("inf")
        self._pending: dict[Path, Render] = {}  # newest content per file, written at the next due tick
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._last_future: Future | None = None
        self._errors: list[str] = []
        self._lock = threading.Lock()

    def update(self, pieces: Sequence[Segment], partial: str, force: bool = False) -> bool:
        """Record the transcript; write it now if forced (a commit) or the interval has passed."""
        snapshot = (tuple(pieces), partial)
        return self.stage(self.path, lambda: _encode(*snapshot, time.time()), force)

    def stage(self, path: Path, render: Render, force: bool = False) -> bool:
        """Queue `path` for the writer: `render()` (called on this thread when due) gives its new text, or
        None to delete it. The newest render per path wins; written now if forced, else when the interval
        has passed. True if written."""
        self._pending[path] = render
        return self.tick(force)

    def tick(self, force: bool = False) -> bool:
        """Write what is pending if due; call often (e.g. on level events). True if written."""
        if not self._pending or not (force or self._clock() - self._last_write >= self.interval_s):
            return False
        pending, self._pending = self._pending, {}
        self._last_write = self._clock()
        for path, render in pending.items():
            text = render()
            if text is None:
                self._submit(self._remove, path)
            else:
                self._submit(write_atomically, path, text)
        return True

    def run_later(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the writer thread after the writes queued so far (OSErrors become errors())."""
        self._submit(lambda path: fn(), self.folder)

    def flush(self, timeout_s: float = 5.0) -> None:
        """Write anything pending and wait until the disk has it."""
        self.tick(force=True)
        if self._last_future is not None:
            self._last_future.result(timeout=timeout_s)

    def discard(self) -> None:
        """This run's transcript was saved or cleared: nothing to recover from it."""
        self.stage(self.path, lambda: None, force=True)

    def recoverable(self) -> SavedSession | None:
        """The newest transcript another run left behind (unreadable files are set aside)."""
        candidates = sorted(self.folder.glob("live-*.json"), key=_mtime, reverse=True)
        for path in candidates:
            if path == self.path:
                continue
            try:
                saved = read_session(path)
            except (OSError, ValueError):
                path.replace(path.with_suffix(".unreadable"))
                continue
            if saved.text:
                return saved
            path.unlink(missing_ok=True)
        return None

    def forget(self, saved: SavedSession) -> None:
        """Delete a recovered file once the user restored or declined it."""
        saved.path.unlink(missing_ok=True)

    def errors(self) -> list[str]:
        """Write failures so far (e.g. a full disk), oldest first; cleared on read."""
        with self._lock:
            found, self._errors = self._errors, []
        return found

    def close(self) -> None:
        """Finish pending writes and stop the writer thread."""
        self.flush()
        self._writer.shutdown(wait=True)

    def _submit(self, fn: Callable[..., None], path: Path, *args: object) -> None:
        self._last_future = self._writer.submit(self._guarded, fn, path, *args)

    def _guarded(self, fn: Callable[..., None], path: Path, *args: object) -> None:
        try:
            fn(path, *args)
        except OSError as exc:
            with self._lock:
                self._errors.append(f"autosave to {path} failed: {exc.strerror or exc}")

    @staticmethod
    def _remove(path: Path) -> None:
        path.unlink(missing_ok=True)
