"""The files queue with a transcription server: a file whose server was down keeps its row with the
one-line error, and can be queued again and transcribed once the server is back (real sockets)."""

from __future__ import annotations

import numpy as np

from app.services.file_jobs import transcribe_file
from app.services.file_queue import FileQueue, JobState
from inference.remote.server import RemoteServer, ServerError
from tests.media import write_audio
from tests.remote_http import json_answer, refused_url, scripted_server, verbose_json


def run_next(queue: FileQueue, server: RemoteServer) -> None:
    """What the files controller does with the next queued job, without the window."""
    job = queue.next_queued()
    assert job is not None
    job.state = JobState.RUNNING
    try:
        job.result = transcribe_file(job.path, server, cancel=job.cancel)
        job.state = JobState.DONE
    except ServerError as exc:
        job.state, job.message = JobState.FAILED, str(exc)


def test_a_failed_row_keeps_its_error_and_can_be_retried(tmp_path):
    path = write_audio(tmp_path / "a.wav", np.zeros(16000, np.float32), 16000)
    queue = FileQueue()
    (job,) = queue.add([path])
    down = refused_url()
    run_next(queue, RemoteServer(down))
    assert job.state is JobState.FAILED and job.message.startswith(f"server {down}: connection refused")
    assert not queue.retry(queue.add([tmp_path / "b.wav"])[0].id)  # a queued job is not "retried"
    assert queue.retry(job.id) and job.state is JobState.QUEUED and job.message == ""
    assert not queue.retry(job.id)
    with scripted_server(lambda request, number: json_answer(verbose_json(" Back.", 1.0))) as server:
        run_next(queue, RemoteServer(server.url))
    assert job.state is JobState.DONE and job.result is not None and job.result.transcript.text == "Back."
    assert list(queue.jobs) == [job.id, job.id + 1]  # the row kept its place
