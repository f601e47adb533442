"""Live dictation on a server: the same streaming policy over a real loopback socket, and what happens
when the server goes away mid-session (the local model takes over, or the session ends keeping its text).

The server is a real HTTP server on 127.0.0.1 (tests/remote_http.py) that answers each upload as the
scripted model would: it decodes the FLAC it received, so the words it returns depend on the audio
that really went over the socket.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from app.services.autosave import Autosaver
from app.services.history import HistoryStore
from app.services.live_session import LiveSession
from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import InlineRunner
from app.window.live_controller import LiveBackends, LiveController
from app.window.model_controller import ModelController
from app.window.settings_model import AppSettings
from app.window.views import LiveView, ModelView
from audio.constants import SAMPLE_RATE
from inference.engine import local_engine
from inference.remote.engine import remote_engine, spread_words
from inference.remote.server import RemoteServer
from inference.results import Segment, Word
from inference.stream_events import Commit, EngineChanged, StreamError, StreamEvent
from inference.streaming import COVER_MARGIN_S, StreamingOptions
from tests.app.fakes import RecordingView
from tests.app.test_live_controller import MIC
from tests.app.test_live_session import WORDS, ScriptedSource
from tests.inference.streaming_fakes import ScriptedWhisper, fake_loaded, scripted_detector, spoken_text
from tests.remote_http import Answer, Request, json_answer, refused_url, scripted_server, verbose_json

OPTIONS = StreamingOptions(step_s=0.5)
STALL_FROM = 5  # the request from which a stalling server stops answering (until released)
ANSWER_S = 20.0  # the longest wait for a loopback answer on a busy 2-core machine
STOP_NOW_S = 1.0  # stop now drops a waiting request within CANCEL_POLL_S (0.1 s); a loaded machine, a margin


def answer_as(model: ScriptedWhisper, fail_from: int | None = None, words: bool = True):
    """A server script answering each upload with the scripted model's words for the audio received."""

    def script(request: Request, number: int) -> Answer:
        if fail_from is not None and number >= fail_from:
            return Answer(503, b'{"error": {"message": "model unloaded"}}')
        samples, rate, channels, _ = request.decoded()
        assert (rate, channels) == (SAMPLE_RATE, 1)
        segments, _ = model.transcribe(samples.astype(np.float32) / 32768.0)
        reply: list[dict] = [
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "avg_logprob": s.avg_logprob,
                "no_speech_prob": s.no_speech_prob,
                "words": [
                    {"word": w.word, "start": w.start, "end": w.end, "probability": w.probability} for w in s.words
                ],
            }
            for s in segments
        ]
        if not words:  # a server without word timestamps (faster-whisper-server 0.0.3 on PyPI)
            reply = [{key: value for key, value in segment.items() if key != "words"} for segment in reply]
        return json_answer({"language": "en", "text": "".join(s["text"] for s in reply), "segments": reply})

    return script


def run_session(engine, fallback=None) -> tuple[LiveSession, list[StreamEvent]]:
    events: list[StreamEvent] = []
    session = LiveSession(
        ScriptedSource(8.0, realtime=False),
        engine,
        OPTIONS,
        on_event=events.append,
        detector=scripted_detector(WORDS),
        fallback=fallback,
    )
    session.run()
    return session, events


def commits(events: list[StreamEvent]) -> list[str]:
    return [e.text for e in events if isinstance(e, Commit)]


def test_live_on_a_server_commits_what_the_local_engine_commits():
    """The same policy on the same answers: the commits are the same, whichever side runs the model."""
    local = ScriptedWhisper(WORDS)
    _, local_events = run_session(fake_loaded(local))
    with scripted_server(answer_as(ScriptedWhisper(WORDS))) as server:
        engine = remote_engine(RemoteServer(server.url, model="tiny.en"))
        session, events = run_session(engine)
    assert not engine.multilingual  # a .en model: the session is English and asks for it
    assert session.committed_text == spoken_text(WORDS)
    assert commits(events) == commits(local_events)
    assert server.requests and all(r.field("timestamp_granularities[]") == ["word", "segment"] for r in server.requests)
    assert all(r.field("language") == ["en"] for r in server.requests)
    assert len(server.requests) == len(local.calls)  # the same steps ran the model
    sent = [request.decoded()[0].size for request in server.requests]
    assert sent == [round((call["end"] - call["start"]) * SAMPLE_RATE) for call in local.calls]


def test_a_server_without_word_timestamps_still_commits_every_word():
    """Segments only: the words are spread over each segment's time, agreement still commits them all, once."""
    with scripted_server(answer_as(ScriptedWhisper(WORDS), words=False)) as server:
        session, events = run_session(remote_engine(RemoteServer(server.url)))
    assert session.committed_text == spoken_text(WORDS)
    assert len(commits(events)) > 3  # committed as the speaker goes, not only at the end


def test_spread_words_share_a_segment_by_length():
    segment = Segment(2.0, 4.0, " Hi there, Bob.", avg_logprob=math.log(0.8))
    words = spread_words(segment).words
    assert [w.text for w in words] == [" Hi", " there,", " Bob."]
    assert words[0].start == 2.0 and words[-1].end == 4.0
    assert [round(w.end - w.start, 3) for w in words] == [
        0.4,
        0.933,
        0.667,
    ]  # 3 : 7 : 5 of 15 characters, with the space
    assert all(math.isclose(w.probability, 0.8) for w in words)
    timed = Segment(0.0, 1.0, " Hi", (Word(0.1, 0.5, " Hi", 0.9),))
    assert spread_words(timed) is timed


def test_a_server_that_fails_mid_session_hands_over_to_the_local_model():
    """From the 6th request on the server answers 503: one EngineChanged, then the local engine hears the
    rest; every word is committed once and nothing is reported as a session error."""
    local = ScriptedWhisper(WORDS)
    with scripted_server(answer_as(ScriptedWhisper(WORDS), fail_from=5)) as server:
        engine = remote_engine(RemoteServer(server.url))
        session, events = run_session(engine, fallback=lambda: local_engine(fake_loaded(local)))
    changed = [e for e in events if isinstance(e, EngineChanged)]
    assert len(changed) == 1 and changed[0].engine == "scripted"
    assert f"server {server.url}" in changed[0].message and "HTTP 503" in changed[0].message
    assert "\n" not in changed[0].message
    assert not any(isinstance(e, StreamError) for e in events)
    assert len(server.requests) == 6  # the five answered and the one that failed; none after
    assert local.calls, "the local model took over"
    assert session.committed_text == spoken_text(WORDS)
    assert session.metrics.steps.model_runs >= 5


def test_without_a_fallback_the_session_ends_and_keeps_its_text():
    """A server that stops answering ends the session with one error; what was committed stays."""
    with scripted_server(answer_as(ScriptedWhisper(WORDS), fail_from=9)) as server:
        session, events = run_session(remote_engine(RemoteServer(server.url)))
    errors = [e for e in events if isinstance(e, StreamError)]
    assert len(errors) == 1 and "HTTP 503" in errors[0].message and "transcript so far is kept" in errors[0].message
    kept = session.committed_text
    assert kept and spoken_text(WORDS).startswith(kept)
    assert kept != spoken_text(WORDS)
    assert session.error == errors[0].message


def test_live_cli_on_a_refused_server_says_so_in_one_line(utterance):
    """`live --server` on a port nothing listens on, with --on-server-error stop: one line, exit 1."""
    path = utterance("jfk.flac").path
    command = [sys.executable, "-m", "app", "live", "--simulate", str(path), "--fast", "--json"]
    command += ["--server", refused_url(), "--on-server-error", "stop"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "connection refused" in lines[0] and "transcript so far is kept" in lines[0]
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records[-1]["type"] == "summary"


def test_the_window_dictates_on_the_server_and_the_local_model_takes_over(tmp_path):
    """LiveController with a server from Settings: words come from the server until it fails, then the
    loaded local model goes on; the window shows one line saying so and gets every word once."""
    local = ScriptedWhisper(WORDS)
    loaded = fake_loaded(local)

    def session(source, engine, options, on_event, **extra):
        return LiveSession(source, engine, OPTIONS, on_event=on_event, detector=scripted_detector(WORDS), **extra)

    with scripted_server(answer_as(ScriptedWhisper(WORDS), fail_from=5)) as server:
        view, runner = RecordingView(LiveView), InlineRunner()
        manager = ModelManager(lambda name, **kw: loaded)
        models = ModelController(manager, runner, RecordingView(ModelView), ModelSpec("tiny.en", "cpu", "int8"))
        backends = LiveBackends(lambda: [MIC], lambda index: ScriptedSource(8.0, realtime=False), session=session)
        history = HistoryStore(tmp_path / "history")
        controller = LiveController(
            view,
            models,
            runner,
            Autosaver(tmp_path),
            AppSettings,
            backends,
            history=history,
            server=lambda: RemoteServer(server.url),
        )
        controller.refresh_devices()
        controller.toggle()
    assert len(server.requests) == 6 and local.calls
    errors = [message for (message,) in view.of("show_live_error") if message]  # "" clears the line
    assert len(errors) == 1 and "HTTP 503" in errors[0] and "going on with scripted" in errors[0]
    assert controller.transcript.text == spoken_text(WORDS)
    assert history.load().records[-1].model == f"server {server.url} (whisper-1)"


def test_unusable_server_settings_dictate_on_this_computer(tmp_path):
    """A server URL the settings refuse: one line, and dictation runs on the local model."""
    local = ScriptedWhisper(WORDS)

    def session(source, engine, options, on_event, **extra):
        assert not extra  # no stand-in: this is the local engine already
        return LiveSession(source, engine, OPTIONS, on_event=on_event, detector=scripted_detector(WORDS))

    def refused() -> RemoteServer:
        raise ValueError("no server URL is set: enter one in Settings")

    view, runner = RecordingView(LiveView), InlineRunner()
    models = ModelController(
        ModelManager(lambda name, **kw: fake_loaded(local)), runner, RecordingView(ModelView), ModelSpec("tiny.en")
    )
    backends = LiveBackends(lambda: [MIC], lambda index: ScriptedSource(8.0, realtime=False), session=session)
    controller = LiveController(view, models, runner, Autosaver(tmp_path), AppSettings, backends, server=refused)
    controller.refresh_devices()
    controller.toggle()
    shown = [message for (message,) in view.of("show_live_error") if message]  # "" clears the line
    assert shown == ["Dictating on this computer: no server URL is set: enter one in Settings"]
    assert controller.transcript.text == spoken_text(WORDS)


def stalling(script, release: threading.Event, stall_from: int = STALL_FROM):
    """`script` until request `stall_from`; from then on each request waits for `release` (at most 60 s)."""

    def stalled(request: Request, number: int) -> Answer:
        if number >= stall_from:
            release.wait(60)
        return script(request, number)

    return stalled


def wait_for(condition, timeout_s: float = ANSWER_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize("stall_from", [3, 6])  # mid-word at the buffer's end: "phrase is shzz", "and hezz cozz"
def test_stop_now_drops_a_stalled_request_and_commits_what_was_heard(stall_from: int):
    """A server stops answering mid-session. stop() waits for that request (the last words matter);
    cancel() ends the session within STOP_NOW_S: no request after it, no error, and the words still
    pending from the last answered hypothesis are committed as they were heard, but for the word that
    hypothesis' buffer end cut off."""
    release = threading.Event()
    with scripted_server(stalling(answer_as(ScriptedWhisper(WORDS)), release, stall_from)) as server:
        events: list[StreamEvent] = []
        session = LiveSession(
            ScriptedSource(8.0, realtime=False),
            remote_engine(RemoteServer(server.url)),
            OPTIONS,
            on_event=events.append,
            detector=scripted_detector(WORDS),
        )
        thread = threading.Thread(target=session.run, daemon=True)
        thread.start()
        wait_for(lambda: len(server.requests) > stall_from)
        session.stop()
        thread.join(0.5)
        assert thread.is_alive(), "stop() alone waits for the request in flight"
        before = session.committed_text
        pending = session.transcriber._hyp.pending  # the last answered hypothesis' uncommitted words
        started = time.monotonic()
        session.cancel()
        thread.join(STOP_NOW_S * 5)
        took = time.monotonic() - started
        release.set()
    assert not thread.is_alive() and took < STOP_NOW_S, took
    assert session.cancelled and session.error is None
    assert not any(isinstance(e, StreamError) for e in events)
    assert len(server.requests) == stall_from + 1  # nothing was sent after the stalled request
    run_end = session.transcriber._last_run_end
    heard = [w for w in pending if w.end <= run_end - COVER_MARGIN_S]  # not a word the buffer's end cut off
    assert heard and len(heard) < len(pending), "the scenario: whole words pending, and a cut one"
    assert session.committed_text == " ".join([before, *(w.text.strip() for w in heard)]).strip()
    assert spoken_text(WORDS).startswith(session.committed_text) and session.committed_text != spoken_text(WORDS)


def test_the_window_goes_local_when_a_server_stalls_past_the_live_deadline(tmp_path, monkeypatch):
    """The window's server keeps its 300 s file time-out, but a live step waits LIVE_TIMEOUT_S at most
    (1 s here): a stalled server hands over to the local model, said in one line, every word once."""
    monkeypatch.setattr("app.window.live_controller.LIVE_TIMEOUT_S", 1.0)
    local = ScriptedWhisper(WORDS)
    loaded = fake_loaded(local)
    release = threading.Event()

    def session(source, engine, options, on_event, **extra):
        return LiveSession(source, engine, OPTIONS, on_event=on_event, detector=scripted_detector(WORDS), **extra)

    with scripted_server(stalling(answer_as(ScriptedWhisper(WORDS)), release)) as server:
        view, runner = RecordingView(LiveView), InlineRunner()
        manager = ModelManager(lambda name, **kw: loaded)
        models = ModelController(manager, runner, RecordingView(ModelView), ModelSpec("tiny.en", "cpu", "int8"))
        backends = LiveBackends(lambda: [MIC], lambda index: ScriptedSource(8.0, realtime=False), session=session)
        controller = LiveController(
            view, models, runner, Autosaver(tmp_path), AppSettings, backends, server=lambda: RemoteServer(server.url)
        )
        controller.refresh_devices()
        started = time.monotonic()
        controller.toggle()
        took = time.monotonic() - started
        release.set()
    assert RemoteServer(server.url).timeout_s == 300.0  # files still wait as long as they need
    errors = [message for (message,) in view.of("show_live_error") if message]
    assert len(errors) == 1 and "no answer within 1 s" in errors[0] and "going on with scripted" in errors[0]
    assert len(server.requests) == STALL_FROM + 1 and local.calls
    assert controller.transcript.text == spoken_text(WORDS)
    assert took < ANSWER_S


def test_live_cli_second_ctrl_c_stops_at_once_on_a_stalled_server(utterance, tmp_path):
    """`live --server`: the first Ctrl-C waits for the step in flight; the second ends the process at once
    (no wait for the server's time-out), printing the words heard, the summary and one line saying so."""
    release = threading.Event()
    reply = json_answer(verbose_json(" Ask not what your country can do for you.", 2.0))
    with scripted_server(stalling(lambda request, number: reply, release, stall_from=3)) as server:
        command = [sys.executable, "-m", "app", "live", "--json", "--server", server.url, "--on-server-error", "stop"]
        command += ["--simulate", str(utterance("jfk.flac").path)]  # in real time, as a microphone
        env = {**os.environ, "WHISPERDESK_DATA_DIR": str(tmp_path)}  # its dictation history goes here
        process = None
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            wait_for(lambda: len(server.requests) > 3)
            process.send_signal(signal.SIGINT)
            time.sleep(0.5)
            assert process.poll() is None, "the first Ctrl-C waits for the step in flight"
            started = time.monotonic()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=ANSWER_S)
            took = time.monotonic() - started
        finally:
            release.set()
            if process is not None and process.poll() is None:
                process.kill()
    assert process.returncode == 0, err
    assert took < 5.0, took  # the live deadline (10 s) did not pass: the second Ctrl-C ended it
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [
        "whisperdesk: stopped at once: the words heard so far are kept; "
        "audio after the last model run was not transcribed"
    ], lines
    records = [json.loads(line) for line in out.splitlines()]
    assert records[-1]["type"] == "summary" and "ask not what your country" in records[-1]["text"].lower()
    assert len(server.requests) == 4
