"""app/window/dictation_output.py with a real typing queue and a recording clipboard: the mode decides
where the words go, a failure to type is said once and the words land on the clipboard, never lost."""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.desktop.type_queue import TypingQueue
from app.desktop.typing import open_typer
from app.window.dictation_output import DictationOutput


class RecordingClipboard:
    def __init__(self) -> None:
        self.text = "previous"
        self.restored = 0
        self.kept = 0

    def put(self, text: str) -> None:
        self.text = text

    def restore(self) -> None:
        self.restored += 1

    def keep(self) -> None:
        self.kept += 1


def _no_display_queue(on_failed: Callable[[str, str], None]) -> TypingQueue:
    return TypingQueue(on_failed, lambda: open_typer({"PATH": ""}))


def _drain(output: DictationOutput) -> None:
    queue = output._queue
    assert queue is not None
    done = threading.Event()
    queue.after(done.set)
    assert done.wait(5)


def test_type_mode_without_a_display_says_so_once_and_fills_the_clipboard() -> None:
    clipboard, told = RecordingClipboard(), []
    output = DictationOutput(lambda: "type", clipboard, told.append, lambda fn: fn(), _no_display_queue)
    output.begin()
    for commit in ["hello", "world.", "how are you"]:
        output.commit(commit)
    _drain(output)
    output.end()
    output.begin()
    output.commit("again")
    _drain(output)
    output.close()
    assert len(told) == 1 and "DISPLAY" in told[0]
    assert clipboard.text == "again"
    assert clipboard.kept >= 1


def test_window_mode_touches_nothing_and_paste_mode_puts_the_utterance() -> None:
    clipboard, told = RecordingClipboard(), []
    mode = ["window"]
    output = DictationOutput(lambda: mode[0], clipboard, told.append, lambda fn: fn(), _no_display_queue)
    output.begin()
    output.commit("only here")
    output.end()
    assert clipboard.text == "previous" and output._queue is None
    mode[0] = "paste"
    output.begin()
    output.commit("hello")
    output.commit("world.")
    output.end()
    _drain(output)
    output.close()
    assert clipboard.text == "hello world."  # left there: Ctrl+V could not be pressed
    assert clipboard.restored == 0 and len(told) == 1
