"""The QThread task runner: each task is a QObject worker moved to its own QThread, whose
events and result come back to the GUI thread as queued signals (finished -> quit -> deleteLater).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, Qt, QThread, Signal, Slot

from app.services.tasks import DoneFn, Emit, ErrorFn, Work


class _Worker(QObject):
    """Runs one task on its thread and reports through signals."""

    progress = Signal(object)  # not `event`: that name would shadow QObject.event()
    done = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work: Work | None = work

    @Slot()
    def run(self) -> None:
        work, self._work = self._work, None  # hold nothing of the task once it ends
        if work is None:
            return  # run() is connected once; a second call has nothing to do
        try:
            result = work(lambda value: self.progress.emit(value))
        except Exception as exc:
            self.failed.emit(exc)
        else:
            self.done.emit(result)
        finally:
            del work
            self.finished.emit()


class _Relay(QObject):
    """Lives on the GUI thread, so the worker's signals reach the callbacks there (queued)."""

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_event: Callable[[object], None] | None,
    ) -> None:
        super().__init__()
        self._on_done, self._on_error, self._on_event = on_done, on_error, on_event
        self.on_ended: Callable[[], None] | None = None

    @Slot(object)
    def relay_event(self, value: object) -> None:
        if self._on_event is not None:
            self._on_event(value)

    @Slot(object)
    def relay_done(self, value: object) -> None:
        self._on_done(value)

    @Slot(object)
    def relay_failed(self, exc: object) -> None:
        self._on_error(exc)  # type: ignore[arg-type]

    @Slot()
    def relay_ended(self) -> None:
        if self.on_ended is not None:
            self.on_ended()


class QtTask:
    """Handle of one submitted task."""

    def __init__(self, thread: QThread, worker: _Worker, relay: _Relay) -> None:
        self._thread, self._relay = thread, relay
        self._worker: _Worker | None = worker
        self._running = True

    def is_running(self) -> bool:
        return self._running

    def wait(self, timeout_s: float) -> bool:
        """Block until the thread ended (its result is delivered by the next event-loop pass)."""
        if not self._running:
            return True
        return self._thread.wait(QDeadlineTimer(int(timeout_s * 1000)))

    def _ended(self) -> None:
        """On the GUI thread, after the thread finished: free the worker, let Qt delete the rest."""
        self._running = False
        self._thread.wait()  # returns at once: only the thread's own exit is left
        self._worker = None
        self._relay.on_ended = None
        self._relay.deleteLater()


class QtTaskRunner(QObject):
    """TaskRunner for the window: one QThread per task, results delivered on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[QtTask] = set()

    def submit(self, work: Work, on_done: DoneFn, on_error: ErrorFn, on_event: Emit | None = None) -> QtTask:
        # Lifecycle: finished -> quit -> deleteLater for the thread and the relay, both owned by Qt
        # (parented). The worker is owned by Python and freed in QtTask._ended once its thread has
        # stopped: a deleteLater of a Python-owned object races with Python's own delete.
        thread = QThread(self)
        worker = _Worker(work)
        relay = _Relay(on_done, on_error, on_event)
        relay.setParent(self)
        worker.moveToThread(thread)
        worker.progress.connect(relay.relay_event)
        worker.done.connect(relay.relay_done)
        worker.failed.connect(relay.relay_failed)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)  # never waits on the GUI loop
        task = QtTask(thread, worker, relay)
        relay.on_ended = lambda: self._forget(task)
        thread.finished.connect(relay.relay_ended)
        thread.finished.connect(thread.deleteLater)
        self._tasks.add(task)
        thread.start()
        return task

    def running(self) -> int:
        """Tasks not yet finished."""
        return len(self._tasks)

    def wait_all(self, timeout_s: float) -> bool:
        """Block until every task's thread ended, then deliver their last signals; False on timeout."""
        ok = all(task.wait(timeout_s) for task in list(self._tasks))
        QCoreApplication.sendPostedEvents()
        return ok

    def _forget(self, task: QtTask) -> None:
        task._ended()
        self._tasks.discard(task)
