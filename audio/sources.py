"""Where live audio comes from: the block type every source yields, the source protocol, and
the one step that turns native blocks into contract audio for a live session.

A microphone (audio.capture.MicrophoneSource) and a replayed file (audio.file_source.FileSource)
both yield `CapturedBlock`s at their native rate and channel count; everything after the source
(conversion, transcription, the window) is shared, so simulated and real capture differ only here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from audio.constants import SAMPLE_RATE
from audio.convert import StreamConverter
from audio.levels import clipped_badly, level_problem

SILENCE_DBFS = -120.0  # level reported for digital silence (log of zero)


@dataclass(frozen=True)
class CapturedBlock:
    """One block of native audio as captured.

    `data` is float32 of shape (frames, channels); `captured_at` is the wall-clock time
    (time.time()) of the block's last sample; `overflow` is True when audio was lost just
    before this block (device overrun or a full queue), and `overflows` counts those losses.
    """

    data: np.ndarray
    captured_at: float
    overflow: bool = False
    overflows: int = 0

    @property
    def frames(self) -> int:
        return int(self.data.shape[0])

    @property
    def lost(self) -> int:
        """Overflow events reported with this block (at least 1 when `overflow` is set)."""
        return max(self.overflows, int(self.overflow))


@runtime_checkable
class AudioSource(Protocol):
    """Anything that yields native-rate blocks until it ends or is closed.

    Optional attribute: `realtime` (bool, default True when absent). A source with
    `realtime = False` delivers audio faster than real time (a file replayed as fast as the
    consumer takes it), so a session steps through it at a fixed pace instead of catching up.
    """

    sample_rate: int
    channels: int
    name: str

    def blocks(self) -> Iterator[CapturedBlock]:
        """Yield blocks in capture order; ends when the source ends or `close()` is called.

        Device failures are raised from here as audio.errors.AudioError subclasses.
        """
        ...

    def close(self) -> None:
        """Make `blocks()` end soon; safe to call from any thread, more than once."""
        ...


def is_realtime(source: AudioSource) -> bool:
    """True unless the source says it runs faster than real time."""
    return bool(getattr(source, "realtime", True))


def level_dbfs(data: np.ndarray) -> tuple[float, float]:
    """(RMS, peak) of a block in dBFS, over all channels; silence gives SILENCE_DBFS."""
    if data.size == 0:
        return SILENCE_DBFS, SILENCE_DBFS
    flat = data.reshape(-1)
    peak = float(np.max(np.abs(flat)))
    rms = math.sqrt(float(np.dot(flat, flat)) / flat.size)

    def to_db(value: float) -> float:
        return max(SILENCE_DBFS, 20.0 * math.log10(value)) if value > 0 else SILENCE_DBFS

    return to_db(rms), to_db(peak)


@dataclass(frozen=True)
class ContractChunk:
    """16 kHz mono samples converted from native blocks, stamped with capture time.

    `captured_at` is the wall-clock time at which the chunk's last sample was captured (the
    resampler's small lag is accounted for); `audio_end` is its end in seconds of session audio.
    """

    samples: np.ndarray
    captured_at: float
    audio_end: float


class ContractStream:
    """Native blocks of one source -> contract chunks, through ONE StreamConverter per session.

    The same StreamConverter the file path uses, so a file replayed block by block gives the
    same 16 kHz samples, bit for bit, as decoding it (tests/audio/test_sources_contract.py).
    """

    def __init__(self, sample_rate: int, channels: int) -> None:
        self._converter = StreamConverter(sample_rate, channels)
        self._sample_rate = sample_rate
        self._last_captured_at = 0.0

    @property
    def frames_in(self) -> int:
        return self._converter.frames_in

    @property
    def samples_out(self) -> int:
        return self._converter.samples_out

    @property
    def level_problem(self) -> str | None:
        """One line when the source's samples went beyond full scale and were clipped (audio/levels.py)."""
        return level_problem(self._converter.peak, self._converter.clipped_fraction)

    @property
    def clipped_badly(self) -> bool:
        return clipped_badly(self._converter.peak, self._converter.clipped_fraction)

    def _stamp(self, samples: np.ndarray) -> ContractChunk:
        lag = self._converter.frames_in / self._sample_rate - self._converter.samples_out / SAMPLE_RATE
        return ContractChunk(samples, self._last_captured_at - max(0.0, lag), self._converter.samples_out / SAMPLE_RATE)

    def feed(self, block: CapturedBlock) -> ContractChunk:
        """Convert one native block (samples may be empty while the resampler fills)."""
        self._last_captured_at = block.captured_at
        return self._stamp(self._converter.process(block.data))

    def flush(self) -> ContractChunk:
        """The resampler's tail at the end of the source."""
        samples = self._converter.flush()
        return ContractChunk(samples, self._last_captured_at, self._converter.samples_out / SAMPLE_RATE)
