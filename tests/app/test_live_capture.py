"""Live dictation from real capture: speech played into a PulseAudio null sink (48 kHz stereo), recorded
from its monitor through PortAudio at that native rate, transcribed by LiveSession."""

from __future__ import annotations

import threading

import pytest

from app.bench.live_corpus import build_session
from app.services.live_session import LiveSession
from app.services.wer import wer
from audio.capture import MicrophoneSource
from inference.stream_events import Level, StreamEvent
from tests.pulse import pulse_device_name

pytestmark = [pytest.mark.capture, pytest.mark.model]

UTTERANCES = ("librispeech_dev-clean_2412-153948-0000.flac", "librispeech_test-clean_1995-1837-0001.wav")
MAX_WER = 0.15
TAIL_S = 1.5  # audio kept recording after playback ends, so the last words are heard and paused on


def test_speech_played_into_the_sink_is_transcribed_from_the_monitor(pulse, tmp_path, utterance, tiny_model):
    """Two LibriSpeech utterances played through PulseAudio come back as text with a low WER."""
    server, sd = pulse
    speech = build_session([utterance(name) for name in UTTERANCES], tmp_path / "speech.wav", 48000, 2, gap_s=1.0)
    rate, channels = server.native_format()
    source = MicrophoneSource(pulse_device_name(sd), sample_rate=rate)
    assert (source.sample_rate, source.channels) == (48000, 2) == (rate, channels)

    capturing = threading.Event()  # the monitor delivers audio
    finished = threading.Event()  # playback done
    stop_at: list[float] = []
    results = []

    def on_event(event: StreamEvent) -> None:
        if not isinstance(event, Level):
            return
        capturing.set()
        if finished.is_set():
            if not stop_at:
                stop_at.append(event.audio_time + TAIL_S)
            elif event.audio_time >= stop_at[0]:
                session.stop()

    session = LiveSession(source, tiny_model, on_event=on_event)
    runner = threading.Thread(target=lambda: results.append(session.run()))
    runner.start()
    assert capturing.wait(30), "the monitor delivered no audio"
    player = server.play(speech.path)
    assert player.wait(120) == 0, player.stderr.read()
    finished.set()
    runner.join(120)
    assert not runner.is_alive()
    summary = results[0]
    print(f"capture WER {wer(speech.reference, summary.text):.3f}: {summary.text}")  # shown with -s
    assert summary.error is None
    assert summary.audio_s >= speech.duration_s
    assert wer(speech.reference, summary.text) <= MAX_WER
