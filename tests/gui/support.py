"""Test-side helpers for the window tests: drops, SRT checks, a scripted live session."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from inference.stream_events import Commit, Partial, Summary

_CUE_TIME = r"(\d{2}):(\d{2}):(\d{2}),(\d{3})"
_CUE = re.compile(rf"^(\d+)\n{_CUE_TIME} --> {_CUE_TIME}\n(.+)$", re.DOTALL)


def drop_files(target: QWidget, paths: Sequence[Path | str]) -> None:
    """Drag `paths` onto `target` and drop them, as a file manager would (enter, then drop)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(target.width() / 2, target.height() / 2)
    enter = QDragEnterEvent(  # Qt 6's drag events take a QPoint, its drop event a QPointF
        point.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the window refused the drag"
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    """Cues of a SubRip file; raises AssertionError unless numbering, times and text are valid."""
    assert text.endswith("\n\n"), "SRT must end with a blank line"
    cues = []
    for number, block in enumerate(text.strip("\n").split("\n\n"), 1):
        match = _CUE.match(block)
        assert match, f"malformed cue {number}: {block!r}"
        assert int(match.group(1)) == number, f"cue numbered {match.group(1)}, expected {number}"
        start, end = _seconds(*match.group(2, 3, 4, 5)), _seconds(*match.group(6, 7, 8, 9))
        assert 0 <= start <= end, f"cue {number} runs backwards: {start} -> {end}"
        assert not cues or start >= cues[-1][0], f"cue {number} starts before the previous one"
        assert match.group(10).strip(), f"cue {number} has no text"
        cues.append((start, end, match.group(10)))
    return cues


class ScriptedSession:
    """A LiveSession stand-in that emits given events, then waits for stop() (or ends by itself)."""

    def __init__(self, events: Sequence[object], on_event: Callable[[object], None], wait_for_stop: bool) -> None:
        self._events = events
        self._on_event = on_event
        self._wait = wait_for_stop
        self._stopped = threading.Event()
        self.metrics = type("Metrics", (), {"processing_s": 0.5, "audio_s": 5.0})()

    def run(self) -> Summary:
        for event in self._events:
            self._on_event(event)
        if self._wait:
            self._stopped.wait(30)
        text = " ".join(e.text for e in self._events if isinstance(e, Commit))
        return Summary(text, 0.4, 0.6, 0.1, 0, 5.0)

    def stop(self) -> None:
        self._stopped.set()


def commit(text: str, start: float, end: float) -> Commit:
    return Commit(text, start, end, time.time(), 0.4)


def partial(text: str, start: float, end: float) -> Partial:
    return Partial(text, start, end, time.time(), 0.3)


class StubSource:
    """An AudioSource that yields nothing (for scripted sessions, which never read it)."""

    sample_rate = 48000
    channels = 1
    name = "stub"
    realtime = True

    def blocks(self):
        return iter(())

    def close(self) -> None:
        pass


def fake_loaded():
    """A LoadedModel with no weights, for tests whose sessions never call the model."""
    from inference.loader import LoadedModel, ModelInfo

    return LoadedModel(model=None, info=ModelInfo("tiny.en", "/nowhere", "test", None, "cpu", "int8", False))
