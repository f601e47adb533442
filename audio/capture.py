"""Microphone capture with PortAudio (sounddevice) at the device's native rate and channels.

The PortAudio callback only copies the block into a bounded queue with its capture time;
conversion to 16 kHz happens later, on the session's thread, through the shared converter.
Lost audio is never hidden: PortAudio input overflows and blocks dropped because the queue
was full are counted and reported on the next block that gets through.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np

from audio.constants import MAX_INPUT_CHANNELS
from audio.convert import check_native_format, to_float32
from audio.devices import load_sounddevice
from audio.errors import AudioError, first_line
from audio.pulse_sources import pulse_source_env
from audio.sources import CapturedBlock

DEFAULT_BLOCK_S = 0.02  # seconds per PortAudio block when no size is given
QUEUE_S = 10.0  # seconds of audio the queue holds before blocks are dropped (and counted)
STALL_S = 5.0  # an open stream that delivers nothing for this long is reported as failed
MAX_CAPTURE_CHANNELS = 2  # virtual ALSA devices ('pulse', 'default') claim 32 input channels


class CaptureError(AudioError):
    """The input device cannot be opened, vanished, or stopped delivering audio."""


_END = object()  # queue marker: the stream finished (by close() or by the device)


def _device_label(device: int | str | None, info: dict[str, Any] | None) -> str:
    if info is not None:
        return f"'{info['name']}'"
    return "the default input device" if device is None else f"'{device}'"


class MicrophoneSource:
    """An input device as an AudioSource; the stream opens when `blocks()` starts.

    Records at the device's default sample rate and its channel count (at most two), never
    at 16 kHz. `sample_rate` overrides the rate PortAudio reports, for devices whose real
    native rate it cannot see (ALSA's 'pulse' device always reports 44.1 kHz, whatever the
    sound server runs at). `sd` lets tests pass a fake sounddevice module.
    A sound server's source is captured natively through that 'pulse' device with `pulse_source`
    (its name), `sample_rate`, `channels` and `dtype` set to the source's own spec
    (audio.microphones.open_microphone does this); integer blocks are scaled to float32 here.
    Raises CaptureError (or NoAudioBackendError) at construction when the device is unusable.
    """

    realtime = True

    def __init__(
        self,
        device: int | str | None = None,
        block_frames: int | None = None,
        sd: ModuleType | None = None,
        sample_rate: int | None = None,
        channels: int | None = None,
        dtype: str = "float32",
        pulse_source: str | None = None,
    ) -> None:
        self._sd = sd or load_sounddevice()
        self.device = device
        info = self._query(device)
        self.sample_rate = int(sample_rate or info["default_samplerate"])
        most = min(int(info["max_input_channels"]), MAX_CAPTURE_CHANNELS, MAX_INPUT_CHANNELS)
        self.channels = max(1, min(channels or most, most))
        self.dtype = dtype
        self.pulse_source = pulse_source
        self.name = pulse_source or str(info["name"])
        if sample_rate is not None or channels is not None:
            self._check_rate()
        self.block_frames = block_frames or max(1, round(self.sample_rate * DEFAULT_BLOCK_S))
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._max_queued = max(4, math.ceil(QUEUE_S * self.sample_rate / self.block_frames))
        # Counters with a single writer each, so neither thread needs a lock:
        self._put = 0  # blocks queued (callback)
        self._got = 0  # blocks taken (consumer)
        self._unreported = 0  # losses not yet attached to a queued block (callback)
        self._closed = threading.Event()
        self.overflows = 0  # total overflow events seen by the consumer

    def _query(self, device: int | str | None) -> dict[str, Any]:
        try:
            info = self._sd.query_devices(device, kind="input")
        except (ValueError, self._sd.PortAudioError) as exc:
            reason = first_line(exc)
            raise CaptureError(f"input device {_device_label(device, None)} is not available: {reason}") from None
        if int(info["max_input_channels"]) < 1:
            raise CaptureError(f"device {_device_label(device, info)} has no input channels")
        return info

    def _check_rate(self) -> None:
        try:
            check_native_format(self.sample_rate, self.channels)
            self._sd.check_input_settings(
                device=self.device, samplerate=self.sample_rate, channels=self.channels, dtype=self.dtype
            )
        except (ValueError, AudioError, self._sd.PortAudioError) as exc:
            reason = first_line(exc)
            raise CaptureError(f"input device '{self.name}' cannot record at {self.sample_rate} Hz: {reason}") from None

    # -- PortAudio thread -------------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """Copy the block and its capture time into the queue; nothing else (runs on PortAudio's thread).

        Losses travel with the next block that gets through: PortAudio's input-overflow flag
        (audio lost before this block) and blocks dropped because the queue was full.
        """
        now = time.time()
        lost = self._unreported + (1 if status.input_overflow else 0)
        if self._put - self._got >= self._max_queued:
            self._unreported = lost + 1
            return
        try:  # wall time of the last sample = now minus how long ago PortAudio says it was captured
            ago = time_info.currentTime - time_info.inputBufferAdcTime - frames / self.sample_rate
        except AttributeError:
            ago = 0.0
        captured_at = now - ago if 0.0 <= ago < 1.0 else now
        self._unreported = 0
        self._queue.put((indata.copy(), captured_at, lost))
        self._put += 1

    def _finished(self) -> None:
        self._queue.put(_END)

    # -- consumer thread --------------------------------------------------------------------

    def _open(self) -> Any:
        try:
            with pulse_source_env(self.pulse_source):  # the ALSA pulse plugin connects while the stream opens
                stream = self._sd.InputStream(
                    samplerate=self.sample_rate,
                    blocksize=self.block_frames,
                    device=self.device,
                    channels=self.channels,
                    dtype=self.dtype,
                    latency="high",
                    callback=self._callback,
                    finished_callback=self._finished,
                )
            stream.start()
        except (ValueError, self._sd.PortAudioError) as exc:
            reason = first_line(exc)
            raise CaptureError(f"cannot open input device '{self.name}': {reason}") from None
        return stream

    def blocks(self) -> Iterator[CapturedBlock]:
        """Open the stream and yield its blocks until `close()` or a device failure (CaptureError)."""
        if self._closed.is_set():
            return
        stream = self._open()
        try:
            while True:
                try:
                    item = self._queue.get(timeout=STALL_S)
                except queue.Empty:
                    raise CaptureError(
                        f"input device '{self.name}' delivered no audio for {STALL_S:.0f} s (disconnected or stalled)"
                    ) from None
                if item is _END:
                    if self._closed.is_set():
                        return
                    raise CaptureError(f"input device '{self.name}' stopped (disconnected or stream aborted)")
                self._got += 1
                data, captured_at, lost = item
                self.overflows += lost
                yield CapturedBlock(to_float32(data), captured_at, overflow=lost > 0, overflows=lost)
        finally:
            self._close_stream(stream)
            self.overflows += self._unreported  # losses after the last delivered block
            self._unreported = 0

    def _close_stream(self, stream: Any) -> None:
        self._closed.set()
        with contextlib.suppress(Exception):  # the device may already be gone; closing is best effort
            stream.close(ignore_errors=True)

    def close(self) -> None:
        """Stop capturing: `blocks()` ends after the blocks already queued."""
        if not self._closed.is_set():
            self._closed.set()
            self._queue.put(_END)
