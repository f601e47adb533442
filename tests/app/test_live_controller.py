"""The live controller without a window: scripted sessions, failing devices, stop before the model,
and a real session replaying a file (STYLE: the backends are passed in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.autosave import Autosaver, read_session
from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import InlineRunner
from app.services.wer import wer
from app.window.live_controller import IDLE, NO_DEVICE, RUNNING, STARTING, STOPPING, LiveBackends, LiveController
from app.window.model_controller import ModelController
from app.window.settings_model import AppSettings
from app.window.views import LiveView, ModelView
from audio.capture import CaptureError
from audio.devices import InputDevice, NoAudioBackendError
from audio.file_source import FileSource
from inference.stream_events import Commit, Level, Partial, Summary
from tests.app.fakes import FAKE_MODEL, HeldRunner, RecordingView

MIC = InputDevice(0, "Desk mic", "ALSA", 48000, 1, True)


class Source:
    sample_rate, channels, name, realtime = 48000, 1, "scripted", True

    def blocks(self):
        return iter(())

    def close(self) -> None:
        pass


class Scripted:
    """A session that emits `events` and ends."""

    def __init__(self, events, on_event) -> None:
        self.events, self.on_event = events, on_event
        self.metrics = type("M", (), {"processing_s": 1.0, "audio_s": 4.0})()

    def run(self) -> Summary:
        for event in self.events:
            self.on_event(event)
        return Summary("", 0.5, 0.7, 0.25, 0, 4.0)

    def stop(self) -> None:
        pass


def make(tmp_path: Path, backends: LiveBackends, runner=None, loader=None):
    view, runner = RecordingView(LiveView), runner or InlineRunner()
    manager = ModelManager(loader or (lambda name, **kw: FAKE_MODEL))
    models = ModelController(manager, runner, RecordingView(ModelView), ModelSpec("tiny.en", "cpu", "int8"))
    controller = LiveController(view, models, runner, Autosaver(tmp_path), AppSettings, backends)
    return controller, view


EVENTS = [
    Level(-20.0, -6.0, 0.05),
    Partial("Hello wor", 0.0, 0.8, 0.0, 0.3),
    Commit("Hello world.", 0.0, 1.0, 0.0, 0.6),
    Partial("Second", 1.0, 1.4, 0.0, 0.2),
]


def test_a_session_drives_the_view_and_the_autosave(tmp_path: Path):
    """States go starting -> running -> idle; commits append, partials replace the tail, levels reach the
    meter, latency and RTF reach the status line, and the commit is on disk."""
    backends = LiveBackends(lambda: [MIC], lambda index: Source(), session=lambda s, m, o, emit: Scripted(EVENTS, emit))
    controller, view = make(tmp_path, backends)
    controller.refresh_devices()
    assert view.of("set_devices") == [([MIC], "Desk mic")] and view.of("show_audio_problem") == [("",)]
    controller.toggle()
    assert [state for state, _ in view.of("set_live_state")] == [STARTING, RUNNING, IDLE]
    assert view.of("append_committed") == [("Hello world.", "", False)]  # its words (none here) start a word
    assert ("Hello wor",) in view.of("set_partial") and view.of("set_partial")[-1] == ("",)
    assert (-20.0, -6.0) in view.of("show_level")
    assert view.of("show_live_stats")[-1][0].rtf == 0.25
    assert controller.transcript.text == "Hello world." and controller.unsaved
    controller.shutdown()
    assert read_session(controller._autosaver.path).text == "Hello world."


def test_no_portaudio_and_no_device_are_messages_not_exceptions(tmp_path: Path):
    """Missing PortAudio and an empty device list each give a one-line message; Start explains itself."""

    def no_portaudio():
        raise NoAudioBackendError("PortAudio is not available (libportaudio.so.2 missing)")

    controller, view = make(tmp_path, LiveBackends(no_portaudio))
    controller.refresh_devices()
    assert view.of("show_audio_problem")[-1][0].startswith("Microphone unavailable: PortAudio is not available")
    controller, view = make(tmp_path, LiveBackends(list))
    controller.refresh_devices()
    assert view.of("show_audio_problem")[-1] == (NO_DEVICE,)
    controller.start_microphone()
    assert view.of("show_live_error")[-1] == (NO_DEVICE,) and controller.state == IDLE


def test_a_device_that_fails_to_open_is_reported_and_the_view_returns_to_idle(tmp_path: Path):
    """A microphone that cannot be opened ends the attempt with its message; nothing is left running."""

    def broken(index):
        raise CaptureError("cannot open 'Desk mic' (device unavailable)")

    controller, view = make(tmp_path, LiveBackends(lambda: [MIC], broken))
    controller.refresh_devices()
    controller.start_microphone()
    assert view.of("show_live_error")[-1] == ("cannot open 'Desk mic' (device unavailable)",)
    assert controller.state == IDLE


def test_stop_while_the_model_loads_starts_nothing(tmp_path: Path):
    """Stop during model loading goes straight back to idle, and the session is never created."""
    created = []
    backends = LiveBackends(lambda: [MIC], lambda i: Source(), session=lambda *a: created.append(a))
    runner = HeldRunner()
    controller, _ = make(tmp_path, backends, runner=runner)
    controller.refresh_devices()
    controller.start_microphone()
    assert controller.state == STARTING
    controller.stop()
    assert controller.state == IDLE
    runner.release()
    assert created == [] and controller.state == IDLE


def test_hold_to_talk_pressed_again_while_stopping_starts_once_stopped(tmp_path: Path):
    """Released, then pressed again while the last dictation still stops (its final pass runs): the next
    dictation starts as soon as that one has ended. Released again before then, nothing starts."""
    sessions: list[Scripted] = []

    def session(source, engine, options, emit):
        sessions.append(Scripted([], emit))
        return sessions[-1]

    for press_again, release_again, started in ((True, False, 2), (True, True, 1), (False, False, 1)):
        sessions.clear()
        runner = HeldRunner()
        backends = LiveBackends(lambda: [MIC], lambda i: Source(), session=session)
        controller, _ = make(tmp_path, backends, runner=runner)
        controller.refresh_devices()
        controller.start_held()
        runner.release()  # the model is there: the session's work is submitted, held
        controller.stop_held()
        assert controller.state == STOPPING, (press_again, release_again)
        if press_again:
            controller.start_held()
        if release_again:
            controller.stop_held()
        runner.release()  # the stopping session ends
        assert controller.state == (STARTING if started == 2 else IDLE), (press_again, release_again)
        while runner.held:  # the next session, if any, runs (a scripted one ends at once)
            runner.release()
        assert len(sessions) == started and controller.state == IDLE


@pytest.mark.model
def test_real_session_from_a_file_without_a_window(tmp_path: Path, tiny_model, utterance):
    """The default session on a file replayed as a microphone commits the speech (low WER)."""
    jfk = utterance("jfk.flac")
    backends = LiveBackends(lambda: [MIC], lambda index: FileSource(jfk.path, realtime=False))
    controller, view = make(tmp_path, backends, loader=lambda name, **kw: tiny_model)
    controller.refresh_devices()
    controller.start_microphone()
    assert controller.state == IDLE and controller.last_summary is not None
    assert wer(jfk.reference, controller.transcript.text) < 0.25, controller.transcript.text
    assert view.of("set_partial"), "no partial tail was shown"
