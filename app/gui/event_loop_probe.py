"""How responsive the window is: a precise 10 ms QTimer records how late each tick fires.

While model work runs on other threads, the GUI thread should stay free; lateness at p99
under 50 ms means clicks and repaints never wait noticeably.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer

PROBE_INTERVAL_MS = 10  # milliseconds between expected ticks


@dataclass(frozen=True)
class LatenessStats:
    """Event-loop lateness over a run, in milliseconds."""

    samples: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    def __str__(self) -> str:
        return (
            f"event-loop lateness over {self.samples} ticks: "
            f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms"
        )


def lateness_stats(lateness_ms: list[float]) -> LatenessStats:
    """Percentiles of tick lateness (zeros when nothing was measured)."""
    if not lateness_ms:
        return LatenessStats(0, 0.0, 0.0, 0.0)
    values = np.asarray(lateness_ms)
    return LatenessStats(
        len(values), float(np.percentile(values, 50)), float(np.percentile(values, 99)), float(values.max())
    )


class EventLoopProbe(QObject):
    """Start it, run work, stop it, read `stats()`."""

    def __init__(self, interval_ms: int = PROBE_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.lateness_ms: list[float] = []
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.lateness_ms = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> LatenessStats:
        self._timer.stop()
        return self.stats()

    def stats(self) -> LatenessStats:
        return lateness_stats(self.lateness_ms)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness_ms.append(max(0.0, (now - self._last) * 1000 - self.interval_ms))
        self._last = now
