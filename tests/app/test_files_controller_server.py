"""The files controller with "on a server" (no window, an inline runner, real sockets): the same rows,
progress, errors naming the server, retry and exports as local transcription, and no local model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from app.services.file_queue import JobState
from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import InlineRunner
from app.window.files_controller import WAITING_FOR_SERVER, FilesController
from app.window.model_controller import ModelController
from app.window.settings_model import AppSettings
from app.window.views import FilesView, ModelView
from audio.constants import SAMPLE_RATE
from inference.options import TranscribeOptions
from inference.remote.server import RemoteServer
from tests.app.fakes import RecordingView
from tests.media import write_audio
from tests.remote_http import Answer, json_answer, refused_url, scripted_server, verbose_json

KEY = "sk-test-controller-0123456789"


def never_load(name: str, **kwargs):
    raise AssertionError("files on a server must not load the local model")


def make_controller(server) -> tuple[FilesController, RecordingView]:
    view, runner = RecordingView(FilesView), InlineRunner()
    models = ModelController(
        ModelManager(never_load), runner, RecordingView(ModelView), ModelSpec("tiny.en", "cpu", "int8")
    )
    return FilesController(view, models, runner, TranscribeOptions, server), view


def tone(path: Path, seconds: float = 1.5, rate: int = 44100) -> Path:
    """A stereo 44.1 kHz WAV (the server must get it converted to 16 kHz mono)."""
    t = np.arange(round(seconds * rate)) / rate
    wave = (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
    return write_audio(path, np.stack([wave, wave], axis=1), rate)


def test_a_file_goes_to_the_server_with_its_row_progress_and_record(tmp_path: Path):
    """The row runs "transcribing on URL", its progress rises to 1.0, it ends DONE with a note naming the
    server; the upload is 16 kHz mono with the key; the JSON export names the server and the model."""
    path = tone(tmp_path / "talk.wav")
    with scripted_server(lambda request, number: json_answer(verbose_json(" Hello there.", 1.5))) as server:
        remote = RemoteServer(server.url, "whisper-test", KEY)
        controller, view = make_controller(lambda: remote)
        (job_id,) = controller.add_paths([path])
        (request,) = server.requests
    _, rate, channels, _ = request.decoded()
    assert (rate, channels) == (SAMPLE_RATE, 1) and request.headers["Authorization"] == f"Bearer {KEY}"
    rows = [call for call in view.of("update_job") if call[0] == job_id]
    assert (JobState.RUNNING, f"transcribing on {server.url}…") in [(state, message) for _, state, _, message in rows]
    progress = [p for _, state, p, _ in rows if state is JobState.RUNNING]
    assert progress == sorted(progress) and progress[-1] == 1.0
    _, state, final, note = rows[-1]
    assert state is JobState.DONE and final == 1.0 and note.endswith(f"· on {server.url}")
    exported = controller.export_job(job_id, "json", tmp_path / "talk.json")
    record = json.loads(exported.read_text(encoding="utf-8"))
    assert (record["server"], record["model"], record["text"]) == (server.url, "whisper-test", "Hello there.")
    assert record["pipeline"]["server"]["api_key"] == "sent" and KEY not in exported.read_text(encoding="utf-8")
    assert "model_sha256" not in record and view.calls[-1] == ("queue_idle",)


def test_a_server_fault_stays_on_its_row_and_retry_runs_it_again(tmp_path: Path):
    """A refused connection fails the row with one line naming the server; the next file still runs
    (and fails the same way); once a server answers, retry_failed re-runs both rows in place."""
    first, second = tone(tmp_path / "a.wav"), tone(tmp_path / "b.wav", 1.0)
    where = {"url": refused_url()}
    controller, view = make_controller(lambda: RemoteServer(where["url"]))
    ids = controller.add_paths([first, second])
    for job_id in ids:
        job = controller.queue.get(job_id)
        assert job.state is JobState.FAILED
        assert job.message.startswith(f"server {where['url']}: connection refused") and "\n" not in job.message
    answers = [Answer(500, b'{"error": {"message": "CUDA out of memory"}}'), json_answer(verbose_json(" Again.", 1.0))]
    with scripted_server(lambda request, number: answers[min(number, 1)]) as server:
        where["url"] = server.url
        assert controller.retry_failed() == ids
        failed = controller.queue.get(ids[0]).message
        assert failed == f"server {server.url}: HTTP 500 Internal Server Error: CUDA out of memory"
        assert controller.queue.get(ids[1]).state is JobState.DONE
        assert controller.retry_failed() == [ids[0]]
    assert [controller.queue.get(i).state for i in ids] == [JobState.DONE, JobState.DONE]
    assert list(controller.queue.jobs) == ids
    assert view.of("add_job") == [(ids[0], "a.wav", str(first)), (ids[1], "b.wav", str(second))]  # no new rows


def test_unusable_server_settings_make_files_wait_until_fixed(tmp_path: Path):
    """No URL yet: the files wait with the reason (not failed); after Settings give one, retry runs them."""
    path = tone(tmp_path / "a.wav", 0.5)
    settings = {"now": AppSettings(engine="server")}
    controller, _ = make_controller(lambda: settings["now"].remote_server(lambda url: None))
    (job_id,) = controller.add_paths([path])
    job = controller.queue.get(job_id)
    assert job.state is JobState.QUEUED
    assert job.message == WAITING_FOR_SERVER.format(reason="no server URL is set: enter one in Settings")
    with scripted_server(lambda request, number: json_answer(verbose_json(" Fixed.", 0.5))) as server:
        settings["now"] = AppSettings(engine="server", server_url=server.url)
        controller.retry()
    assert job.state is JobState.DONE and job.result is not None and job.result.transcript.text == "Fixed."
