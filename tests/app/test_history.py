"""The dictation history store and recorder: when records are written (commits at once, the rest at the
autosave cadence), that writes are atomic, the listing order, retention, interrupted records, corrupt
files, and the `whisperdesk history` command on top."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.services.autosave import Autosaver
from app.services.history import (
    FINISHED,
    INTERRUPTED,
    RUNNING,
    DictationRecorder,
    HistoryRecord,
    HistoryStore,
    encode,
    read_record,
)
from inference.results import Segment
from inference.stream_events import Commit, Level, Partial, Summary


class Clock:
    """A settable clock (the same one for the cadence and the record's times)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def commit(text: str, start: float, end: float) -> Commit:
    return Commit(text, start, end, 0.0, 0.1)


def partial(text: str, start: float, end: float) -> Partial:
    return Partial(text, start, end, 0.0, 0.1)


def summary(audio_s: float) -> Summary:
    return Summary("", None, None, None, 0, audio_s)


def dead_pid() -> int:
    """The id of a process that has exited."""
    run = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(run.stdout)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "history")


def on_disk(recorder: DictationRecorder) -> HistoryRecord:
    return read_record(recorder.path)


def test_commits_write_at_once_and_partials_at_most_once_per_interval(store, tmp_path, clock):
    """A record exists from the start; a commit reaches the disk at once; a partial waits for the interval;
    the end marks it finished with the audio's duration; no temporary file is left."""
    saver = Autosaver(tmp_path / "autosave", interval_s=3.0, clock=clock)
    recorder = DictationRecorder(store, saver, "Test microphone", "tiny.en", clock=clock)
    saver.flush()
    first = on_disk(recorder)
    assert first.ended_at is None and first.text == "" and first.source == "Test microphone"
    assert first.status() == RUNNING and first.pid == os.getpid()

    recorder.on_event(partial("hello", 0.0, 0.6))
    recorder.on_event(commit("Hello there.", 0.0, 1.0))
    saver.flush()
    assert on_disk(recorder).text == "Hello there."
    clock.now += 1.0
    recorder.on_event(partial("this is", 1.0, 1.8))
    recorder.on_event(Level(-20.0, -6.0, 2.0))
    saver._writer.submit(lambda: None).result()  # the writer is idle: what is on disk stays
    assert on_disk(recorder).text == "Hello there.", "a partial must wait for the interval"
    clock.now += 2.5
    recorder.on_event(Level(-20.0, -6.0, 2.4))
    saver._writer.submit(lambda: None).result()
    assert on_disk(recorder).text == "Hello there. this is" and on_disk(recorder).duration_s == 2.4

    recorder.on_event(commit("This is it.", 1.0, 2.5))
    recorder.on_event(summary(3.2))
    saver.close()
    done = on_disk(recorder)
    assert done.status() == FINISHED and done.ended_at == clock.now and done.partial == ""
    assert done.text == "Hello there. This is it." and done.duration_s == 3.2
    assert done.pieces == (Segment(0.0, 1.0, "Hello there."), Segment(1.0, 2.5, "This is it."))
    assert [p.name for p in store.folder.iterdir()] == [recorder.path.name], "no temporary file may be left"
    assert saver.errors() == []


def test_a_dictation_with_no_words_is_not_kept(store, tmp_path):
    saver = Autosaver(tmp_path / "autosave")
    recorder = DictationRecorder(store, saver, "mic", "tiny.en")
    saver.flush()
    assert recorder.path.exists()
    recorder.on_event(partial("uh", 0.0, 0.5))
    recorder.finish()
    saver.close()
    assert not recorder.path.exists() and store.load().records == ()


def test_listing_is_ordered_by_start_not_by_file_time(store):
    """Oldest first by start time, whatever order the files were written in."""
    for started in (300.0, 100.0, 200.0):
        record = HistoryRecord(f"id-{started:.0f}", started, started + 5, 5.0, (Segment(0, 1, f"at {started}"),))
        store.folder.mkdir(parents=True, exist_ok=True)
        store.path_for(f"z{started:.0f}").write_text(encode(record), encoding="utf-8")
    assert [r.started_at for r in store.load().records] == [100.0, 200.0, 300.0]


def test_retention_keeps_the_newest(store, tmp_path, clock):
    """Only the newest `keep` dictations stay once a dictation ends."""
    store.keep = 3
    saver = Autosaver(tmp_path / "autosave", clock=clock)
    texts = []
    for n in range(5):
        clock.now += 60
        recorder = DictationRecorder(store, saver, "mic", "tiny.en", clock=clock)
        recorder.on_event(commit(f"Dictation number {n}.", 0.0, 1.0))
        recorder.finish()
        texts.append(f"Dictation number {n}.")
    saver.close()
    assert [r.text for r in store.load().records] == texts[-3:]
    assert len(list(store.folder.iterdir())) == 3


def test_a_record_whose_writer_died_is_interrupted_and_offered_once(store, clock):
    """No end and a dead writer: interrupted, text = commits + the last partial; offered for restore until
    marked done; records that a window's autosave covers are never offered from the history."""
    pieces = (Segment(0.0, 2.0, "Committed words."),)
    dead = HistoryRecord("a", clock.now, None, 4.0, pieces, "and a partial", pid=dead_pid(), saved_at=clock.now)
    covered = HistoryRecord("b", clock.now - 10, None, 4.0, pieces, pid=dead_pid(), saved_at=clock.now, autosave="x")
    store.folder.mkdir(parents=True)
    for record in (dead, covered):
        store.path_for(record.id).write_text(encode(record), encoding="utf-8")
    listed = {r.id: r for r in store.load().records}
    assert listed["a"].status() == INTERRUPTED and listed["a"].text == "Committed words. and a partial"
    assert listed["b"].status() == INTERRUPTED
    offered = store.to_restore()
    assert offered is not None and offered.id == "a"
    saver = Autosaver(store.folder.parent / "autosave")
    store.mark_restore_done(offered, saver)
    saver.close()
    assert store.to_restore() is None
    assert store.get("a") is not None and store.get("a").status() == INTERRUPTED, "it stays in the history"


def test_a_live_writer_that_stopped_writing_long_ago_counts_as_interrupted(clock):
    """A reused pid must not keep a dead dictation 'running' forever."""
    record = HistoryRecord("a", clock.now - 600, None, 3.0, pid=os.getpid(), saved_at=clock.now - 600)
    assert record.status(now=clock.now) == INTERRUPTED
    assert record.status(now=clock.now - 599) == RUNNING


def test_corrupt_files_are_skipped_with_one_line_each(store):
    store.folder.mkdir(parents=True)
    good = HistoryRecord("good", 100.0, 105.0, 5.0, (Segment(0, 1, "Fine."),))
    store.path_for("good").write_text(encode(good), encoding="utf-8")
    store.path_for("cut").write_text('{"version": 1, "id": "cut", "pieces": [[0, 1, "x', encoding="utf-8")
    store.path_for("odd").write_text(json.dumps({"version": 1, "id": "odd"}), encoding="utf-8")
    (store.folder / ".wd-123-0.tmp").write_text("half", encoding="utf-8")  # a write cut by a crash
    listing = store.load()
    assert [r.id for r in listing.records] == ["good"]
    assert len(listing.problems) == 2 and all("\n" not in p for p in listing.problems)
    assert {Path(p.split(":")[0]).name for p in listing.problems} == {"cut.json", "odd.json"}


# the command ---------------------------------------------------------------------------------


def _write(folder: Path, record: HistoryRecord) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{record.id}.json").write_text(encode(record), encoding="utf-8")


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("WHISPERDESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "history"


def test_history_command_on_an_empty_history(data, capsys):
    assert main(["history"]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and "No dictations" in out and err == ""
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["history", "--last"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "no dictations" in err


def test_history_command_lists_newest_last_and_prints_the_last_in_full(data, capsys):
    long_text = "This is a long dictation that goes on well past the sixty characters the table shows."
    older = HistoryRecord("1-old", 1_700_000_000.0, 1_700_000_065.0, 65.0, (Segment(0, 9, "First one."),))
    newer = HistoryRecord(
        "2-new", 1_700_000_100.0, None, 7.4, (Segment(0, 7, long_text),), "and more", pid=dead_pid(), saved_at=1.0
    )
    _write(data, newer)
    _write(data, older)
    (data / "broken.json").write_text("{not json", encoding="utf-8")

    assert main(["history"]) == 0
    out, err = capsys.readouterr()
    header, first, second = out.splitlines()
    assert "started" in header and "duration" in header and "words" in header
    assert "1:05" in first and "First one." in first and "interrupted" not in first
    assert "0:07" in second and second.rstrip().endswith("[interrupted]") and " 18 " in second
    assert long_text[:40] in second and "and more" not in second, "the table shows only the first words"
    assert err.count("\n") == 1 and "broken.json" in err and "Traceback" not in err

    assert main(["history", "--last"]) == 0
    assert capsys.readouterr().out == f"{long_text} and more\n"
    assert main(["history", "--last", "--json"]) == 0
    last = json.loads(capsys.readouterr().out)
    assert last["id"] == "2-new" and last["interrupted"] is True and last["text"] == f"{long_text} and more"
    assert main(["history", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == ["1-old", "2-new"] and listed[0]["status"] == FINISHED
    assert listed[0]["duration_s"] == 65.0 and listed[0]["words"] == 2


@pytest.mark.model
def test_a_finished_cli_dictation_is_in_the_history(cli, data, utterance):
    """`whisperdesk live` records its run: `history --last` is the summary's text, finished."""
    status, out, err = cli("live", "--simulate", str(utterance("jfk.flac").path), "--fast", "--json")
    assert status == 0, err
    spoken = json.loads(out.splitlines()[-1])["text"]
    status, out, err = cli("history", "--last", "--json")
    record = json.loads(out)
    assert status == 0 and record["text"] == spoken and record["status"] == FINISHED
    assert record["source"].endswith("jfk.flac") and record["model"] == "tiny.en"
