"""LiveSession on scripted audio and a scripted model: device failure, stop(), levels, pacing, exact audio."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from app.services.live_session import LiveSession, p95
from audio.capture import MicrophoneSource
from audio.decode import decode_to_contract
from audio.file_source import FileSource
from audio.sources import CapturedBlock
from inference.stream_events import Commit, Level, StreamError, StreamEvent, Summary
from inference.streaming import OnlineTranscriber, StreamingOptions
from tests.audio.fake_sounddevice import FakeSoundDevice, Script, device
from tests.inference.streaming_fakes import (
    ScriptedWhisper,
    fake_loaded,
    script,
    scripted_detector,
    spoken_text,
    timed_audio,
)

BLOCK_S = 0.05
WORDS = script((0.5, "the first phrase is short"), (3.2, "and here comes the second one"), (6.4, "the end is near"))


class ScriptedSource:
    """A 16 kHz mono 'microphone' speaking the script's audio, then idle until closed (or failing)."""

    sample_rate = 16000
    channels = 1
    name = "scripted mic"

    def __init__(self, seconds: float, realtime: bool = True) -> None:
        self.seconds = seconds
        self.realtime = realtime
        self.delivered = threading.Event()
        self._closed = threading.Event()

    def blocks(self) -> Iterator[CapturedBlock]:
        t = 0.0
        while t < self.seconds - 1e-9 and not self._closed.is_set():
            nxt = min(self.seconds, t + BLOCK_S)
            yield CapturedBlock(timed_audio(t, nxt).reshape(-1, 1), time.time())
            t = nxt
        self.delivered.set()
        if self.realtime:
            self._closed.wait()

    def close(self) -> None:
        self._closed.set()


def session_for(source, words=WORDS, options: StreamingOptions | None = None, **kwargs):
    events: list[StreamEvent] = []
    # A word heard COVER_MARGIN_S (0.2 s) into a pause is whole: the policy ends a phrase on such a hypothesis.
    # With the fake's default 0.25 s, a run that happened to end 0.2-0.25 s after "short" committed "shzz".
    model = ScriptedWhisper(words, garble_s=0.15)
    detector = scripted_detector(words)
    session = LiveSession(source, fake_loaded(model), options, on_event=events.append, detector=detector, **kwargs)
    return session, events, model


def test_device_failure_keeps_the_text_and_a_new_session_runs():
    """A stream that aborts mid-session gives one StreamError; the words heard so far are kept."""
    heard = [w for w in WORDS if w.end <= 5.0]
    blocks = [timed_audio(t, t + BLOCK_S).reshape(-1, 1) for t in np.arange(0.0, 5.6, BLOCK_S)]
    sd = FakeSoundDevice({"USB mic": device(16000, 1)}, Script(blocks=blocks, then="abort"))
    session, events, _ = session_for(MicrophoneSource("USB mic", sd=sd))
    summary = session.run()
    errors = [e for e in events if isinstance(e, StreamError)]
    assert len(errors) == 1 and "'USB mic' stopped" in errors[0].message
    assert summary.error == errors[0].message
    assert session.committed_text == spoken_text(heard)
    assert summary.text == session.committed_text
    assert isinstance(events[-1], Summary)

    again, again_events, _ = session_for(ScriptedSource(8.0, realtime=False))
    assert again.run().error is None
    assert again.committed_text == spoken_text(WORDS)
    assert not any(isinstance(e, StreamError) for e in again_events)


def test_stop_from_another_thread_flushes_the_last_words():
    """stop() while the speaker is mid-phrase still transcribes and commits everything captured."""
    source = ScriptedSource(WORDS[-1].end + 0.3)  # input stops right after the last word: no pause to commit it
    session, _, _ = session_for(source)

    def stop_when_spoken() -> None:
        assert source.delivered.wait(10.0)
        session.stop()

    stopper = threading.Thread(target=stop_when_spoken)
    stopper.start()
    summary = session.run()
    stopper.join()
    assert session.committed_text == spoken_text(WORDS)
    assert summary.error is None
    assert summary.latency_median_s is not None and summary.latency_median_s >= 0.0


def test_levels_feed_a_meter_about_twenty_times_a_second():
    """Level events carry dBFS of the latest block, at most one per 50 ms of audio."""
    session, events, _ = session_for(ScriptedSource(3.0, realtime=False))
    session.run()
    levels = [e for e in events if isinstance(e, Level)]
    assert 50 <= len(levels) <= 61
    assert all(-120.0 <= lv.rms_dbfs <= lv.peak_dbfs <= 0.0 for lv in levels)
    times = [lv.audio_time for lv in levels]
    assert min(np.diff(times)) >= 0.05 - 1e-6


def test_faster_than_realtime_source_steps_at_a_fixed_pace():
    """A file replayed as fast as possible is stepped every step_s of audio, not all at once (the pause rule's
    faster polling off, so every step is a step_s one)."""
    options = StreamingOptions(step_s=0.5, sentence_pause_s=None)
    session, _, _ = session_for(ScriptedSource(8.0, realtime=False), options=options)
    session.run()
    assert session.metrics.steps.steps == 16


def test_the_session_feeds_the_transcriber_the_file_paths_exact_samples(utterance):
    """With record_contract_audio, the 16 kHz samples fed to the transcriber equal decode_to_contract's."""
    path = utterance("jfk.flac").path
    session, _, _ = session_for(
        FileSource(path, block_frames=1000, realtime=False), words=[], record_contract_audio=True
    )
    summary = session.run()
    expected = decode_to_contract(path)[0].samples
    assert np.array_equal(session.contract_audio, expected)
    assert summary.audio_s == pytest.approx(expected.size / 16000)
    assert summary.text == ""


def test_a_session_runs_once():
    """run() a second time is refused: a new session is started instead."""
    session, _, _ = session_for(ScriptedSource(1.0, realtime=False), words=[])
    session.run()
    with pytest.raises(RuntimeError, match="runs once"):
        session.run()


def test_commit_latency_is_measured_from_capture_time():
    """Latency = emission time minus the capture time of the committed audio's end (small with an instant model)."""
    session, events, _ = session_for(ScriptedSource(8.0, realtime=False))
    session.run()
    commits = [e for e in events if isinstance(e, Commit)]
    assert commits
    assert all(0.0 <= c.latency_s < 1.0 for c in commits)


def test_p95_of_nothing_is_unknown():
    """A session without commits has no latency percentile (None, not 0 or NaN)."""
    assert p95([]) is None
    assert p95([0.5, 1.5]) == pytest.approx(1.45)


def test_transcriber_is_exposed_for_per_step_timings():
    """The session exposes its transcriber's step statistics through metrics."""
    session, _, model = session_for(ScriptedSource(4.0, realtime=False))
    session.run()
    metrics = session.metrics
    assert isinstance(session.transcriber, OnlineTranscriber)
    assert metrics.steps.model_runs == len(model.calls)
    assert metrics.audio_s == pytest.approx(4.0)
