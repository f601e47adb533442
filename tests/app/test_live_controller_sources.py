"""The window opens the chosen sound server source by name, and the system default entry as the default."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.services.autosave import Autosaver
from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import InlineRunner
from app.window.live_controller import LiveBackends, LiveController
from app.window.model_controller import ModelController
from app.window.settings_model import AppSettings
from app.window.views import LiveView, ModelView
from audio.devices import InputDevice
from inference.stream_events import Summary
from tests.app.fakes import FAKE_MODEL, RecordingView

DEFAULT = InputDevice(-1, "System default (mic)", "pulseaudio", 48000, 2, True, source="mic", follows_default=True)
MIC = InputDevice(0, "mic", "pulseaudio", 48000, 2, False, source="mic")
MONITOR = InputDevice(1, "sink.monitor", "pulseaudio", 22050, 1, False, source="sink.monitor", is_monitor=True)


class Source:
    sample_rate, channels, name, realtime = 22050, 1, "scripted", True

    def blocks(self):
        return iter(())

    def close(self) -> None:
        pass


class Ended:
    metrics = type("M", (), {"processing_s": 0.0, "audio_s": 0.0})()

    def run(self) -> Summary:
        return Summary("", 0.0, 0.0, 0.0, 0, 0.0)

    def stop(self) -> None:
        pass


def opened_with(tmp_path: Path, remembered: str) -> list:
    asked: list = []
    backends = LiveBackends(
        lambda: [DEFAULT, MIC, MONITOR],
        lambda device: asked.append(device) or Source(),
        session=lambda s, m, o, emit: Ended(),
    )
    runner = InlineRunner()
    spec = ModelSpec("tiny.en", "cpu", "int8")
    models = ModelController(ModelManager(lambda name, **kw: FAKE_MODEL), runner, RecordingView(ModelView), spec)
    settings = replace(AppSettings(), input_device=remembered)
    view = RecordingView(LiveView)
    controller = LiveController(view, models, runner, Autosaver(tmp_path), lambda: settings, backends)
    controller.refresh_devices()
    controller.start_microphone()
    controller.shutdown()
    return asked


def test_a_remembered_source_is_opened_by_name_and_no_choice_follows_the_default(tmp_path: Path):
    assert opened_with(tmp_path / "a", "sink.monitor") == ["sink.monitor"]
    assert opened_with(tmp_path / "b", "") == [None]  # the default source when capture starts
    assert opened_with(tmp_path / "c", "unplugged mic") == [None]
