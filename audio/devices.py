"""Input devices with their native rate and channel count: the sound server's sources where one runs
(PulseAudio or PipeWire, asked directly: audio.pulse_sources), else what PortAudio reports."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from audio.errors import AudioError
from audio.pulse_sources import PulseSource, SoundServer, read_sound_server


class NoAudioBackendError(AudioError):
    """PortAudio is missing or cannot start."""


@dataclass(frozen=True)
class InputDevice:
    """One capture device: we record it at `sample_rate` and `channels`, never at 16 kHz.

    For a sound server's source `source` is its name (what `device` opens), `index` only its place
    in the list, and `follows_default` marks the "System default (<source>)" entry, which opens
    whatever source is the default when capture starts.
    """

    index: int
    name: str
    host_api: str
    sample_rate: int
    channels: int
    is_default: bool
    source: str = ""
    sample_format: str = ""
    description: str = ""
    is_monitor: bool = False
    follows_default: bool = False

    @property
    def device(self) -> int | str | None:
        """What audio.microphones.open_microphone takes: a PortAudio index, a source name, None = default."""
        if self.follows_default:
            return None
        return self.source or self.index


def load_sounddevice() -> ModuleType:
    """Import sounddevice lazily; a missing PortAudio becomes a clear NoAudioBackendError."""
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio cannot be loaded
        raise NoAudioBackendError(
            f"PortAudio is not available ({exc}); on Debian/Ubuntu: apt-get install libportaudio2"
        ) from None
    return sounddevice


PULSE_DEVICE = "pulse"  # PortAudio's ALSA device that records the source named by PULSE_SOURCE


def default_entry_name(source: str) -> str:
    return f"System default ({source})"


def sound_server_devices(server: SoundServer) -> list[InputDevice]:
    """The server's sources, after a "System default (<source>)" entry when it has a default source."""
    found = []
    for source in server.sources:
        if source.is_default:
            found.append(_source_device(server, source, -1, default_entry_name(source.name), True))
    for index, source in enumerate(server.sources):
        found.append(_source_device(server, source, index, source.name, False))
    return found


def _source_device(server: SoundServer, source: PulseSource, index: int, name: str, follows: bool) -> InputDevice:
    return InputDevice(
        index=index,
        name=name,
        host_api=server.name,
        sample_rate=source.sample_rate,
        channels=source.channels,
        is_default=follows,
        source=source.name,
        sample_format=source.sample_format,
        description=source.description,
        is_monitor=source.is_monitor,
        follows_default=follows,
    )


def list_input_devices(sd: ModuleType | None = None) -> list[InputDevice]:
    """The sound server's sources when one runs and PortAudio can record them (its 'pulse' device),
    else every PortAudio device with at least one input channel."""
    portaudio = list_portaudio_devices(sd)
    if any(d.name == PULSE_DEVICE for d in portaudio):
        server = read_sound_server()
        if server is not None and server.sources:
            return sound_server_devices(server)
    return portaudio


def list_portaudio_devices(sd: ModuleType | None = None) -> list[InputDevice]:
    """All PortAudio devices with at least one input channel."""
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
