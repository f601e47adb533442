"""Without a sound server the device list is PortAudio's, as before, and listing sources costs no wait."""

from __future__ import annotations

import os
import time

from audio.devices import list_input_devices, list_portaudio_devices
from audio.pulse_sources import PulseSource, pulse_source_env, read_sound_server


def test_no_sound_server_means_no_sources_and_portaudios_list(tmp_path, monkeypatch):
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-server'}")
    started = time.monotonic()
    assert read_sound_server() is None
    assert time.monotonic() - started < 2.0
    assert list_input_devices() == list_portaudio_devices()


def test_the_capture_format_is_the_sources_own_where_portaudio_has_it():
    def source(fmt: str) -> PulseSource:
        return PulseSource("mic", "Mic", 48000, 2, fmt, False, True)

    assert [source(f).capture_dtype for f in ("s16le", "s32le", "float32le")] == ["int16", "int32", "float32"]
    assert source("s24le").capture_dtype == "float32"  # no 3-byte numpy dtype: the server widens it, unresampled


def test_pulse_source_env_is_restored(monkeypatch):
    monkeypatch.setenv("PULSE_SOURCE", "before")
    with pulse_source_env("mic"):
        assert os.environ["PULSE_SOURCE"] == "mic"
    assert os.environ["PULSE_SOURCE"] == "before"
    monkeypatch.delenv("PULSE_SOURCE")
    with pulse_source_env("mic"):
        pass
    assert "PULSE_SOURCE" not in os.environ
