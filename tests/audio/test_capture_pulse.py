"""Real capture through PortAudio from a PulseAudio null sink's monitor (48 kHz stereo), and a vanishing server."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from audio.capture import CaptureError, MicrophoneSource
from audio.sources import CapturedBlock
from tests.media import sine, write_audio
from tests.pulse import pulse_device_name

pytestmark = pytest.mark.capture


def capture_while(source: MicrophoneSource, playing: threading.Event, tail_s: float) -> list[CapturedBlock]:
    """Collect blocks in a thread until `tail_s` of audio arrived after `playing` was cleared."""
    got: list[CapturedBlock] = []
    failure: list[BaseException] = []
    ready = threading.Event()

    def consume() -> None:
        after = 0
        try:
            for block in source.blocks():
                got.append(block)
                ready.set()
                if not playing.is_set():
                    after += block.frames
                    if after >= tail_s * source.sample_rate:
                        source.close()
        except BaseException as exc:  # reported to the test below
            failure.append(exc)
            ready.set()

    worker = threading.Thread(target=consume)
    worker.start()
    assert ready.wait(15.0), "no audio from the monitor"
    return got, worker, failure


def test_monitor_is_captured_at_its_native_rate(pulse, tmp_path):
    """A 1 kHz tone played into the 48 kHz stereo sink comes back at 48 kHz stereo from the monitor."""
    server, sd = pulse
    rate, channels = server.native_format()
    assert (rate, channels) == (48000, 2)
    source = MicrophoneSource(pulse_device_name(sd), sample_rate=rate)
    assert (source.sample_rate, source.channels) == (48000, 2)
    tone = write_audio(tmp_path / "tone.wav", np.stack([sine(1000, 2.0, rate)] * 2, axis=1), rate)
    playing = threading.Event()
    playing.set()
    got, worker, failure = capture_while(source, playing, tail_s=0.5)
    player = server.play(tone)
    assert player.wait(30) == 0, player.stderr.read()
    playing.clear()
    worker.join(30)
    assert not failure, failure
    data = np.concatenate([b.data for b in got])
    assert data.shape[1] == 2 and data.shape[0] >= 2.0 * rate
    loud = data[np.abs(data[:, 0]) > 0.1, 0]
    assert loud.size > 1.5 * rate  # the tone arrived (about 2 s of it)
    spectrum = np.abs(np.fft.rfft(data[:, 0]))
    assert np.fft.rfftfreq(data.shape[0], 1 / rate)[spectrum.argmax()] == pytest.approx(1000, abs=5)


def test_default_rate_is_what_portaudio_reports_never_16k(pulse):
    """Without an override the device's default rate is used (44.1 kHz for ALSA's pulse device)."""
    _, sd = pulse
    name = pulse_device_name(sd)
    source = MicrophoneSource(name)
    assert source.sample_rate == int(sd.query_devices(name)["default_samplerate"]) != 16000


def test_sound_server_vanishing_mid_capture_is_a_capture_error(pulse):
    """Killing the sound server while recording ends blocks() with a one-line CaptureError."""
    server, sd = pulse
    source = MicrophoneSource(pulse_device_name(sd), sample_rate=48000)
    playing = threading.Event()
    playing.set()  # never cleared: only the failure ends the capture
    got, worker, failure = capture_while(source, playing, tail_s=0.0)
    server.stop()
    worker.join(30)
    assert not worker.is_alive()
    assert got, "nothing was captured before the server went away"
    assert len(failure) == 1 and isinstance(failure[0], CaptureError), failure
    assert "\n" not in str(failure[0])
