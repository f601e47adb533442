"""Live transcripts survive a crash: autosaved while dictating, offered back on the next start."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.autosave import read_session
from app.services.model_manager import ModelManager
from app.window.live_controller import IDLE, LiveBackends
from tests.gui.conftest import FAKE_MIC
from tests.gui.support import ScriptedSession, StubSource, commit, fake_loaded, partial

pytestmark = [pytest.mark.gui]

EVENTS = [
    partial("Hello", 0.0, 0.5),
    commit("Hello there.", 0.0, 1.0),
    partial("This is", 1.0, 1.6),
    commit("This is a test.", 1.0, 2.0),
    partial("of the autosave", 2.0, 2.8),
]


def scripted(wait_for_stop: bool) -> LiveBackends:
    return LiveBackends(
        list_devices=lambda: [FAKE_MIC],
        microphone=lambda index: StubSource(),
        session=lambda source, loaded, options, on_event, **taps: ScriptedSession(EVENTS, on_event, wait_for_stop),
    )


@pytest.fixture
def models() -> ModelManager:
    return ModelManager(loader=lambda name, **kwargs: fake_loaded())


def _own_file(window) -> Path:
    return window.autosaver.path


def test_dictation_is_autosaved_while_running_and_restored_after_a_crash(qtbot, make_window, models, tmp_path):
    """Each commit reaches the disk while dictation still runs; a second start on the same data (the first
    never closed, as in a crash) offers the text back, and Restore puts it in the transcript."""
    folder = tmp_path / "autosave"
    first = make_window(models=models, live=scripted(wait_for_stop=True), autosave_dir=folder)
    first.live.toggle()
    qtbot.waitUntil(lambda: "of the autosave" in first.live_panel.transcript.partial_text())
    assert first.live.state != IDLE
    qtbot.waitUntil(lambda: _own_file(first).is_file() and "This is a test." in read_session(_own_file(first)).text)
    assert read_session(_own_file(first)).text.startswith("Hello there. This is a test.")

    second = make_window(models=models, live=LiveBackends(list_devices=lambda: []), autosave_dir=folder)
    banner = second.live_panel.restore_banner
    assert "was recovered" in banner.text() and "Hello there. This is a test." in banner.text()
    second.live_panel.restore_requested.emit()
    assert second.live_panel.transcript.committed_text().startswith("Hello there. This is a test.")
    assert banner.text() == ""
    assert not _own_file(first).exists(), "the restored file should be gone (its text now lives in the new run)"
    second.autosaver.flush()
    assert read_session(_own_file(second)).text.startswith("Hello there. This is a test.")
    first.live.stop()


def test_discarded_recovery_is_not_offered_again(qtbot, make_window, models, tmp_path):
    """Discard deletes the recovered transcript; the next start offers nothing."""
    folder = tmp_path / "autosave"
    first = make_window(models=models, live=scripted(wait_for_stop=False), autosave_dir=folder)
    first.live.toggle()
    qtbot.waitUntil(lambda: first.live.state == IDLE and not first.live.transcript.is_empty())
    first.close()
    second = make_window(models=models, live=LiveBackends(list_devices=lambda: []), autosave_dir=folder)
    assert "was recovered" in second.live_panel.restore_banner.text()
    second.live_panel.discard_requested.emit()
    assert second.live_panel.restore_banner.text() == ""
    third = make_window(models=models, live=LiveBackends(list_devices=lambda: []), autosave_dir=folder)
    assert third.live_panel.restore_banner.text() == ""


def test_saved_transcript_is_not_offered_on_the_next_start(qtbot, make_window, models, tmp_path):
    """After the user saves the transcript and closes the window, nothing is left to recover."""
    folder = tmp_path / "autosave"
    first = make_window(models=models, live=scripted(wait_for_stop=False), autosave_dir=folder)
    first.live.toggle()
    qtbot.waitUntil(lambda: first.live.state == IDLE and not first.live.transcript.is_empty())
    first.live.export(tmp_path / "saved.txt", "txt")
    assert (tmp_path / "saved.txt").read_text(encoding="utf-8") == "Hello there.\nThis is a test.\n"
    first.close()
    second = make_window(models=models, live=LiveBackends(list_devices=lambda: []), autosave_dir=folder)
    assert second.live_panel.restore_banner.text() == ""
