"""The window's contract demo logic without Qt or a model: a detached raw side skips its queued
model runs (switching off ends the cost at once), a stopped session gets one last run, and the
switch decides whether a live session gets a raw side at all."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import app.demo.live_raw as live_raw
from app.demo.live_raw import LiveRawSide
from app.demo.mismatch import Mismatch
from app.services.tasks import InlineRunner
from app.window.contract_demo_controller import ContractDemoController
from app.window.views import DemoView
from audio.sources import CapturedBlock
from inference.options import TranscribeOptions
from tests.app.fakes import RecordingView

RATE = 16000
WAIT_S = 10.0


class GatedModel:
    """Stands in for transcribe_raw: counts calls; the first one waits until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, loaded, samples, options, cancel=None) -> str:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            assert self.release.wait(WAIT_S), "never released"
        return f"run {self.calls}"


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> GatedModel:
    fake = GatedModel()
    monkeypatch.setattr(live_raw, "transcribe_raw", fake)
    return fake


def _seconds(n: float) -> np.ndarray:
    return np.zeros((round(n * RATE), 1), dtype=np.float32)


def test_detached_raw_side_skips_its_queued_runs(model: GatedModel):
    """Six runs are due, the first one is running when the demo is switched off: no other one runs."""
    side = LiveRawSide(None, RATE, 1)
    updates = []
    attachment = side.attach(Mismatch.INTERLEAVED, lambda a, update: updates.append(update))
    for _ in range(6):
        side.feed(_seconds(3.0))
    assert model.started.wait(WAIT_S)
    assert side.detach() is attachment and not side.attached
    side.feed(_seconds(3.0))  # after detach: dropped at the gate
    model.release.set()
    attachment.worker.close(WAIT_S)
    assert model.calls == 1 and all(update.side.text == "" for update in updates[1:])


def test_stopped_session_gets_one_last_run_over_its_latest_window(model: GatedModel):
    """At the end of a session the backlog is skipped and exactly one run covers the latest window."""
    side = LiveRawSide(None, RATE, 1)
    attachment = side.attach(Mismatch.INTERLEAVED, lambda a, update: None)
    for _ in range(20):
        side.feed(_seconds(3.0))
    assert model.started.wait(WAIT_S)
    side.detach()
    model.release.set()
    attachment.worker.close(WAIT_S)
    update = side.final_update(attachment)
    assert model.calls == 2 and update is not None and update.final
    assert update.side.text == "run 2" and update.native_seconds == pytest.approx(60.0)
    assert update.side.seconds_as_seen == pytest.approx(30.0)  # one model window, the latest


class Source:
    sample_rate, channels, name = 48000, 2, "Desk mic"


class NoModels:
    loaded = None

    def with_model(self, on_ready, on_error) -> None:
        raise AssertionError("no file demo should run here")


def _controller() -> tuple[ContractDemoController, RecordingView]:
    view = RecordingView(DemoView)
    controller = ContractDemoController(view, NoModels(), InlineRunner(), TranscribeOptions, lambda fn: fn())
    return controller, view


def test_the_switch_decides_whether_a_session_gets_a_raw_side(model: GatedModel):
    """Every session gets the gate; off, nothing runs behind it. Switching on during a session that
    started off attaches a raw side at once; off again detaches it."""

    controller, view = _controller()
    feed = controller.open(Source(), None)
    assert callable(feed)
    feed(CapturedBlock(np.zeros((4800, 2), dtype=np.float32), 0.0))  # off: the block goes nowhere
    assert not controller._live.attached and ("start_live", 48000, 2, Mismatch.INTERLEAVED) not in view.calls
    controller.set_enabled(True)  # on during the session
    assert controller._live.attached and isinstance(controller._live.attachment.worker, live_raw.LiveRawWorker)
    assert ("start_live", 48000, 2, Mismatch.INTERLEAVED) in view.calls
    controller.set_enabled(False)  # off during the session: the worker is detached and closed
    assert not controller._live.attached and not controller.busy
    controller.ended()

    controller.set_enabled(True)
    view.calls.clear()
    feed = controller.open(Source(), None)  # on from the start
    assert callable(feed) and controller._live.attached
    assert ("start_live", 48000, 2, Mismatch.INTERLEAVED) in view.calls
    controller.set_enabled(False)
    assert not controller.busy
    controller.ended()
    assert model.calls == 0
