"""app/window/dictation_output.py with a real typing queue and a recording clipboard: the mode decides
where the words go, a failure to type is said once and the words land on the clipboard, never lost; on a
real X server (Xvfb), a second dictation into the same field goes on from the first with a space."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from app.desktop.focus import FocusLost
from app.desktop.type_queue import CONTINUE_WITHIN_S, TypingQueue
from app.desktop.typing import open_typer
from app.window.dictation_output import DictationOutput
from tests.xdisplay import x_env


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


class Clock:
    """time.monotonic for the typing queue, moved on by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _x_output(display: str, clock: Clock) -> DictationOutput:
    def make_queue(on_failed: Callable[[str, str], None]) -> TypingQueue:
        return TypingQueue(on_failed, lambda: open_typer(x_env(display)), clock=clock)

    return DictationOutput(lambda: "type", RecordingClipboard(), print, lambda fn: fn(), make_queue)


def _dictate(output: DictationOutput, commits: list[str]) -> None:
    output.begin()
    for commit in commits:
        output.commit(commit)
    output.end()
    _drain(output)


@pytest.mark.gui
def test_a_second_dictation_into_the_same_field_goes_on_from_the_first(xdisplay: str, target_factory) -> None:
    """Twice into one field: a space between the dictations and a capital after the sentence end (not
    "it ends.and then"); the first dictation of the session gets no leading space."""
    clock = Clock()
    output = _x_output(xdisplay, clock)
    target = target_factory()
    try:
        _dictate(output, ["it ends."])
        clock.now += 30
        _dictate(output, ["and then", "more"])
        clock.now += 5
        _dictate(output, [", or less"])  # punctuation first: no space before it
    finally:
        output.close()
    expected = "it ends. And then more, or less"
    assert target.wait_for(lambda text: text == expected) == expected


@pytest.mark.gui
def test_another_window_or_a_long_pause_starts_afresh(xdisplay: str, target_factory) -> None:
    """A dictation in another window, or one more than CONTINUE_WITHIN_S after the last words, starts as the
    model wrote it: no leading space, no case changed."""
    clock = Clock()
    output = _x_output(xdisplay, clock)
    first = target_factory("whisperdesk-first-target")
    try:
        _dictate(output, ["Dear Ann."])
        second = target_factory("whisperdesk-second-target")  # the user clicked into another window
        _dictate(output, ["thanks for the letter."])
        clock.now += CONTINUE_WITHIN_S + 1
        _dictate(output, ["see you"])
    finally:
        output.close()
    assert first.wait_for(lambda text: text == "Dear Ann.") == "Dear Ann."
    expected = "thanks for the letter.see you"  # a long pause: as if typed afresh
    assert second.wait_for(lambda text: text == expected) == expected


def test_insert_whose_window_cannot_be_focused_goes_to_the_clipboard_and_is_told() -> None:
    """History's Insert: when the focus cannot be given back (FocusLost) nothing is typed, the text is on
    the clipboard, the user is told why; a second failing insert is told again (the user asked each time);
    while a dictation runs, insert refuses."""
    clipboard, told, focused = RecordingClipboard(), [], []

    def lost() -> None:
        focused.append(True)
        raise FocusLost("the window you were writing in is gone")

    output = DictationOutput(lambda: "type", clipboard, told.append, lambda fn: fn(), _no_display_queue)
    assert output.insert("  a past   dictation ", lost)
    _drain(output)
    assert clipboard.text == "a past dictation" and focused == [True]
    assert len(told) == 1 and "is gone" in told[0]
    assert output.insert("another one", lost)
    _drain(output)
    assert clipboard.text == "another one" and len(told) == 2
    output.begin()
    assert not output.insert("mixed in", lost)
    output.close()
