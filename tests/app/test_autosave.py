"""Autosave of the live transcript: when it writes, that writes are atomic, and what the next run recovers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.autosave import Autosaver, read_session
from inference.results import Segment

PIECES = (Segment(0.0, 1.0, "Hello there."), Segment(1.0, 2.5, "This is dictation."))


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_writes_at_once_when_forced_and_at_most_once_per_interval_otherwise(tmp_path: Path, clock: Clock):
    """A commit (force) writes now; partial updates write only after the interval; the newest text wins."""
    saver = Autosaver(tmp_path, interval_s=3.0, clock=clock)
    assert saver.update(PIECES[:1], "this is", force=True)
    assert not saver.update(PIECES[:1], "this is dict")
    saver.flush()
    assert read_session(saver.path).partial == "this is dict"
    clock.now += 1.0
    assert not saver.update(PIECES, "")
    clock.now += 2.5
    assert saver.tick()
    saver.close()
    saved = read_session(saver.path)
    assert saved.text == "Hello there. This is dictation." and saved.pieces == PIECES
    assert [p.name for p in tmp_path.iterdir()] == [saver.path.name], "no temporary file may be left"


def test_next_run_recovers_the_newest_other_file_and_not_its_own(tmp_path: Path, clock: Clock):
    """A new run offers what an earlier run left; its own file is never offered back to itself."""
    earlier = Autosaver(tmp_path, clock=clock)
    earlier.update(PIECES, "", force=True)
    earlier.close()
    later = Autosaver(tmp_path, clock=clock)
    later.update(PIECES[:1], "", force=True)
    later.flush()
    saved = later.recoverable()
    assert saved is not None and saved.path == earlier.path and saved.word_count == 5
    later.forget(saved)
    assert later.recoverable() is None and later.path.exists()
    later.close()


def test_unreadable_or_empty_files_are_set_aside_not_offered(tmp_path: Path):
    """A truncated file is renamed *.unreadable; one with no text is deleted; neither is offered."""
    (tmp_path / "live-1.json").write_text('{"version": 1, "pieces": [[0, 1, "cut', encoding="utf-8")
    (tmp_path / "live-2.json").write_text(json.dumps({"version": 1, "saved_at": 1, "pieces": [], "partial": ""}))
    saver = Autosaver(tmp_path)
    assert saver.recoverable() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live-1.unreadable"]
    saver.close()


def test_discard_removes_this_runs_file(tmp_path: Path):
    """After the transcript was saved or cleared, its autosave is deleted (after any pending write)."""
    saver = Autosaver(tmp_path)
    saver.update(PIECES, "", force=True)
    saver.discard()
    saver.close()
    assert not saver.path.exists()


def test_write_failures_are_reported_not_raised(tmp_path: Path):
    """A folder that cannot be written (here: a file in the way) gives an error message, not an exception."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    saver = Autosaver(blocker / "autosave")
    saver.update(PIECES, "", force=True)
    saver.close()
    (message,) = saver.errors()
    assert message.startswith(f"autosave to {saver.path} failed")
