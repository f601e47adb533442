"""Input devices as PortAudio reports them, with their native rate and channel count."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from audio.errors import AudioError


class NoAudioBackendError(AudioError):
    """PortAudio is missing or cannot start."""


@dataclass(frozen=True)
class InputDevice:
    """One capture device: we record it at `sample_rate` and `channels`, never at 16 kHz."""

    index: int
    name: str
    host_api: str
    sample_rate: int
    channels: int
    is_default: bool


def load_sounddevice() -> ModuleType:
    """Import sounddevice lazily; a missing PortAudio becomes a clear NoAudioBackendError."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise NoAudioBackendError(
            f"PortAudio is not available ({exc}); on Debian/Ubuntu: apt-get install libportaudio2"
        ) from None
    return sounddevice


def list_input_devices(sd: ModuleType | None = None) -> list[InputDevice]:
    """All devices with at least one input channel."""
    sd = sd or load_sounddevice()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default_in = sd.default.device[0]
    except Exception as exc:
        raise NoAudioBackendError(f"cannot query audio devices: {exc}") from None
    found = []
    for index, dev in enumerate(devices):
        if dev["max_input_channels"] < 1:
            continue
        found.append(
            InputDevice(
                index=index,
                name=dev["name"],
                host_api=apis[dev["hostapi"]]["name"],
                sample_rate=int(dev["default_samplerate"]),
                channels=int(dev["max_input_channels"]),
                is_default=index == default_in,
            )
        )
    return found
