"""The files view in the window (offscreen): drops, per-file progress, errors on rows, cancel, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.file_queue import JobState
from app.services.model_manager import ModelManager
from app.services.wer import wer
from inference.errors import ModelNotFoundError
from tests.gui.support import drop_files, parse_srt

pytestmark = [pytest.mark.gui]

WORK_TIMEOUT_MS = 180_000  # a contended 2-core machine can be slow


def _no_model(name: str, **kwargs):
    raise ModelNotFoundError(f"model '{name}' is not installed: pip install it")


def _finished(window, job_ids) -> bool:
    return all(window.files.queue.get(i).state.finished for i in job_ids)


@pytest.mark.model
def test_dropped_speech_file_is_transcribed_with_progress_to_100(qtbot, make_window, tiny_manager, utterance):
    """Dropping a 44.1 kHz stereo FLAC on the window queues it, shows rising progress up to 100%,
    and fills the result viewer with a transcript whose WER is low."""
    jfk = utterance("jfk.flac")
    window = make_window(models=tiny_manager)
    seen: list[float] = []
    drop_files(window, [jfk.path])
    assert window.tabs.currentWidget() is window.files_panel
    (job_id,) = window.files.queue.jobs
    window.files_panel._bars[job_id].valueChanged.connect(lambda v: seen.append(v / 1000))
    with qtbot.waitSignal(window.files_panel.idle, timeout=WORK_TIMEOUT_MS):
        pass
    job = window.files.queue.get(job_id)
    assert job.state is JobState.DONE, job.message
    assert window.files_panel.row_progress(job_id) == 1.0
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 2, seen
    assert window.files_panel.shown_job() == job_id
    shown = " ".join(window.files_panel.segment_texts())
    assert wer(jfk.reference, shown) < 0.15, shown
    assert "44100 Hz 2 ch" in window.files_panel.result_info.text()


@pytest.mark.model
def test_corrupt_file_shows_error_on_its_row_while_another_completes(
    qtbot, make_window, tiny_manager, utterance, tmp_path: Path
):
    """A file with a WAV name but garbage inside fails on its own row with the reason; the next file
    in the queue still finishes with a good transcript."""
    corrupt = tmp_path / "broken.wav"
    corrupt.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 8)
    good = utterance("ljspeech_LJ001-0002.wav")
    window = make_window(models=tiny_manager)
    drop_files(window, [corrupt, good.path])
    bad_id, good_id = window.files.queue.jobs
    qtbot.waitUntil(lambda: _finished(window, [bad_id, good_id]), timeout=WORK_TIMEOUT_MS)
    assert window.files.queue.get(bad_id).state is JobState.FAILED
    status = window.files_panel.row_status(bad_id)
    assert status.startswith("Error: ") and "readable" in status, status
    assert window.files.queue.get(good_id).state is JobState.DONE
    text = window.files.queue.get(good_id).result.transcript.text
    assert wer(good.reference, text) < 0.2, text


@pytest.mark.model
def test_cancel_all_stops_the_running_file_and_the_queued_one(qtbot, make_window, tiny_manager, utterance):
    """Cancel all ends a running two-minute file early and the file waiting behind it at once."""
    long_file = utterance("long_gwbush_radio_address_2008-11-01.wav")
    window = make_window(models=tiny_manager)
    first, second = window.add_files([long_file.path, utterance("jfk.flac").path])
    qtbot.waitUntil(lambda: window.files_panel.row_progress(first) > 0, timeout=WORK_TIMEOUT_MS)
    window.files.cancel_all()
    assert window.files.queue.get(second).state is JobState.CANCELLED
    qtbot.waitUntil(lambda: _finished(window, [first]), timeout=WORK_TIMEOUT_MS)
    assert window.files.queue.get(first).state is JobState.CANCELLED
    assert window.files_panel.row_progress(first) < 1.0
    assert window.files_panel.row_status(first) == "cancelled"


@pytest.mark.model
def test_export_writes_valid_srt_for_one_file_and_all(qtbot, make_window, tiny_manager, utterance, tmp_path: Path):
    """Export of a finished file writes SubRip with numbered, ordered cues; export all writes one per file."""
    jfk, lj = utterance("jfk.flac"), utterance("ljspeech_LJ001-0008.wav")
    window = make_window(models=tiny_manager)
    ids = window.add_files([jfk.path, lj.path])
    qtbot.waitUntil(lambda: _finished(window, ids), timeout=WORK_TIMEOUT_MS)
    target = window.files.export_job(ids[0], "srt", tmp_path / "out" / "jfk.srt")
    cues = parse_srt(target.read_text(encoding="utf-8"))
    assert wer(jfk.reference, " ".join(c[2] for c in cues)) < 0.15
    assert cues[-1][1] <= 11.5
    written = window.files.export_all("vtt", tmp_path / "all")
    assert [p.name for p in written] == ["jfk.vtt", "ljspeech_LJ001-0008.vtt"]
    assert all(p.read_text(encoding="utf-8").startswith("WEBVTT\n") for p in written)


def test_dropped_folder_queues_its_media_files_only(qtbot, make_window, tmp_path: Path):
    """A dropped folder adds its audio/video files (recursively) and ignores other files."""
    folder = tmp_path / "recordings"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.wav", "sub/b.mp3", "notes.txt", ".hidden.wav"):
        (folder / name).write_bytes(b"x")
    window = make_window(models=ModelManager(loader=_no_model), start=False)
    drop_files(window, [folder])
    assert sorted(job.name for job in window.files.queue.jobs.values()) == ["a.wav", "b.mp3"]


@pytest.mark.model
def test_closing_the_window_cancels_running_work_and_joins_its_thread(qtbot, make_window, tiny_manager, utterance):
    """Closing mid-transcription cancels the file and leaves no worker thread behind."""
    window = make_window(models=tiny_manager)
    (job_id,) = window.add_files([utterance("long_gwbush_radio_address_2008-11-01.wav").path])
    qtbot.waitUntil(lambda: window.files_panel.row_progress(job_id) > 0, timeout=WORK_TIMEOUT_MS)
    window.close()
    assert window.runner.running() == 0
    assert window.files.queue.get(job_id).state is JobState.CANCELLED
