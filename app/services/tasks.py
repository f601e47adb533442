"""How controllers run slow work off the GUI thread without knowing about Qt.

A runner calls `work(emit)` somewhere else; `emit(event)` and the final result or error come
back through the callbacks on the caller's thread. The window uses the QThread runner in
app/gui/qt_runner.py; Qt-free tests use `InlineRunner`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

Emit = Callable[[object], None]  # the work reports an event (progress, a partial result)
Work = Callable[[Emit], Any]
DoneFn = Callable[[Any], None]  # gets the work's result
ErrorFn = Callable[[BaseException], None]  # gets what the work raised


class TaskHandle(Protocol):
    """A submitted task."""

    def is_running(self) -> bool: ...

    def wait(self, timeout_s: float) -> bool:
        """Block until the task ended; False if it is still running after `timeout_s`."""
        ...


class TaskRunner(Protocol):
    """Runs work in the background and reports back on the caller's thread."""

    def submit(self, work: Work, on_done: DoneFn, on_error: ErrorFn, on_event: Emit | None = None) -> TaskHandle: ...


class _Finished:
    def is_running(self) -> bool:
        return False

    def wait(self, timeout_s: float) -> bool:
        return True


class InlineRunner:
    """Runs the work at once on the calling thread: for tests and scripts without an event loop."""

    def submit(self, work: Work, on_done: DoneFn, on_error: ErrorFn, on_event: Emit | None = None) -> TaskHandle:
        try:
            result = work(on_event or (lambda event: None))
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)
        return _Finished()
