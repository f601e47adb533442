"""Open a microphone by what the user named: a PortAudio index, a sound server source, or the default.

Where a sound server runs (PulseAudio, or PipeWire's pulse server), a source is recorded through
PortAudio's ALSA 'pulse' device with PULSE_SOURCE naming it and the stream opened at the source's
own rate, channel count and sample format, so the server passes the samples through unresampled
(`pactl list source-outputs` shows "Resample method: n/a"); the default source is looked up when
capture starts, so a changed system default is followed. Without a server it is PortAudio as before.
"""

from __future__ import annotations

from types import ModuleType

from audio.capture import MAX_CAPTURE_CHANNELS, CaptureError, MicrophoneSource
from audio.devices import PULSE_DEVICE, list_portaudio_devices, load_sounddevice
from audio.pulse_sources import PulseSource, read_sound_server


def open_source(source: PulseSource, sd: ModuleType | None = None) -> MicrophoneSource:
    """Record one sound server source at its native spec (at most two channels: more are downmixed
    by the server, without resampling)."""
    return MicrophoneSource(
        PULSE_DEVICE,
        sd=sd,
        sample_rate=source.sample_rate,
        channels=min(source.channels, MAX_CAPTURE_CHANNELS),
        dtype=source.capture_dtype,
        pulse_source=source.name,
    )


def open_microphone(device: int | str | None = None, sd: ModuleType | None = None) -> MicrophoneSource:
    """`device`: a PortAudio index, a source or PortAudio device name, or None for the system default.

    Raises CaptureError (or NoAudioBackendError) with one line when nothing by that name can record.
    """
    sd = sd or load_sounddevice()
    if isinstance(device, int):
        return MicrophoneSource(device, sd=sd)
    server = None
    if any(d.name == PULSE_DEVICE for d in list_portaudio_devices(sd)):
        server = read_sound_server()
    if server is not None and server.sources:
        wanted = device or server.default_source
        match = next((s for s in server.sources if s.name == wanted), None)
        if match is not None:
            return open_source(match, sd=sd)
        if device is not None:
            try:
                return MicrophoneSource(device, sd=sd)  # a PortAudio name ('pulse', 'default', ...)
            except CaptureError:
                names = ", ".join(s.name for s in server.sources)
                raise CaptureError(f"no input named '{device}'; the sound server's sources: {names}") from None
    return MicrophoneSource(device, sd=sd)
