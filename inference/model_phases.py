"""Where a model run's time goes (features, encoder, decoder, word alignment), per thread.

The live benchmark prints this per step so a latency change can be traced to its cause; the cost of
keeping it is two perf_counter calls per phase.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

PHASES = ("features", "encoder", "decoder", "alignment")


class PhaseClock:
    """Seconds spent in each phase on the calling thread, summed until `take()`."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _totals(self) -> dict[str, float]:
        totals = getattr(self._local, "totals", None)
        if totals is None:
            totals = self._local.totals = dict.fromkeys(PHASES, 0.0)
        return totals

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._totals()[phase] += time.perf_counter() - started

    def take(self) -> dict[str, float]:
        """The sums since the last take (and start again from zero)."""
        totals = self._totals()
        self._local.totals = dict.fromkeys(PHASES, 0.0)
        return totals


class TimedFeatures:
    """The model's feature extractor, timed; every other attribute is the extractor's own."""

    def __init__(self, inner, clock: PhaseClock) -> None:
        self.inner = inner
        self._clock = clock

    def __call__(self, *args, **kwargs):
        with self._clock.timing("features"):
            return self.inner(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)
