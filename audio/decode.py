"""File decoding with PyAV at the file's native rate and layout, fed block by block to
the shared StreamConverter (never FFmpeg's or faster-whisper's resampler).

Only the 16 kHz mono output is kept whole (filled in place, see ContractBuffer); native-rate
audio lives one block at a time, so a one-hour 48 kHz stereo file never sits in memory decoded.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import av
import numpy as np

from audio.constants import DTYPE, SAMPLE_RATE, seconds_to_samples
from audio.contract import PcmAudio
from audio.convert import StreamConverter, check_native_format, to_float32
from audio.errors import DecodeError, first_line
from audio.levels import clipped_badly, level_problem
from audio.truncation import missing_s, truncation_problem

ProgressFn = Callable[[float], None]  # called with the fraction done, 0..1: the one progress callback type


@dataclass(frozen=True)
class NativeFormat:
    """What the file really holds, before conversion."""

    sample_rate: int
    channels: int
    codec: str
    sample_format: str
    duration_s: float | None
    container: str
    # What decoding found (None / 0 when only probed):
    peak: float | None = None  # largest |sample|; over 1.0 was clipped
    clipped_fraction: float = 0.0  # share of the samples beyond ±1.0
    decoded_s: float | None = None  # the audio the file really holds
    missing_s: float | None = None  # audio its header declares beyond its end (audio/truncation.py)

    @property
    def problems(self) -> list[str]:
        """One line for each way the decoded audio is not what the file should hold: clipped (audio/levels.py),
        cut short (audio/truncation.py)."""
        found = [level_problem(self.peak, self.clipped_fraction)]
        if self.decoded_s is not None:
            found.append(truncation_problem(self.missing_s, self.decoded_s))
        return [line for line in found if line]

    @property
    def unreliable(self) -> bool:
        """A transcript of this audio is not the file's: it was cut short, or clipped out of shape."""
        return self.missing_s is not None or clipped_badly(self.peak, self.clipped_fraction)


def _check_path(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DecodeError("no such file") from None
    except PermissionError:
        raise DecodeError("permission denied (cannot reach the file)") from None
    except OSError as exc:
        raise DecodeError(f"cannot read file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise DecodeError("is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise DecodeError("is not a regular file (device, pipe or socket)")
    if not os.access(path, os.R_OK):
        raise DecodeError("permission denied")
    if info.st_size == 0:
        raise DecodeError("empty file (0 bytes)")


def _open(path: Path) -> tuple[av.container.InputContainer, av.audio.stream.AudioStream]:
    _check_path(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise DecodeError(f"not a readable audio/video file ({_ffmpeg_reason(exc)})") from None
    if not container.streams.audio:
        container.close()
        raise DecodeError("has no audio stream")
    stream = container.streams.audio[0]
    if stream.codec_context is None:  # FFmpeg found a stream but has no decoder for it (an unknown WAV format tag)
        container.close()
        raise DecodeError("its audio is in a format FFmpeg cannot decode (unknown codec)")
    return container, stream


def _ffmpeg_reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or first_line(exc)


def _format_of(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> NativeFormat:
    duration = None
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / av.time_base
    ctx = stream.codec_context
    return NativeFormat(
        sample_rate=int(ctx.sample_rate or 0),
        channels=int(ctx.channels or 0),
        codec=ctx.name,
        sample_format=ctx.format.name if ctx.format else "unknown",
        duration_s=duration,
        container=container.format.name,
    )


def probe(path: str | os.PathLike[str]) -> NativeFormat:
    """Read the native format of a file's first audio stream without decoding it."""
    container, stream = _open(Path(path))
    with container:
        return _format_of(container, stream)


def frame_to_block(frame: av.AudioFrame) -> np.ndarray:
    """A decoded frame as (frames, channels) float32, with our own integer scaling."""
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    block = data.T if frame.format.is_planar else data.reshape(-1, channels)
    return to_float32(block)


def iter_native_blocks(path: str | os.PathLike[str]) -> Iterator[tuple[NativeFormat, np.ndarray]]:
    """Yield (format, block) for each decoded frame at the file's native rate and layout."""
    container, stream = _open(Path(path))
    with container:
        fmt = _format_of(container, stream)
        check_native_format(fmt.sample_rate, fmt.channels)
        try:
            for frame in container.decode(stream):
                if frame.sample_rate != fmt.sample_rate or len(frame.layout.channels) != fmt.channels:
                    raise DecodeError("sample rate or channel layout changes mid-stream")
                yield fmt, frame_to_block(frame)
        except av.error.FFmpegError as exc:
            raise DecodeError(f"corrupt or truncated audio ({_ffmpeg_reason(exc)})") from None


class ContractBuffer:
    """The 16 kHz result, filled in place: sized from the file's duration so it is held once, not
    as a list of blocks plus a joined copy. A wrong duration only costs a regrowth."""

    DEFAULT_S = 60.0  # capacity when the container does not say how long it is
    MAX_INITIAL_S = 2 * 3600.0  # a bogus header cannot reserve more than this up front
    GROWTH = 1.5

    def __init__(self, expected_s: float | None) -> None:
        seconds = min(expected_s or self.DEFAULT_S, self.MAX_INITIAL_S) + 1.0  # 1 s for rounding and codec padding
        self._data = np.empty(seconds_to_samples(seconds), dtype=DTYPE)
        self.size = 0

    def append(self, samples: np.ndarray) -> None:
        end = self.size + samples.size
        if end > self._data.size:
            grown = np.empty(max(end, int(self._data.size * self.GROWTH)), dtype=DTYPE)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = samples
        self.size = end

    def samples(self) -> np.ndarray:
        """The filled part; copied only when most of the reservation went unused."""
        filled = self._data[: self.size]
        return filled.copy() if self.size < self._data.size // 2 else filled


def iter_contract_blocks(
    path: str | os.PathLike[str], progress: ProgressFn | None = None
) -> Iterator[tuple[NativeFormat, np.ndarray]]:
    """Decode a file block by block into 16 kHz mono contract samples through the shared converter:
    (native format, converted samples) per decoded frame, the resampler's tail last, with the format
    then carrying what decoding found (peak, clipped share, length held and missing)."""
    converter: StreamConverter | None = None
    fmt: NativeFormat | None = None
    for fmt, block in iter_native_blocks(path):
        if converter is None:
            converter = StreamConverter(fmt.sample_rate, fmt.channels)
        yield fmt, converter.process(block)
        if progress and fmt.duration_s:
            progress(min(1.0, converter.frames_in / fmt.sample_rate / fmt.duration_s))
    if converter is None or fmt is None or converter.frames_in == 0:
        raise DecodeError("contains no audio samples (zero-length audio)")
    tail = converter.flush()
    decoded_s = converter.frames_in / fmt.sample_rate
    missing = missing_s(Path(path), fmt.container, fmt.sample_rate, fmt.duration_s, decoded_s)
    clipped = converter.clipped_fraction
    yield replace(fmt, peak=converter.peak, clipped_fraction=clipped, decoded_s=decoded_s, missing_s=missing), tail


def decode_to_contract(
    path: str | os.PathLike[str], progress: ProgressFn | None = None
) -> tuple[PcmAudio, NativeFormat]:
    """Decode a whole file to 16 kHz mono contract audio through the shared converter."""
    buffer: ContractBuffer | None = None
    for fmt, samples in iter_contract_blocks(path, progress):
        if buffer is None:
            buffer = ContractBuffer(fmt.duration_s)
        buffer.append(samples)
    assert buffer is not None  # iter_contract_blocks raises on a file without samples
    return PcmAudio(buffer.samples(), SAMPLE_RATE, 1), fmt
