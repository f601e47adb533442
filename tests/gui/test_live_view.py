"""The live view in the window (offscreen), driven by a file replayed as the microphone:
partial then committed text, stop flushing the last words, level meter, status line, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.services.wer import normalize, wer
from app.window.live_controller import IDLE, LiveBackends
from audio.devices import NoAudioBackendError
from audio.file_source import FileSource
from tests.gui.conftest import FAKE_MIC
from tests.gui.support import parse_srt

pytestmark = [pytest.mark.gui]

SESSION_TIMEOUT_MS = 300_000  # replaying jfk.flac step by step on a contended 2-core machine


def file_as_microphone(path: Path) -> LiveBackends:
    """The chosen 'microphone' replays `path` as fast as the session takes it."""
    return LiveBackends(list_devices=lambda: [FAKE_MIC], microphone=lambda index: FileSource(path, realtime=False))


def _wait_idle(qtbot, window) -> None:
    if window.live.state != IDLE:
        with qtbot.waitSignal(
            window.live_panel.state_changed, check_params_cb=lambda s: s == IDLE, timeout=SESSION_TIMEOUT_MS
        ):
            pass


@pytest.mark.model
def test_dictation_shows_partial_then_committed_text_and_exports_srt(
    qtbot, make_window, tiny_manager, utterance, tmp_path: Path
):
    """Ctrl+R starts the microphone (here a replayed 44.1 kHz stereo file): words appear first in the grey
    partial tail and later as committed text; the meter moves; the status line shows latency and RTF;
    the transcript exports as valid SRT."""
    jfk = utterance("jfk.flac")
    window = make_window(models=tiny_manager, live=file_as_microphone(jfk.path))
    panel, view = window.live_panel, window.live_panel.transcript
    assert "Test microphone — 44100 Hz, 2 ch" in panel.device_combo.currentText()
    snapshots: list[tuple[str, str]] = []
    view.updated.connect(lambda: snapshots.append((view.committed_text(), view.partial_text())))
    levels: list[float] = []
    show_level = panel.show_level
    panel.show_level = lambda rms, peak: (levels.append(rms), show_level(rms, peak))

    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.live.state != IDLE, "Ctrl+R did not start dictation"
    _wait_idle(qtbot, window)

    committed_at_end = set(normalize(snapshots[-1][0]).split())
    promoted = {
        word
        for committed, tail in snapshots
        for word in set(normalize(tail).split()) - set(normalize(committed).split())
        if word in committed_at_end
    }
    assert len(promoted) >= 3, f"words shown grey and committed later: {promoted}"
    assert view.partial_text() == ""
    assert wer(jfk.reference, view.committed_text()) < 0.25, view.committed_text()
    assert max(levels) > -40.0
    assert "latency" in panel.status_label.text() and "RTF –" not in panel.status_label.text()

    target = window.live.export(tmp_path / "dictation.srt", "srt")
    cues = parse_srt(target.read_text(encoding="utf-8"))
    assert wer(jfk.reference, " ".join(text for _, _, text in cues)) < 0.25


@pytest.mark.model
def test_stop_flushes_the_last_words(qtbot, make_window, tiny_manager, utterance):
    """Stopping mid-sentence commits the words still in the grey tail instead of dropping them."""
    jfk = utterance("jfk.flac")
    window = make_window(models=tiny_manager)
    view = window.live_panel.transcript
    at_stop: dict[str, str] = {}

    def stop_once_tail_shows() -> None:
        if not at_stop and len(view.committed_text().split()) >= 3 and view.partial_text():
            at_stop.update(committed=view.committed_text(), partial=view.partial_text())
            window.live.stop()

    view.updated.connect(stop_once_tail_shows)
    window.live.start_file(jfk.path, realtime=False)
    _wait_idle(qtbot, window)
    assert at_stop, "never saw committed text with a partial tail"
    final = view.committed_text()
    assert final.startswith(at_stop["committed"]) and view.partial_text() == ""
    committed, tail = (normalize(at_stop[key]).split() for key in ("committed", "partial"))
    overlap = max(k for k in range(len(tail) + 1) if k == 0 or committed[-k:] == tail[:k])
    final_words = normalize(final).split()
    assert len(final_words) >= len(committed) + len(tail) - overlap, (at_stop, final)
    heard = " ".join(normalize(jfk.reference).split()[: len(final_words)])
    assert wer(heard, final) < 0.6, (heard, final)


@pytest.mark.model
def test_without_portaudio_the_live_view_says_so_and_files_still_work(qtbot, make_window, tiny_manager, utterance):
    """No PortAudio: a clear message, Start disabled, no crash; a dropped file is still transcribed."""

    def no_backend():
        raise NoAudioBackendError("PortAudio is not available (libportaudio.so.2: cannot open shared object file)")

    window = make_window(models=tiny_manager, live=LiveBackends(list_devices=no_backend))
    panel = window.live_panel
    assert "PortAudio is not available" in panel.audio_banner.text()
    assert not panel.start_button.isEnabled() and panel.device_combo.currentText() == "No input device"
    window.live.toggle()
    assert window.live.state == IDLE and "No microphone" in panel.error_banner.text()
    short = utterance("ljspeech_LJ001-0008.wav")
    (job_id,) = window.add_files([short.path])
    qtbot.waitUntil(lambda: window.files.queue.get(job_id).state.finished, timeout=SESSION_TIMEOUT_MS)
    assert wer(short.reference, window.files.queue.get(job_id).result.transcript.text) < 0.3
