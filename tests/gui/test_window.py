"""The main window (offscreen): it opens, shows the model state (loading, ready, missing), and keeps a
toggleable panel for the input-contract demo."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel

from app.services.model_manager import ModelManager
from app.services.wer import wer
from app.window.live_controller import IDLE
from app.window.settings_model import AppSettings
from app.window.views import ModelPhase
from inference.errors import ModelNotFoundError
from tests.gui.support import fake_loaded

pytestmark = [pytest.mark.gui]

WORK_TIMEOUT_MS = 180_000


def _phase(window) -> ModelPhase | None:
    return window.model_state.phase if window.model_state else None


@pytest.mark.model
def test_window_opens_with_both_views_and_the_model_ready(qtbot, make_window, tiny_manager):
    """The window opens on the live view with a Files tab, and reports tiny.en on CPU int8 once loaded."""
    window = make_window(models=tiny_manager)
    assert window.isVisible() and window.windowTitle() == "whisperdesk"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Live dictation", "Files", "History"]
    assert not window.windowIcon().isNull()
    qtbot.waitUntil(lambda: _phase(window) is ModelPhase.READY, timeout=WORK_TIMEOUT_MS)
    assert "tiny.en · CPU · int8" in window.live_panel.status_label.text()
    assert window.model_banner.text() == ""
    assert window.start_stop_action.shortcut().toString() == "Ctrl+R"


def test_loading_model_is_shown_until_ready(qtbot, make_window):
    """While the model loads the window says so (banner and status line); the banner goes when it is ready."""
    release = threading.Event()

    def slow_loader(name: str, **kwargs):
        release.wait(30)
        return fake_loaded()

    window = make_window(models=ModelManager(loader=slow_loader))
    assert _phase(window) is ModelPhase.LOADING
    assert "Loading model tiny.en" in window.model_banner.text()
    assert "loading…" in window.live_panel.status_label.text()
    release.set()
    qtbot.waitUntil(lambda: _phase(window) is ModelPhase.READY)
    assert window.model_banner.text() == ""


@pytest.mark.model
def test_missing_model_is_a_clear_state_and_files_wait_for_a_working_one(
    qtbot, make_window, store, tiny_model, utterance
):
    """A model whose package is missing gives an error banner naming what to install (no crash); dictation
    says it cannot start; a dropped file waits and runs once the settings pick an installed model."""

    def loader(name: str, **kwargs):
        if name == "base":
            raise ModelNotFoundError("model 'base' is not installed: pip install 'whisperdesk[base]'")
        return tiny_model

    store.save(AppSettings(model="base"))
    window = make_window(models=ModelManager(loader=loader))
    qtbot.waitUntil(lambda: _phase(window) is ModelPhase.FAILED)
    assert "pip install 'whisperdesk[base]'" in window.model_banner.text()
    window.live.start_file(utterance("jfk.flac").path)
    qtbot.waitUntil(lambda: "Cannot start: model 'base' is not installed" in window.live_panel.error_banner.text())
    assert window.live.state == IDLE

    short = utterance("ljspeech_LJ001-0008.wav")
    (job_id,) = window.add_files([short.path])
    qtbot.waitUntil(lambda: "waiting for a working model" in window.files_panel.row_status(job_id))
    window.apply_settings(replace(window.settings, model="tiny.en"))
    qtbot.waitUntil(lambda: window.files.queue.get(job_id).state.finished, timeout=WORK_TIMEOUT_MS)
    assert wer(short.reference, window.files.queue.get(job_id).result.transcript.text) < 0.3
    assert _phase(window) is ModelPhase.READY and window.model_banner.text() == ""


def test_contract_demo_panel_toggles_from_the_view_menu(qtbot, make_window):
    """View > Input-contract demo (Ctrl+Shift+D) shows and hides a panel that issue 5's widget can fill."""
    window = make_window(models=ModelManager(loader=lambda name, **kw: fake_loaded()), start=False)
    action = window.contract_demo_action
    assert action.shortcut().toString() == "Ctrl+Shift+D" and action.isCheckable()
    assert not window.contract_demo_dock.isVisible()
    action.trigger()
    assert window.contract_demo_dock.isVisible() and action.isChecked()
    demo = QLabel("demo")
    window.install_contract_demo(demo)
    assert window.contract_demo_dock.widget() is demo
    window.set_contract_demo_visible(False)
    assert not window.contract_demo_dock.isVisible() and not action.isChecked()
