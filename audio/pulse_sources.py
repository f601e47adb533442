"""The sound server's sources (PulseAudio, or PipeWire's pulse server) with their native sample specs.

PortAudio sees only ALSA's 'pulse'/'default' devices on such desktops, reported as 44.1 kHz and
32 channels whatever the microphone is, and the server then resamples to 44.1 kHz for us. Asking
the server itself (its native protocol, through pulsectl) gives every source by name with its real
rate, channel count and sample format, so capture can ask for exactly that and the server has
nothing to convert.

Real inputs are listed first, monitors (what a sink plays: handy to transcribe a video call or
a video the desktop plays) after them, marked `is_monitor`. No sound server, no libpulse or no
pulsectl all mean the same: `read_sound_server()` returns None and callers keep PortAudio's list.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

CONNECT_TIMEOUT_S = 1.0  # a sound server answers in milliseconds; a missing one fails at once

# pa_sample_format_t values, named as `pactl` prints them.
SAMPLE_FORMATS = {
    0: "u8",
    1: "aLaw",
    2: "uLaw",
    3: "s16le",
    4: "s16be",
    5: "float32le",
    6: "float32be",
    7: "s32le",
    8: "s32be",
    9: "s24le",
    10: "s24be",
    11: "s24-32le",
    12: "s24-32be",
}
_NATIVE = "le" if sys.byteorder == "little" else "be"
# Sample formats PortAudio can hand us unchanged (numpy dtype of the callback's block); any other
# format is captured as float32, which the server converts without resampling.
_CAPTURE_DTYPES = {f"s16{_NATIVE}": "int16", f"s32{_NATIVE}": "int32", f"float32{_NATIVE}": "float32"}


@dataclass(frozen=True)
class PulseSource:
    """One source as the server runs it: capture it at exactly this rate, channel count and format."""

    name: str
    description: str
    sample_rate: int
    channels: int
    sample_format: str
    is_monitor: bool
    is_default: bool

    @property
    def capture_dtype(self) -> str:
        """The sounddevice dtype that asks the server for this source's own sample format."""
        return _CAPTURE_DTYPES.get(self.sample_format, "float32")


@dataclass(frozen=True)
class SoundServer:
    """What the server said: its name ('pulseaudio', 'PulseAudio (on PipeWire 1.0.5)'), the
    default source's name ('' when it has none) and the sources, real inputs first."""

    name: str
    default_source: str
    sources: list[PulseSource]


def _pulsectl() -> Any:
    """pulsectl with its libpulse, or None where either is missing."""
    try:
        import pulsectl
    except (ImportError, OSError):  # pulsectl loads libpulse.so.0 when imported
        return None
    return pulsectl


def _source_lister(pulsectl: Any) -> Any:
    """A Pulse client whose source list keeps each sample spec.

    pulsectl 24.12's PulseSourceInfo.sample_spec points into libpulse's callback buffer, which the
    next source overwrites (every source then reports the last one's rate); this copies it while
    the callback runs.
    """
    from pulsectl import _pulsectl as c

    class _SourceInfo(pulsectl.PulseSourceInfo):
        def _init_from_struct(self, struct: Any) -> None:
            spec = struct.sample_spec
            self.spec = (int(spec.format), int(spec.rate), int(spec.channels))

    class _Pulse(pulsectl.Pulse):
        source_list = pulsectl.Pulse._pulse_get_list(
            c.PA_SOURCE_INFO_CB_T, c.pa.context_get_source_info_list, _SourceInfo
        )

    return _Pulse


def read_sound_server(timeout_s: float = CONNECT_TIMEOUT_S) -> SoundServer | None:
    """The running sound server's sources, or None when none answers (PULSE_SERVER is honoured)."""
    pulsectl = _pulsectl()
    if pulsectl is None:
        return None
    client = _source_lister(pulsectl)("whisperdesk-devices", connect=False)
    try:
        client.connect(autospawn=False, timeout=timeout_s)
        info = client.server_info()
        listed = client.source_list()
    except pulsectl.PulseError:
        return None
    finally:
        client.close()
    default = str(info.default_source_name or "")
    sources = []
    for source in listed:
        fmt, rate, channels = source.spec
        is_monitor = source.monitor_of_sink != 0xFFFFFFFF  # PA_INVALID_INDEX: not a monitor
        description = str(source.description or "")
        name = str(source.name)
        sample_format = SAMPLE_FORMATS.get(fmt, f"format {fmt}")
        sources.append(PulseSource(name, description, rate, channels, sample_format, is_monitor, name == default))
    sources.sort(key=lambda s: s.is_monitor)  # stable: real inputs first, each group in server order
    return SoundServer(str(info.server_name or "sound server"), default, sources)


_ENV_LOCK = threading.Lock()


@contextlib.contextmanager
def pulse_source_env(source: str | None) -> Iterator[None]:
    """PULSE_SOURCE=source while the block runs (a stream opened in it records that source).

    libpulse reads PULSE_SOURCE when a client context is created, which ALSA's pulse plugin does
    when PortAudio opens the stream; the previous value is restored right after, so nothing else
    in the process is redirected. None leaves the environment alone.
    """
    if source is None:
        yield
        return
    with _ENV_LOCK:
        previous = os.environ.get("PULSE_SOURCE")
        os.environ["PULSE_SOURCE"] = source
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("PULSE_SOURCE", None)
            else:
                os.environ["PULSE_SOURCE"] = previous
