"""A stand-in for the sounddevice module: devices with given native formats and an input stream
that replays blocks through the callback, then keeps running, aborts, or stalls."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np


class PortAudioError(Exception):
    """Same role as sounddevice.PortAudioError."""


@dataclass
class Script:
    """What the fake stream does once started."""

    blocks: list[np.ndarray] = field(default_factory=list)
    overflow_at: set[int] = field(default_factory=set)  # block indexes flagged input_overflow
    then: str = "run"  # "run": wait for close(); "abort": finish on its own (device gone); "stall": deliver nothing
    synchronous: bool = False  # deliver `blocks` inside start(), before anyone reads, then `later` as usual
    later: list[np.ndarray] = field(default_factory=list)
    gate: threading.Event | None = None  # the stream thread waits for it before delivering


class FakeStream:
    def __init__(self, sd: FakeSoundDevice, kwargs: dict[str, Any]) -> None:
        self.sd = sd
        self.kwargs = kwargs
        self.closed = threading.Event()
        self._thread: threading.Thread | None = None

    def _deliver(self) -> None:
        script = self.sd.script
        callback, rate = self.kwargs["callback"], self.kwargs["samplerate"]
        clock = 100.0
        if script.gate is not None:
            script.gate.wait()
        for index, block in enumerate(script.blocks if script.then != "stall" else []):
            frames = len(block)
            clock += frames / rate
            info = SimpleNamespace(currentTime=clock + 0.01, inputBufferAdcTime=clock - frames / rate)
            callback(block, frames, info, SimpleNamespace(input_overflow=index in script.overflow_at))
        if script.then == "abort":
            self.kwargs["finished_callback"]()
            return
        self.closed.wait()
        self.kwargs["finished_callback"]()

    def start(self) -> None:
        if self.sd.fail_open:
            raise PortAudioError("Error opening InputStream: Device unavailable [PaErrorCode -9985]")
        if self.sd.script.synchronous:
            script = self.sd.script
            callback = self.kwargs["callback"]
            for index, block in enumerate(script.blocks):
                info = SimpleNamespace(currentTime=1.0, inputBufferAdcTime=1.0)
                callback(block, len(block), info, SimpleNamespace(input_overflow=index in script.overflow_at))
            self.sd.script = Script(blocks=script.later, then=script.then, gate=script.gate)
        self._thread = threading.Thread(target=self._deliver, daemon=True)
        self._thread.start()

    def close(self, ignore_errors: bool = True) -> None:
        self.closed.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5.0)


class FakeSoundDevice:
    """Module-like: query_devices, InputStream, PortAudioError."""

    PortAudioError = PortAudioError

    def __init__(self, devices: dict[str, dict[str, Any]], script: Script | None = None, default: str | None = None):
        self.devices = devices
        self.script = script or Script()
        self.default = default or next(iter(devices))
        self.opened: list[FakeStream] = []
        self.fail_open = False

    def query_devices(self, device: int | str | None = None, kind: str | None = None) -> dict[str, Any]:
        name = self.default if device is None else device
        if isinstance(name, int):
            names = list(self.devices)
            if not 0 <= name < len(names):
                raise PortAudioError(f"Error querying device {name}")
            name = names[name]
        if name not in self.devices:
            raise ValueError(f"No input device matching {name!r}")
        return {"name": name, **self.devices[name]}

    def check_input_settings(self, device=None, samplerate=None, channels=None, **kwargs: Any) -> None:
        info = self.query_devices(device)
        if samplerate not in info.get("rates", (info["default_samplerate"],)):
            raise PortAudioError("Invalid sample rate [PaErrorCode -9997]")

    def InputStream(self, **kwargs: Any) -> FakeStream:
        stream = FakeStream(self, kwargs)
        self.opened.append(stream)
        return stream


def device(rate: int, channels: int, rates: tuple[int, ...] = ()) -> dict[str, Any]:
    return {"default_samplerate": float(rate), "max_input_channels": channels, "rates": rates or (rate,)}
