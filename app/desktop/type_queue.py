"""A worker thread that types queued text (and presses Ctrl+V) so the GUI never waits on the keyboard:
it waits while the user holds a modifier, types in order, and reports what it could not type.

It also decides whether a new dictation goes on from the last one. Its first piece comes in two forms,
joined onto the last dictation (" Next words" after "...end.") and on its own ("next words"); the joined
one is typed when our last typing or paste went into the window that has the focus now, less than
CONTINUE_WITHIN_S ago, and nothing has failed since: presumably the same field, the cursor where we
left it. Otherwise (the first dictation of the session, another window, a long pause) it is typed on
its own. Where the typer cannot tell the focused window (wtype, ydotool, xdotool) only the time counts.
What the user typed or clicked inside that window meanwhile cannot be seen.

A text or paste may come with a `focus` step, run on the worker just before it: re-inserting a past
dictation first gives the focus back to the window the user came from (app/desktop/focus.py). When
that fails (FocusLost) the text goes to the fallback like any untyped text, but typing stays possible.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.desktop.focus import FocusLost
from app.desktop.typing import Typer, TypingUnavailable, open_typer

# (text that was not typed, why) — called on the worker thread
Failed = Callable[[str, str], None]
Done = Callable[[bool, str], None]  # paste finished: (pressed, why not) — called on the worker thread
CONTINUE_WITHIN_S = 120.0  # seconds after our last typing within which a new dictation in that window goes on from it
Focus = Callable[[], object]  # gives the target window the focus (raises FocusLost) — called on the worker thread


@dataclass(frozen=True)
class _Type:
    text: str
    alone: str | None = None  # a dictation's first piece as typed when it does not follow our last typing
    focus: Focus | None = None


@dataclass(frozen=True)
class _Paste:
    done: Done
    focus: Focus | None = None


@dataclass(frozen=True)
class _Call:
    fn: Callable[[], None]


class TypingQueue:
    """Types in order on its own thread; `type`, `paste` and `after` return at once."""

    def __init__(
        self,
        on_failed: Failed,
        open_typer: Callable[[], Typer] = open_typer,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_failed = on_failed
        self._open = open_typer
        self._clock = clock
        self._typer: Typer | None = None
        self._problem = ""  # set once typing turned out impossible: later texts fail at once
        self._last: tuple[int | None, float] | None = None  # (focused window, when) of our last typing or paste
        self._queue: queue.Queue[_Type | _Paste | _Call | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="whisperdesk-typing", daemon=True)
        self._thread.start()

    def type(self, text: str, alone: str | None = None, focus: Focus | None = None) -> None:
        """Type `text`; for a dictation's first piece `alone` is what to type instead when it does not go on
        from our last typing; `focus` runs first (see the module's docstring)."""
        if text:
            self._queue.put(_Type(text, alone, focus))

    def paste(self, done: Done, focus: Focus | None = None) -> None:
        """Press Ctrl+V once the modifiers are up (the clipboard must hold the text already); `focus` runs first."""
        self._queue.put(_Paste(done, focus))

    def after(self, fn: Callable[[], None]) -> None:
        """Call `fn` on the worker once everything queued before it is typed (tests, measurements)."""
        self._queue.put(_Call(fn))

    def retry(self) -> None:
        """Try typing again from the next text on (a new dictation: the display may be back)."""
        self._queue.put(_Call(self._forget_problem))

    def _forget_problem(self) -> None:
        self._problem = ""

    def pending(self) -> int:
        return self._queue.qsize()

    def close(self, timeout_s: float = 2.0) -> None:
        """Type what is queued (waiting at most `timeout_s`), then end the thread."""
        self._queue.put(None)
        self._thread.join(timeout_s)
        self._stop.set()  # a held modifier no longer delays the end
        self._thread.join(timeout_s)

    # the worker ----------------------------------------------------------------------------

    def _typer_or_problem(self) -> Typer | None:
        if self._typer is None and not self._problem:
            try:
                self._typer = self._open()
            except TypingUnavailable as exc:
                self._problem = str(exc)
        return self._typer

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                break
            if isinstance(item, _Call):
                item.fn()
                continue
            if item.focus is not None and not self._focused(item):
                continue
            typer = self._typer_or_problem()
            try:
                if typer is None:
                    raise TypingUnavailable(self._problem)
                typer.wait_for_modifiers_released(self._stop)
                focus = typer.focused_window()
                if isinstance(item, _Type):
                    typer.type_text(item.text if item.alone is None or self._goes_on(focus) else item.alone, self._stop)
                else:
                    typer.press_paste()
                self._last = (focus, self._clock())
                if isinstance(item, _Paste):
                    item.done(True, "")
            except Exception as exc:  # an X error or a closed display: the words go to the fallback
                self._problem = self._problem or str(exc) or type(exc).__name__
                self._last = None  # where those words went, if anywhere, is unknown
                self._drop_typer()
                if isinstance(item, _Type):
                    self._on_failed(item.text if item.alone is None else item.alone, self._problem)
                else:
                    item.done(False, self._problem)
        self._drop_typer()

    def _focused(self, item: _Type | _Paste) -> bool:
        """Run the item's focus step; False (the item failed, typing stays possible) when it could not."""
        assert item.focus is not None
        try:
            item.focus()
        except FocusLost as exc:
            self._last = None
            if isinstance(item, _Type):
                self._on_failed(item.text if item.alone is None else item.alone, str(exc))
            else:
                item.done(False, str(exc))
            return False
        return True

    def _goes_on(self, focus: int | None) -> bool:
        """Our last typing went into the window focused now, recently enough (see the module's docstring)."""
        if self._last is None:
            return False
        window, when = self._last
        return window == focus and self._clock() - when <= CONTINUE_WITHIN_S

    def _drop_typer(self) -> None:
        typer, self._typer = self._typer, None
        if typer is not None:
            with contextlib.suppress(Exception):  # closing a display that already went away
                typer.close()
