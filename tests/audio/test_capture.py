"""MicrophoneSource on a fake PortAudio: native format, copy-only callback, counted losses, clear failures."""

from __future__ import annotations

import importlib.abc
import sys
import threading

import numpy as np
import pytest

import audio.capture
from audio.capture import CaptureError, MicrophoneSource
from audio.devices import NoAudioBackendError
from audio.errors import AudioError
from tests.audio.fake_sounddevice import FakeSoundDevice, Script, device


def blocks_of(count: int, frames: int = 960, channels: int = 2) -> list[np.ndarray]:
    rng = np.random.default_rng(count)
    return [rng.uniform(-0.5, 0.5, (frames, channels)).astype(np.float32) for _ in range(count)]


def test_opens_the_device_at_its_native_rate_and_channels():
    """A 48 kHz stereo device is opened at 48 kHz stereo float32, never at 16 kHz, and its blocks arrive intact."""
    data = blocks_of(5)
    sd = FakeSoundDevice({"USB mic": device(48000, 2)}, Script(blocks=data))
    source = MicrophoneSource("USB mic", sd=sd)
    assert (source.sample_rate, source.channels, source.name) == (48000, 2, "USB mic")
    got = []
    for block in source.blocks():
        got.append(block)
        if len(got) == len(data):
            source.close()
    kwargs = sd.opened[0].kwargs
    assert (kwargs["samplerate"], kwargs["channels"], kwargs["dtype"]) == (48000, 2, "float32")
    assert all(np.array_equal(b.data, d) for b, d in zip(got, data, strict=True))
    assert all(b.data is not d for b, d in zip(got, data, strict=True))  # copied out of PortAudio's buffer
    assert [b.captured_at for b in got] == sorted(b.captured_at for b in got)


def test_virtual_devices_claiming_many_channels_are_recorded_in_stereo():
    """ALSA's 'pulse' device claims 32 inputs; capture uses two (the downmix averages what it gets)."""
    sd = FakeSoundDevice({"pulse": device(44100, 32)})
    assert MicrophoneSource("pulse", sd=sd).channels == 2
    assert MicrophoneSource(None, sd=FakeSoundDevice({"mono mic": device(16000, 1)})).channels == 1


def test_a_rate_override_is_checked_against_the_device():
    """sample_rate= opens a device at a rate PortAudio does not report as default, if the device takes it."""
    sd = FakeSoundDevice({"pulse": device(44100, 32, rates=(44100, 48000))})
    source = MicrophoneSource("pulse", sd=sd, sample_rate=48000)
    assert source.sample_rate == 48000
    with pytest.raises(CaptureError, match="cannot record at 22050 Hz"):
        MicrophoneSource("pulse", sd=sd, sample_rate=22050)
    with pytest.raises(CaptureError, match="outside the supported"):
        MicrophoneSource("pulse", sd=sd, sample_rate=1000)


def test_portaudio_overflows_are_counted_and_reported_on_the_next_block():
    """Input-overflow flags from PortAudio mark the delivered block and add up in `overflows`."""
    data = blocks_of(6)
    sd = FakeSoundDevice({"mic": device(48000, 2)}, Script(blocks=data, overflow_at={1, 4}))
    source = MicrophoneSource("mic", sd=sd)
    got = []
    for block in source.blocks():
        got.append(block)
        if len(got) == len(data):
            source.close()
    assert [b.overflow for b in got] == [False, True, False, False, True, False]
    assert source.overflows == 2 == sum(b.lost for b in got)


def test_a_full_queue_drops_blocks_without_blocking_and_counts_them(monkeypatch):
    """When the consumer falls behind, the callback drops (never waits); the next block reports the loss."""
    monkeypatch.setattr(audio.capture, "QUEUE_S", 0.0)  # room for the minimum of 4 blocks
    data = blocks_of(10)
    later = blocks_of(2, frames=480)
    consumed = threading.Event()
    script = Script(blocks=data, synchronous=True, later=later, gate=consumed)
    source = MicrophoneSource("mic", sd=FakeSoundDevice({"mic": device(48000, 2)}, script))
    got = []
    for block in source.blocks():
        got.append(block)
        if len(got) == 4:
            consumed.set()  # the queue has room again: the next blocks get through
        if len(got) == 6:
            source.close()
    assert [b.frames for b in got] == [960] * 4 + [480] * 2  # blocks 5-10 never reached the queue
    assert [b.lost for b in got] == [0, 0, 0, 0, 6, 0]
    assert source.overflows == 6


def test_device_that_stops_by_itself_raises_a_clear_error():
    """A stream the device ends (unplugged, aborted) ends blocks() with CaptureError naming the device."""
    sd = FakeSoundDevice({"USB mic": device(48000, 2)}, Script(blocks=blocks_of(3), then="abort"))
    source = MicrophoneSource("USB mic", sd=sd)
    got = []
    with pytest.raises(CaptureError, match="'USB mic' stopped") as failure:
        for block in source.blocks():
            got.append(block)
    assert len(got) == 3
    assert isinstance(failure.value, AudioError)
    assert "\n" not in str(failure.value)


def test_device_that_delivers_nothing_is_reported_as_stalled(monkeypatch):
    """An open stream that never calls back is a failure after STALL_S, not an endless wait."""
    monkeypatch.setattr(audio.capture, "STALL_S", 0.3)
    sd = FakeSoundDevice({"mic": device(44100, 1)}, Script(then="stall"))
    with pytest.raises(CaptureError, match="delivered no audio"):
        list(MicrophoneSource("mic", sd=sd).blocks())


def test_unknown_device_and_open_failure_are_one_line_capture_errors():
    """A missing device fails at construction; a device PortAudio cannot open fails when capture starts."""
    sd = FakeSoundDevice({"mic": device(48000, 2)})
    with pytest.raises(CaptureError, match="input device 'headset' is not available"):
        MicrophoneSource("headset", sd=sd)
    with pytest.raises(CaptureError, match="input device '7' is not available"):
        MicrophoneSource(7, sd=sd)
    sd.fail_open = True
    with pytest.raises(CaptureError, match=r"cannot open input device 'mic': .*Device unavailable"):
        list(MicrophoneSource("mic", sd=sd).blocks())


def test_close_before_start_opens_nothing():
    """A source closed before capture starts yields nothing and never opens the device."""
    sd = FakeSoundDevice({"mic": device(48000, 2)})
    source = MicrophoneSource("mic", sd=sd)
    source.close()
    assert list(source.blocks()) == []
    assert sd.opened == []


class _NoPortAudio(importlib.abc.MetaPathFinder):
    """Importing sounddevice fails the way it does when libportaudio is missing."""

    def find_spec(self, name, path=None, target=None):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return None


def test_missing_portaudio_is_a_clear_audio_error(monkeypatch):
    """Without libportaudio, MicrophoneSource raises NoAudioBackendError saying what to install."""
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPortAudio(), *sys.meta_path])
    with pytest.raises(NoAudioBackendError, match=r"PortAudio is not available.*libportaudio2"):
        MicrophoneSource()
