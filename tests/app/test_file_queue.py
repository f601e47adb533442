"""The files queue as plain data: which dropped paths become jobs, order, cancel, clean-up."""

from __future__ import annotations

from pathlib import Path

from app.services.file_queue import FileQueue, JobState, expand_paths


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_folders_give_their_media_files_sorted_and_recursively(tmp_path: Path):
    """A folder yields its audio/video files (any depth, any suffix case), skipping hidden and other files."""
    _touch(tmp_path, "b.MP3", "a.wav", "deep/c.mkv", "notes.txt", ".cache/d.wav", ".e.flac")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])] == ["a.wav", "b.MP3", "deep/c.mkv"]


def test_named_files_are_kept_whatever_their_name(tmp_path: Path):
    """A file dropped by name stays in the queue even if missing or oddly named, so its row can say why."""
    assert expand_paths([tmp_path / "missing.xyz"]) == [tmp_path / "missing.xyz"]


def test_queue_runs_in_order_and_never_adds_a_pending_file_twice(tmp_path: Path):
    """Jobs come out in the order added; a file already waiting is not queued again, but can be re-run later."""
    _touch(tmp_path, "a.wav", "b.wav")
    queue = FileQueue()
    first, second = queue.add([tmp_path / "a.wav", tmp_path / "b.wav"])
    assert queue.add([tmp_path / "a.wav"]) == []
    assert queue.next_queued() is first
    first.state = JobState.DONE
    assert queue.next_queued() is second
    (again,) = queue.add([tmp_path / "a.wav"])
    assert again.id not in (first.id, second.id)


def test_cancel_ends_queued_jobs_now_and_signals_running_ones(tmp_path: Path):
    """Cancelling a queued job ends it at once; a running job gets its cancel event set; ended jobs stay."""
    _touch(tmp_path, "a.wav", "b.wav", "c.wav")
    queue = FileQueue()
    running, waiting, finished = queue.add([tmp_path / n for n in ("a.wav", "b.wav", "c.wav")])
    running.state, finished.state = JobState.RUNNING, JobState.DONE
    assert [job.id for job in queue.cancel_all()] == [running.id, waiting.id]
    assert waiting.state is JobState.CANCELLED and running.cancel.is_set() and running.state is JobState.RUNNING
    assert not queue.cancel(finished.id)


def test_remove_finished_keeps_work_in_progress(tmp_path: Path):
    """Clear finished drops done, failed and cancelled jobs only."""
    _touch(tmp_path, "a.wav", "b.wav", "c.wav")
    queue = FileQueue()
    done, failed, waiting = queue.add([tmp_path / n for n in ("a.wav", "b.wav", "c.wav")])
    done.state, failed.state = JobState.DONE, JobState.FAILED
    assert queue.remove_finished() == [done.id, failed.id]
    assert list(queue.jobs) == [waiting.id]
    assert queue.counts()[JobState.QUEUED] == 1
