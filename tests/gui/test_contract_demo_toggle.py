"""The input-contract demo switched on and off in the window (offscreen): a dropped file fills both
panes and the picture; off hides the panel and the raw path no longer runs; a live session with
the demo on updates the raw pane, and with it off no raw worker exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import app.demo.file_demo as file_demo
import app.demo.live_raw as live_raw
import app.window.contract_demo_controller as demo_controller
from app.demo.live_demo import LiveRawUpdate
from app.demo.mismatch import Mismatch
from app.demo.result import BANNER
from app.services.file_queue import JobState
from app.services.wer import normalize, wer
from app.window.live_controller import IDLE, RUNNING, LiveBackends, _session
from audio.file_source import FileSource
from tests.gui.conftest import FAKE_MIC
from tests.gui.support import drop_files

pytestmark = [pytest.mark.gui, pytest.mark.model]

WORK_TIMEOUT_MS = 300_000  # the raw path lasts 5.5x longer than jfk.flac; a contended 2-core machine is slow


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    """Replace module.name by a wrapper that records each call and then calls the original."""
    calls: list[object] = []
    original = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        calls.append(args[0] if args else None)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def _job_done(window, path: Path) -> bool:
    jobs = [job for job in window.files.queue.jobs.values() if job.path == Path(path)]
    return bool(jobs) and jobs[-1].state.finished


def test_demo_on_shows_both_panes_and_the_picture_for_a_dropped_file(
    qtbot, make_window, tiny_manager, utterance, monkeypatch: pytest.MonkeyPatch
):
    """Ctrl+Shift+D opens the demo; a dropped 44.1 kHz stereo file is transcribed as usual and, in the
    background, both ways: the converted pane has the speech, the raw pane almost none of it."""
    jfk = utterance("jfk.flac")
    window = make_window(models=tiny_manager)
    demo_runs = _counting(monkeypatch, demo_controller, "run_file_demo")
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.contract_demo_dock.isVisible() and window.contract_demo.enabled
    assert window.contract_demo_action.isChecked() and window.contract_demo_switch.isChecked()
    panel = window.contract_demo_panel
    assert window.contract_demo_dock.widget() is panel and panel.mismatch() is Mismatch.INTERLEAVED

    drop_files(window, [jfk.path])
    qtbot.waitUntil(lambda: _job_done(window, jfk.path), timeout=WORK_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.contract_demo.last_result is not None, timeout=WORK_TIMEOUT_MS)
    assert demo_runs == [jfk.path]
    (job,) = window.files.queue.jobs.values()
    assert job.state is JobState.DONE and "country" in job.result.transcript.text.lower()

    view = panel.view
    converted = view.converted_pane.transcript.toPlainText()
    assert "ask not what your country" in normalize(converted), converted
    result = window.contract_demo.last_result
    assert result.raw.text == "" or wer(result.converted.text, result.raw.text) >= 0.8, result.raw.text
    assert view.raw_pane.transcript.toPlainText() == result.raw.display_text
    assert view.raw_pane.title() == "Raw: 44.1 kHz stereo passed as 16 kHz mono (contract broken)"
    assert "44.1 kHz stereo" in view.raw_pane.received.text() and "5.5x longer" in view.raw_pane.duration.text()
    assert view.converted_pane.processing.text().startswith("Processing time: ")
    assert view.wer.text().startswith("WER of raw against converted: ")
    assert view.banner.text() == BANNER and view.banner.isVisible()
    assert panel.source.text() == "File: jfk.flac"
    assert not view.spectrogram.pixmap().isNull() and view.spectrogram.pixmap().width() > 0

    panel.mismatch_combo.setCurrentIndex(panel.mismatch_combo.findData(Mismatch.NO_RESAMPLE.value))
    assert window.contract_demo.mismatch is Mismatch.NO_RESAMPLE
    panel.run_button.click()
    qtbot.waitUntil(lambda: window.contract_demo.last_result is not result, timeout=WORK_TIMEOUT_MS)
    assert demo_runs == [jfk.path, jfk.path] and window.contract_demo.last_result.mismatch is Mismatch.NO_RESAMPLE
    assert view.raw_pane.title().startswith("Raw: 44.1 kHz mono (downmixed, not resampled)")


def test_demo_off_hides_the_panel_and_later_files_skip_the_raw_path(
    qtbot, make_window, tiny_manager, utterance, monkeypatch: pytest.MonkeyPatch
):
    """The switch off hides the panel; files dropped afterwards are transcribed normally with no
    demo run and no raw model call: the broken path and its cost are gone."""
    first, second = utterance("ljspeech_LJ001-0008.wav"), utterance("ljspeech_LJ001-0004.wav")
    demo_runs = _counting(monkeypatch, demo_controller, "run_file_demo")
    raw_calls = _counting(monkeypatch, file_demo, "transcribe_raw")
    window = make_window(models=tiny_manager)
    window.contract_demo_switch.click()
    assert window.contract_demo_dock.isVisible() and window.contract_demo_action.isChecked()
    drop_files(window, [first.path])
    qtbot.waitUntil(lambda: window.contract_demo.last_result is not None, timeout=WORK_TIMEOUT_MS)
    assert (len(demo_runs), len(raw_calls)) == (1, 1), "the counters must see the demo when it is on"

    window.contract_demo_switch.click()
    assert not window.contract_demo_dock.isVisible() and not window.contract_demo.enabled
    assert not window.contract_demo_action.isChecked()
    assert window.contract_demo_panel.view.converted_pane.transcript.toPlainText() == ""
    drop_files(window, [second.path])
    qtbot.waitUntil(lambda: _job_done(window, second.path), timeout=WORK_TIMEOUT_MS)
    job = next(job for job in window.files.queue.jobs.values() if job.path == second.path)
    assert job.state is JobState.DONE and wer(second.reference, job.result.transcript.text) < 0.3
    qtbot.waitUntil(lambda: window.runner.running() == 0, timeout=WORK_TIMEOUT_MS)
    assert (len(demo_runs), len(raw_calls)) == (1, 1), "the raw path ran with the demo off"
    assert not window.contract_demo.busy


def test_switching_off_cancels_a_running_file_demo(
    qtbot, make_window, tiny_manager, utterance, monkeypatch: pytest.MonkeyPatch
):
    """Off while a file demo runs: it is cancelled and nothing of it is shown afterwards."""
    raw_calls = _counting(monkeypatch, file_demo, "transcribe_raw")
    jfk = utterance("jfk.flac")
    window = make_window(models=tiny_manager)
    window.set_contract_demo_visible(True)
    drop_files(window, [jfk.path])
    qtbot.waitUntil(lambda: window.contract_demo.busy, timeout=WORK_TIMEOUT_MS)
    window.set_contract_demo_visible(False)
    qtbot.waitUntil(lambda: not window.contract_demo.busy and window.runner.running() == 0, timeout=WORK_TIMEOUT_MS)
    assert window.contract_demo.last_result is None
    assert window.contract_demo_panel.view.wer.text() == ""
    assert len(raw_calls) <= 1  # the raw side may have started; it stopped at its first segment


def _file_as_microphone(path: Path, sessions: list[dict[str, object]]) -> LiveBackends:
    """The 'microphone' replays `path` as fast as the session takes it; each session's keyword
    arguments are recorded (on_block is there only when the demo taps the blocks)."""

    def session(source, loaded, options, on_event, **kwargs):
        sessions.append(kwargs)
        return _session(source, loaded, options, on_event, **kwargs)

    return LiveBackends(
        list_devices=lambda: [FAKE_MIC],
        microphone=lambda index: FileSource(path, realtime=False),
        session=session,
    )


def _workers(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    created: list[object] = []
    original = live_raw.LiveRawWorker

    def counted(*args: object, **kwargs: object) -> object:
        worker = original(*args, **kwargs)
        created.append(worker)
        return worker

    monkeypatch.setattr(live_raw, "LiveRawWorker", counted)
    return created


def _dictate(qtbot, window) -> None:
    window.live.toggle()
    assert window.live.state != IDLE
    qtbot.waitUntil(lambda: window.live.state == IDLE, timeout=WORK_TIMEOUT_MS)


def test_live_session_with_the_demo_on_updates_the_raw_pane(
    qtbot, make_window, tiny_manager, utterance, monkeypatch: pytest.MonkeyPatch
):
    """Demo on, then dictation: the session hands its blocks to one raw worker, the raw pane is
    updated from it, and the normal transcript still appears in the live view and the converted pane."""
    jfk = utterance("jfk.flac")
    workers, sessions = _workers(monkeypatch), []
    window = make_window(models=tiny_manager, live=_file_as_microphone(jfk.path, sessions))
    panel = window.contract_demo_panel
    updates: list[LiveRawUpdate] = []
    during_session: list[LiveRawUpdate] = []
    show = panel.show_live_update

    def record(raw: LiveRawUpdate | None = None, converted_text: str | None = None) -> None:
        if raw is not None:
            updates.append(raw)
            if window.live.state == RUNNING:
                during_session.append(raw)
        show(raw=raw, converted_text=converted_text)

    panel.show_live_update = record
    window.set_contract_demo_visible(True)
    _dictate(qtbot, window)
    qtbot.waitUntil(lambda: any(update.final for update in updates), timeout=WORK_TIMEOUT_MS)

    assert len(workers) == 1 and len(sessions) == 1 and callable(sessions[0]["on_block"])
    assert all(isinstance(update, LiveRawUpdate) for update in updates)
    assert during_session and not any(update.final for update in during_session), "no raw update while speaking"
    assert updates[-1].native_seconds == pytest.approx(jfk.duration_s, abs=0.1)
    assert wer(jfk.reference, window.live.transcript.text) < 0.25, window.live.transcript.text
    assert "country" in panel.view.converted_pane.transcript.toPlainText().lower()
    assert panel.view.raw_pane.title() == "Raw: 44.1 kHz stereo passed as 16 kHz mono (contract broken)"
    assert "Duration as the model saw it" in panel.view.raw_pane.duration.text()
    assert panel.source.text() == "Live: file jfk.flac (44.1 kHz stereo)"


def test_live_session_with_the_demo_off_creates_no_raw_worker(
    qtbot, make_window, tiny_manager, utterance, monkeypatch: pytest.MonkeyPatch
):
    """Demo off: the session's blocks pass an idle gate only; no raw worker is created, no raw
    model call is made, and the transcript is normal."""
    short = utterance("ljspeech_LJ001-0008.wav")
    workers, sessions = _workers(monkeypatch), []
    raw_calls = _counting(monkeypatch, live_raw, "transcribe_raw")
    window = make_window(models=tiny_manager, live=_file_as_microphone(short.path, sessions))
    _dictate(qtbot, window)
    assert workers == [] and raw_calls == [] and len(sessions) == 1
    assert wer(short.reference, window.live.transcript.text) < 0.3, window.live.transcript.text


def test_switching_the_demo_on_during_dictation_starts_the_raw_side(
    qtbot, make_window, tiny_manager, utterance, monkeypatch: pytest.MonkeyPatch
):
    """A dictation started with the demo off: switching it on while speaking attaches a raw worker
    to the running session, and the raw pane gets that session's updates."""
    jfk = utterance("jfk.flac")
    workers, sessions = _workers(monkeypatch), []
    window = make_window(models=tiny_manager, live=_file_as_microphone(jfk.path, sessions))
    panel = window.contract_demo_panel
    updates: list[LiveRawUpdate] = []
    show = panel.show_live_update

    def record(raw: LiveRawUpdate | None = None, converted_text: str | None = None) -> None:
        if raw is not None:
            updates.append(raw)
        show(raw=raw, converted_text=converted_text)

    panel.show_live_update = record
    window.live.toggle()
    qtbot.waitUntil(lambda: bool(window.live.transcript.text), timeout=WORK_TIMEOUT_MS)  # speaking, demo off
    assert workers == [] and window.live.state == RUNNING
    window.set_contract_demo_visible(True)
    assert len(workers) == 1
    qtbot.waitUntil(lambda: window.live.state == IDLE, timeout=WORK_TIMEOUT_MS)
    qtbot.waitUntil(lambda: any(update.final for update in updates), timeout=WORK_TIMEOUT_MS)
    assert len(sessions) == 1 and len(workers) == 1
    assert 0 < updates[-1].native_seconds < jfk.duration_s  # it heard the session from the switch on
    assert panel.view.raw_pane.title() == "Raw: 44.1 kHz stereo passed as 16 kHz mono (contract broken)"


def test_a_failing_demo_is_reported_in_its_panel_and_the_queue_goes_on(
    qtbot, make_window, tiny_manager, utterance, monkeypatch: pytest.MonkeyPatch
):
    """A demo error becomes the panel's status line; the file itself is transcribed as usual."""
    short = utterance("ljspeech_LJ001-0008.wav")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("raw side exploded")

    monkeypatch.setattr(demo_controller, "run_file_demo", broken)
    window = make_window(models=tiny_manager)
    window.set_contract_demo_visible(True)
    drop_files(window, [short.path])
    status = window.contract_demo_panel.view.status
    qtbot.waitUntil(lambda: "raw side exploded" in status.text(), timeout=WORK_TIMEOUT_MS)
    assert status.text() == f"Contract demo failed on {short.name}: RuntimeError: raw side exploded"
    job = next(iter(window.files.queue.jobs.values()))
    assert job.state is JobState.DONE and wer(short.reference, job.result.transcript.text) < 0.3
    assert not window.contract_demo.busy and window.contract_demo.last_result is None
