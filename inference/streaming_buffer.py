"""The growing 16 kHz buffer a streaming transcriber re-reads, and the clock that maps its audio
time back to the wall-clock time it was captured (for latency).

Appends are amortized (a preallocated array that doubles, never np.append per block) and
trimming only moves a start index, so a session of any length holds at most a few buffers of audio.
"""

from __future__ import annotations

import bisect

import numpy as np

from audio.constants import DTYPE, SAMPLE_RATE


class AudioBuffer:
    """Contract samples from `start_s` (session seconds) to `end_s`, trimmed from the front."""

    def __init__(self, capacity_s: float = 32.0) -> None:
        self._data = np.zeros(max(1, round(capacity_s * SAMPLE_RATE)), dtype=DTYPE)
        self._lo = 0  # index of the first kept sample
        self._hi = 0  # index after the last sample
        self._dropped = 0  # samples trimmed away since the session began

    @property
    def start_s(self) -> float:
        return self._dropped / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return (self._dropped + self._hi - self._lo) / SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return (self._hi - self._lo) / SAMPLE_RATE

    @property
    def samples(self) -> np.ndarray:
        """The kept samples (a view: copy before keeping it past the next append)."""
        return self._data[self._lo : self._hi]

    def append(self, samples: np.ndarray) -> None:
        n = samples.size
        if n == 0:
            return
        if self._hi + n > self._data.size:
            kept = self._hi - self._lo
            if kept + n > self._data.size // 2:  # grow so compaction stays rare
                grown = np.zeros(max(2 * self._data.size, 2 * (kept + n)), dtype=DTYPE)
                grown[:kept] = self._data[self._lo : self._hi]
                self._data = grown
            else:
                self._data[:kept] = self._data[self._lo : self._hi]
            self._lo, self._hi = 0, kept
        self._data[self._hi : self._hi + n] = samples
        self._hi += n

    def trim_to(self, time_s: float) -> float:
        """Drop audio before session time `time_s` (clamped to the buffer); returns the new start."""
        target = round(time_s * SAMPLE_RATE) - self._dropped
        cut = min(max(0, target), self._hi - self._lo)
        self._lo += cut
        self._dropped += cut
        return self.start_s


class CaptureClock:
    """Maps session audio time to the wall-clock time that audio was captured.

    Fed one (audio end, captured at) mark per inserted chunk; times between marks are
    interpolated at the audio rate. Marks before the buffer are pruned, so it stays small.
    """

    def __init__(self) -> None:
        self._ends: list[float] = []
        self._walls: list[float] = []

    def mark(self, audio_end_s: float, captured_at: float) -> None:
        self._ends.append(audio_end_s)
        self._walls.append(captured_at)

    def wall_time(self, audio_s: float) -> float | None:
        """When the sample at `audio_s` was captured (the latest mark for times beyond it)."""
        if not self._ends:
            return None
        i = bisect.bisect_left(self._ends, audio_s)
        if i == len(self._ends):
            return self._walls[-1]
        return self._walls[i] - (self._ends[i] - audio_s)

    def prune(self, before_s: float) -> None:
        """Forget marks that end before `before_s` (keeping the one that covers it)."""
        i = bisect.bisect_left(self._ends, before_s)
        if i > 1:
            del self._ends[: i - 1]
            del self._walls[: i - 1]
