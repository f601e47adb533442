"""whisperdesk against a real OpenAI-compatible server from PyPI (faster-whisper-server, the dev extra)
serving the bundled tiny.en on 127.0.0.1: shared English speech transcribed through it scores within
1 WER point of local transcription, every export has the local shape, and the record names the server.

The server is set up as whisperdesk decodes locally (tiny.en int8 on the CPU, beam 5, Silero VAD):
those are the server's settings, which the OpenAI API does not carry, so the test compares the
transport (conversion here, contract FLAC up, verbose_json back), not two different configurations.
"""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bench.dataset import Utterance
from app.services.file_jobs import transcribe_file
from app.services.live_session import LiveSession
from app.services.wer import corpus_wer
from audio.file_source import FileSource
from inference.models import tiny_en_dir
from inference.options import TranscribeOptions
from inference.remote.engine import remote_engine
from inference.remote.server import RemoteServer
from inference.stream_events import Commit, StreamEvent
from tests.tools import missing_fixture

pytestmark = [pytest.mark.slow, pytest.mark.model]

BIN = Path(sys.executable).parent
SERVER = BIN / "faster-whisper-server"
WHISPERDESK = str(BIN / "whisperdesk")
START_S = 120.0  # seconds the server may take to come up (it imports faster-whisper, 2 busy cores)
WER_POINTS = 1.0  # issue 13: WER on the server within 1 point of local transcription
OPTIONS = TranscribeOptions(language="en")  # what `whisperdesk transcribe` does with an English-only model
LOCAL_ONLY = {"model_sha256", "device", "compute_type"}
CONFIG = """\
models:
  - name: whisper-1
    path: {path}
    model_options: {{device: cpu, compute_type: int8}}
    transcribe_options: {{beam_size: 5, vad_filter: true}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _lines(stream, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


@pytest.fixture(scope="module")
def whisper_server(tmp_path_factory) -> Iterator[str]:
    """faster-whisper-server on 127.0.0.1 serving tiny.en as `whisper-1`; its /v1 base URL."""
    if not SERVER.is_file():
        missing_fixture(f"{SERVER.name} not installed (pip install -e '.[dev]' brings it)")
    config = tmp_path_factory.mktemp("server") / "config.yaml"
    config.write_text(CONFIG.format(path=json.dumps(str(tiny_en_dir()))), encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [str(SERVER), "--config", str(config), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(process.stderr, lines), daemon=True).start()
    deadline, said = time.monotonic() + START_S, []
    try:
        while not any("Uvicorn running on" in line for line in said):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                pytest.fail(f"faster-whisper-server did not start: {''.join(said)[-2000:]}")
            try:
                said.append(lines.get(timeout=min(remaining, 1.0)))
            except queue.Empty:
                continue
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def remote_records(whisper_server, english) -> list[dict]:
    """The whole shared English set through `whisperdesk transcribe --server ... --format json`."""
    done = subprocess.run(
        [WHISPERDESK, "transcribe", *(str(u.path) for u in english), "--server", whisper_server, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_wer_through_the_server_is_within_a_point_of_local(remote_records, english: list[Utterance], tiny_model):
    """Corpus WER over the shared English set: on the server within 1 point of this computer's."""
    local = [transcribe_file(u.path, tiny_model, OPTIONS).transcript.text for u in english]
    remote = [record["text"] for record in remote_records]
    assert [record["file"] for record in remote_records] == [str(u.path) for u in english]
    references = [u.reference for u in english]
    local_wer, remote_wer = corpus_wer(references, local), corpus_wer(references, remote)
    print(f"corpus WER local {100 * local_wer:.2f}%, server {100 * remote_wer:.2f}% over {len(english)} files")
    assert abs(remote_wer - local_wer) * 100 <= WER_POINTS
    assert remote_wer < 0.10


def test_the_record_names_the_server(remote_records, whisper_server):
    """Each JSON record names the server and model, with the local conversion and no local sha256."""
    for record in remote_records:
        assert record["server"] == whisper_server and record["model"] == "whisper-1"
        assert record["pipeline"]["server"]["url"] == whisper_server
        assert record["pipeline"]["conversion"]["resampler"] == "soxr"
        assert not LOCAL_ONLY & record.keys()
        assert record["language"] == "en" and record["segments"]


def _shape(fmt: str, text: str) -> object:
    """What a format's structure is, without its words and times: cue numbering and time syntax,
    or the JSON record's keys (a server's record swaps the local weights' facts for the server)."""
    if fmt == "json":
        record = json.loads(text)
        keys = sorted(set(record) - LOCAL_ONLY - {"server"})
        segment_keys = {key for s in record["segments"] for key in s}
        return keys, sorted(set(record["pipeline"]) - {"model", "server"}), sorted(segment_keys)
    if fmt == "txt":
        return all(line.strip() for line in text.splitlines()) and text.endswith("\n")
    stamp = r"\d\d:\d\d:\d\d[,.]\d{3}"
    cues = re.findall(rf"^(?:(\d+)\n)?({stamp}) --> ({stamp})\n(.+)\n\n", text, flags=re.MULTILINE)
    numbered = [int(n) for n, *_ in cues] == list(range(1, len(cues) + 1)) if fmt == "srt" else True
    return bool(cues) and numbered and text.startswith("WEBVTT\n\n" if fmt == "vtt" else "1\n")


@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "json"])
def test_exports_have_the_shape_of_local_ones(whisper_server, cli, utterance, tmp_path, fmt):
    """jfk.flac exported locally and through the server: the same structure in every format, and the
    same words (WER between the two under 10%)."""
    source = str(utterance("jfk.flac").path)
    shapes, texts = [], []
    for name, extra in (("local", []), ("server", ["--server", whisper_server])):
        out = tmp_path / name
        status, _, err = cli("transcribe", source, "--format", fmt, "--output-dir", str(out), *extra)
        assert status == 0, err
        text = (out / f"jfk.{fmt}").read_text(encoding="utf-8")
        shapes.append(_shape(fmt, text))
        texts.append(text)
    assert shapes[0] == shapes[1] and shapes[0]
    if fmt == "txt":
        assert corpus_wer([texts[0]], [texts[1]]) < 0.10


def test_bench_files_reports_the_server_against_local(whisper_server):
    """`bench files --server URL --json`: the server row with its time and RTF, and its WER against
    the local row of the same run."""
    done = subprocess.run(
        [WHISPERDESK, "bench", "files", "--limit", "3", "--server", whisper_server, "--json"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    side, local = report["sides"]["server 1"], report["sides"]["whisperdesk"]
    assert side["files"] == local["files"] == 3 and side["audio_s"] == pytest.approx(local["audio_s"], abs=0.05)
    assert side["processing_s"] > 0 and side["rtf"] == pytest.approx(side["processing_s"] / side["audio_s"])
    compared = report["servers_vs_local"]["server 1"]
    assert compared["url"] == whisper_server
    assert compared["wer_points"] == pytest.approx(100 * (side["wer"] - local["wer"]))
    assert report["settings"]["servers"]["server 1"]["model"] == "whisper-1"


LIVE_FILES = 4  # short shared utterances dictated through the server
LIVE_WER = 0.10  # measured 4.37% over 8 such files (local live 3.40%), 2-core AMD EPYC, fast replay


def test_live_dictation_through_the_server(whisper_server, english: list[Utterance]):
    """The live policy on the server (a reply without word timestamps: words spread over segments),
    replayed as fast as it is transcribed: words are committed while the speaker goes on, and the
    transcript is close to the reference."""
    files = [u for u in english if not u.name.startswith("long_")][:LIVE_FILES]
    engine = remote_engine(RemoteServer(whisper_server))
    texts, commits = [], 0
    for u in files:
        events: list[StreamEvent] = []
        summary = LiveSession(FileSource(u.path, realtime=False), engine, on_event=events.append).run()
        assert summary.error is None
        texts.append(summary.text)
        commits += sum(isinstance(e, Commit) for e in events)
    live_wer = corpus_wer([u.reference for u in files], texts)
    print(f"live WER through the server {100 * live_wer:.2f}% over {len(files)} files, {commits} commits")
    assert commits >= 2 * len(files)
    assert live_wer < LIVE_WER
