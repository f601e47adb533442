"""The window's History tab: an interrupted dictation left by a killed process is listed and offered
back; the window's own dictations are recorded as they run; Copy and Insert hand the text on."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from PySide6.QtWidgets import QApplication

from app.services.history import INTERRUPTED, HistoryRecord, HistoryStore, encode, read_record
from app.services.model_manager import ModelManager
from app.window.history_controller import HistoryController
from app.window.live_controller import IDLE, LiveBackends
from app.window.views import HistoryView
from inference.results import Segment
from tests.app.fakes import RecordingView
from tests.gui.conftest import FAKE_MIC
from tests.gui.support import ScriptedSession, StubSource, commit, fake_loaded, partial

pytestmark = [pytest.mark.gui]

KILLED_TEXT = "Words from a dictation that was killed. and its last partial"


def _dead_pid() -> int:
    run = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(run.stdout)


def _interrupted(started_at: float) -> HistoryRecord:
    pieces = (Segment(0.0, 3.0, "Words from a dictation that was killed."),)
    return HistoryRecord(
        "20260101-000000-000-killed",
        started_at,
        None,
        4.2,
        pieces,
        "and its last partial",
        source="simulated: speech.mp3",
        model="tiny.en",
        pid=_dead_pid(),
        saved_at=started_at + 4,
    )


@pytest.fixture
def models() -> ModelManager:
    return ModelManager(loader=lambda name, **kwargs: fake_loaded())


@pytest.fixture
def killed() -> HistoryRecord:
    """An interrupted record in the data folder, as a SIGKILLed `whisperdesk live` leaves it."""
    store = HistoryStore()
    store.folder.mkdir(parents=True)
    record = _interrupted(time.time() - 3600)
    store.path_for(record.id).write_text(encode(record), encoding="utf-8")
    return record


def test_an_interrupted_dictation_is_listed_and_offered_back(qtbot, make_window, models, killed, tmp_path):
    window = make_window(models=models, live=LiveBackends(list_devices=lambda: []))
    panel = window.history_panel
    assert panel.entry_ids() == [killed.id]
    assert panel.row_texts()[0].endswith("[interrupted]") and panel.row_texts()[0].startswith("Words from")
    banner = window.live_panel.restore_banner
    assert "was recovered" in banner.text() and "Words from a dictation that was killed" in banner.text()

    window.show_view("history")
    panel.select_row(0)
    assert panel.full_text.toPlainText() == KILLED_TEXT and "interrupted" in panel.title.text()
    panel.copy_requested.emit()
    assert QApplication.clipboard().text() == KILLED_TEXT

    window.live_panel.restore_requested.emit()
    assert window.live.transcript.text == KILLED_TEXT
    assert banner.text() == ""
    kept = read_record(HistoryStore().path_for(killed.id))
    assert kept.restore_done and kept.text == KILLED_TEXT, "restored, but still in the history"
    assert HistoryStore().to_restore() is None
    # (its text now lives in the first window's autosave; a window with its own autosave folder sees only history)
    again = make_window(models=models, live=LiveBackends(list_devices=lambda: []), autosave_dir=tmp_path / "other")
    assert again.live_panel.restore_banner.text() == "", "a restored dictation is not offered again"
    assert again.history_panel.entry_ids() == [killed.id]


EVENTS = [
    partial("Hello", 0.0, 0.5),
    commit("Hello there.", 0.0, 1.0),
    partial("This is", 1.0, 1.6),
    commit("This is a test.", 1.0, 2.0),
]


def test_the_windows_dictations_are_recorded_and_insertable(qtbot, make_window, models, killed):
    backends = LiveBackends(
        list_devices=lambda: [FAKE_MIC],
        microphone=lambda index: StubSource(),
        session=lambda source, loaded, options, on_event, **taps: ScriptedSession(EVENTS, on_event, False),
    )
    window = make_window(models=models, live=backends)
    window.live.toggle()
    qtbot.waitUntil(lambda: window.live.state == IDLE and not window.live.transcript.is_empty())
    panel = window.history_panel
    assert len(panel.entry_ids()) == 2, "the list is refreshed when a dictation ends"
    newest = read_record(HistoryStore().path_for(panel.entry_ids()[0]))
    assert newest.text == "Hello there. This is a test." and newest.ended_at is not None
    assert newest.source == FAKE_MIC.name and newest.autosave == window.autosaver.path.name
    assert panel.row_texts()[0] == "Hello there. This is a test."

    window.show_view("history")
    panel.select_row(1)  # the older, interrupted one
    panel.insert_requested.emit()
    assert window.tabs.currentIndex() == 0, "Insert shows the live transcript"
    assert window.live.transcript.text == f"Hello there. This is a test. {KILLED_TEXT}"
    assert window.live_panel.transcript.committed_text().endswith(KILLED_TEXT)


def test_controller_reports_unreadable_files_and_keeps_the_selection(tmp_path, killed):
    store = HistoryStore()
    (store.folder / "broken.json").write_text("{", encoding="utf-8")
    view = RecordingView(HistoryView)
    controller = HistoryController(view, store)
    controller.refresh()
    ((entries, selected),) = view.of("set_entries")
    assert [e.id for e in entries] == [killed.id] and selected is None and entries[0].status == INTERRUPTED
    (problem,) = view.of("show_history_problem")
    assert "1 history file could not be read" in problem[0] and "broken.json" in problem[0]
    controller.select(killed.id)
    controller.refresh()
    assert view.of("set_entries")[-1][1] == killed.id and view.of("show_entry")[-1][0].text == KILLED_TEXT
    assert controller.send(lambda text: text == KILLED_TEXT)
    controller.select(None)
    assert not controller.send(lambda text: True)
    assert view.of("show_history_problem")[-1] == ("Select a dictation first",)
