"""A file replayed as if it were a microphone: the simulation behind `live --simulate`,
the tests and the live benchmark.

It decodes with audio.decode.iter_native_blocks (the file path's own decoder) and never
converts: blocks keep the file's native rate and channels, cut to device-like sizes, and are
either paced in real time or handed over as fast as the consumer takes them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from audio.decode import iter_native_blocks, probe
from audio.errors import DecodeError
from audio.sources import CapturedBlock

DEFAULT_BLOCK_S = 0.02  # seconds per block when no size is given: a typical device period


def rechunk(blocks: Iterator[np.ndarray], block_frames: int) -> Iterator[np.ndarray]:
    """Re-cut (frames, channels) blocks of any sizes into blocks of exactly `block_frames`
    (the last one may be shorter), without copying more than once per output block."""
    pending: list[np.ndarray] = []
    have = 0
    for block in blocks:
        start = 0
        while start < block.shape[0]:
            take = min(block_frames - have, block.shape[0] - start)
            pending.append(block[start : start + take])
            have += take
            start += take
            if have == block_frames:
                yield pending[0].copy() if len(pending) == 1 else np.concatenate(pending)
                pending, have = [], 0
    if have:
        yield np.concatenate(pending) if len(pending) > 1 else pending[0].copy()


class FileSource:
    """Replays `path` at its native rate and channels in blocks of `block_frames` frames.

    `realtime=True` paces blocks by the audio clock (block k is handed over when its last
    sample would have been captured, and stamped with that time, so latency is measured as
    for a microphone even when the consumer is late); `realtime=False` hands them over as fast
    as they are taken. Raises DecodeError at construction for a file that cannot be read.
    """

    def __init__(self, path: str | os.PathLike[str], block_frames: int | None = None, realtime: bool = True) -> None:
        self.path = Path(path)
        try:
            fmt = probe(self.path)
        except DecodeError as exc:
            raise DecodeError(f"{self.path}: {exc}") from None
        if fmt.sample_rate <= 0 or fmt.channels <= 0:
            raise DecodeError(f"{self.path}: no sample rate or channel count in the audio stream")
        self.sample_rate = fmt.sample_rate
        self.channels = fmt.channels
        self.name = f"file {self.path.name}"
        self.realtime = realtime
        if block_frames is not None and block_frames < 1:
            raise ValueError(f"block_frames must be at least 1, not {block_frames}")
        self.block_frames = block_frames or max(1, round(self.sample_rate * DEFAULT_BLOCK_S))
        self._closed = threading.Event()

    def close(self) -> None:
        """End `blocks()` at the next block; wakes a paced wait at once."""
        self._closed.set()

    def _decoded(self) -> Iterator[np.ndarray]:
        try:
            for _fmt, block in iter_native_blocks(self.path):
                yield block
        except DecodeError as exc:
            raise DecodeError(f"{self.path}: {exc}") from None

    def blocks(self) -> Iterator[CapturedBlock]:
        """Yield the file's blocks; paced by the audio clock when `realtime`."""
        started = time.time()
        frames = 0
        for data in rechunk(self._decoded(), self.block_frames):
            frames += data.shape[0]
            if self.realtime:
                due = started + frames / self.sample_rate
                delay = due - time.time()
                if delay > 0 and self._closed.wait(delay):
                    return
                captured_at = due
            else:
                captured_at = time.time()
            if self._closed.is_set():
                return
            yield CapturedBlock(data, captured_at)
        if not frames:  # a microphone that never gave a sample is an error, so is a file without one
            raise DecodeError(f"{self.path}: contains no audio samples (zero-length audio)")
