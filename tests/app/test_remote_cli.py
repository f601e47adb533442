"""`whisperdesk transcribe --server` over real sockets on 127.0.0.1 (scripted OpenAI-compatible servers):
the record names the server, every export works, each fault is one line naming the server and the
reason with a non-zero exit while the other files keep their results, and several servers share a batch."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from audio.constants import SAMPLE_RATE
from tests.media import write_audio
from tests.remote_http import Answer, json_answer, refused_url, scripted_server, silent_server, verbose_json

KEY = "sk-cli-test-fedcba9876543210"
LOCAL_ONLY = {"model_sha256", "device", "compute_type"}  # facts of local weights, absent from a server's record


@pytest.fixture
def run(capfd):
    """`whisperdesk ARGS` in this process; (status, stdout, stderr lines)."""

    def call(*argv: str) -> tuple[int, str, list[str]]:
        status = main(list(argv))
        out, err = capfd.readouterr()
        return status, out, err.splitlines()

    return call


@pytest.fixture
def tones(tmp_path) -> list[Path]:
    """Four short 44.1 kHz stereo WAV files of 1, 2, 3 and 4 s: the upload's length tells them apart."""
    files = []
    for seconds in (1, 2, 3, 4):
        t = np.arange(44100 * seconds) / 44100
        tone = (0.2 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
        files.append(write_audio(tmp_path / f"tone{seconds}.wav", np.stack([tone, tone], axis=1), 44100))
    return files


def seconds_of(request) -> int:
    return round(request.decoded()[0].size / SAMPLE_RATE)


def echo_length(label: str = "", delay_s: float = 0.0):
    """A server whose text says how many seconds it received (and which server it is)."""

    def script(request, number):
        seconds = seconds_of(request)
        answer = json_answer(verbose_json(f" {label}{seconds} seconds.", float(seconds)))
        return Answer(answer.status, answer.body, delay_s=delay_s)

    return script


def errors(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("whisperdesk: error:")]


def test_json_record_names_the_server_and_the_upload_is_contract_audio(run, utterance):
    """jfk.flac (44.1 kHz stereo) goes up as 11 s of 16 kHz mono; the record says which server and
    model made it, keeps every other field of a local record, and has no local sha256."""
    jfk = utterance("jfk.flac").path
    with scripted_server(echo_length()) as server:
        status, out, err = run(
            "transcribe", str(jfk), "--server", server.url, "--server-model", "tiny", "--format", "json"
        )
    assert status == 0, err
    record = json.loads(out)
    assert record["server"] == server.url and record["model"] == "tiny"
    assert record["pipeline"]["server"]["url"] == server.url and record["pipeline"]["server"]["api_key"] == "none"
    assert not LOCAL_ONLY & record.keys()
    assert {"file", "text", "segments", "language", "duration_s", "processing_s", "rtf", "input"} <= record.keys()
    assert record["input"]["sample_rate"] == 44100 and record["input"]["channels"] == 2
    assert record["text"] == "11 seconds." and record["segments"][0]["words"][0]["text"] == " 11"  # as local words
    (request,) = server.requests
    samples, rate, channels, _ = request.decoded()
    assert (rate, channels) == (SAMPLE_RATE, 1) and abs(samples.size / SAMPLE_RATE - 11.0) < 0.01


@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "json"])
def test_every_export_format_from_a_server(run, tones, tmp_path, fmt):
    """Each export writes the server's segments, in the same form as local ones."""
    out_dir = tmp_path / "out"
    with scripted_server(echo_length()) as server:
        status, _, err = run(
            "transcribe", str(tones[1]), "--server", server.url, "--format", fmt, "--output-dir", str(out_dir)
        )
    assert status == 0, err
    text = (out_dir / f"tone2.{fmt}").read_text()
    expected = {
        "txt": "2 seconds.\n",
        "srt": "1\n00:00:00,000 --> 00:00:02,000\n2 seconds.\n\n",
        "vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n2 seconds.\n\n",
    }
    if fmt == "json":
        assert json.loads(text)["segments"][0]["text"] == " 2 seconds."
    else:
        assert text == expected[fmt]


def test_a_failing_file_keeps_the_others(run, tones):
    """The server fails the second of three files with a 500: one line for it, the other two printed in order."""

    def script(request, number):
        if seconds_of(request) == 2:
            return json_answer({"error": {"message": "decoder crashed"}}, 500)
        return echo_length()(request, number)

    with scripted_server(script) as server:
        status, out, err = run("transcribe", *map(str, tones[:3]), "--server", server.url)
    assert status == 1
    assert out == "1 seconds.\n3 seconds.\n"
    assert errors(err) == [
        f"whisperdesk: error: {tones[1]}: server {server.url}: HTTP 500 Internal Server Error: decoder crashed"
    ]


@pytest.mark.parametrize("fault", ["refused", "unknown host", "no answer", "key rejected"])
def test_each_fault_is_one_line_per_file_and_a_nonzero_exit(run, tones, monkeypatch, fault):
    """A server that is unreachable, silent or rejects the key: every file gets exactly one line naming
    the server and the reason (the first file's own, the rest because the server left the batch)."""
    monkeypatch.setenv("WHISPERDESK_API_KEY", KEY)
    files = list(map(str, tones[:2]))
    if fault == "refused":
        url, said = refused_url(), "connection refused"
        status, out, err = run("transcribe", *files, "--server", url)
    elif fault == "unknown host":
        url, said = "http://whisperdesk-test.invalid:8000/v1", "unknown host whisperdesk-test.invalid"
        status, out, err = run("transcribe", *files, "--server", url, "--allow-insecure-key")
    elif fault == "no answer":
        with silent_server() as url:
            said = "no answer within 0.4 s"
            status, out, err = run("transcribe", *files, "--server", url, "--server-timeout", "0.4")
    else:
        with scripted_server(lambda r, n: json_answer({"error": {"message": "invalid key"}}, 401)) as server:
            url, said = server.url, "the API key was rejected (HTTP 401 Unauthorized: invalid key)"
            status, out, err = run("transcribe", *files, "--server", url)
    assert status == 1 and out == ""
    lines = errors(err)
    assert len(lines) == 2 and err == lines
    for file, line in zip(files, lines, strict=True):
        assert line.startswith(f"whisperdesk: error: {file}: server {url}: {said}")
    assert lines[1].endswith("(on an earlier file)")
    assert all(KEY not in line for line in err)


def test_the_server_dying_in_the_middle_of_a_batch(run, tones):
    """The server answers the first file, dies while holding the second (connection closed, then
    nothing listens): the first transcript is printed, the other two get one line each, exit 1."""

    def script(request, number):
        if number == 0:
            return echo_length()(request, number)
        threading.Thread(target=server.stop, daemon=True).start()
        return Answer(close=True)

    with scripted_server(script) as server:
        status, out, err = run("transcribe", *map(str, tones[:3]), "--server", server.url)
    assert status == 1 and out == "1 seconds.\n"
    lines = errors(err)
    assert len(lines) == 2 and err == lines
    assert lines[0] == (
        f"whisperdesk: error: {tones[1]}: server {server.url}: the connection closed before the reply was complete"
    )
    assert lines[1].startswith(f"whisperdesk: error: {tones[2]}: server {server.url}: ")


def test_files_spread_over_two_servers_come_out_in_order(run, tones):
    """Four files on two servers: both work, and the transcripts are printed in the order given."""
    with scripted_server(echo_length("A ", 0.3)) as a, scripted_server(echo_length("B ", 0.3)) as b:
        status, out, err = run("transcribe", *map(str, tones), "--server", a.url, "--server", b.url)
    assert status == 0, err
    assert a.requests and b.requests and len(a.requests) + len(b.requests) == 4
    assert [line.split()[1] for line in out.splitlines()] == ["1", "2", "3", "4"]
    by_a = {seconds_of(r) for r in a.requests}
    assert [line.split()[0] for line in out.splitlines()] == ["A" if s in by_a else "B" for s in (1, 2, 3, 4)]


@pytest.mark.parametrize("first", ["refused", "always 503"])
def test_a_file_a_server_fails_is_retried_on_another(run, tones, first):
    """The first server is down or answers 503 to everything: every file still gets its transcript from
    the second, each move said in a warning, exit 0."""
    with scripted_server(lambda r, n: Answer(503, b"")) as bad, scripted_server(echo_length("B ")) as good:
        bad_url = refused_url() if first == "refused" else bad.url
        status, out, err = run("transcribe", *map(str, tones[:3]), "--server", bad_url, "--server", good.url)
    assert status == 0, err
    assert out == "B 1 seconds.\nB 2 seconds.\nB 3 seconds.\n"
    assert not errors(err) and err, "at least one file met the bad server first"
    assert all(line.endswith("; sent to another server") and bad_url in line for line in err)


def test_a_file_every_server_fails_names_them_all(run, tones):
    """Both servers fail the file: one line naming each server with its reason."""
    no_gpu = lambda r, n: json_answer({"error": {"message": "no GPU"}}, 500)  # noqa: E731
    busy = lambda r, n: json_answer({"detail": "busy"}, 429)  # noqa: E731
    with scripted_server(no_gpu) as a, scripted_server(busy) as b:
        status, out, err = run("transcribe", str(tones[0]), "--server", a.url, "--server", b.url)
    assert status == 1 and out == ""
    (line,) = errors(err)
    assert f"server {a.url}: HTTP 500 Internal Server Error: no GPU" in line
    assert f"server {b.url}: HTTP 429 Too Many Requests: busy" in line


def test_the_key_is_sent_to_loopback_and_never_printed(run, tones, monkeypatch):
    """$WHISPERDESK_API_KEY reaches the server as a Bearer token and appears in no output."""
    monkeypatch.setenv("WHISPERDESK_API_KEY", KEY)
    with scripted_server(echo_length()) as server:
        status, out, err = run("transcribe", str(tones[0]), "--server", server.url, "--format", "json")
    assert status == 0, err
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    assert KEY not in out and all(KEY not in line for line in err)
    assert json.loads(out)["pipeline"]["server"]["api_key"] == "sent"


def test_a_key_is_not_sent_over_plain_http_to_another_computer(run, tones, monkeypatch):
    """Plain http to a host that is not loopback, with a key: refused before any connection, exit 2."""
    monkeypatch.setenv("WHISPERDESK_API_KEY", KEY)
    status, out, err = run("transcribe", str(tones[0]), "--server", "http://gpu-box.invalid:8000/v1")
    assert status == 2 and out == ""
    assert err == [
        "whisperdesk: error: refusing to send the API key over plain http to gpu-box.invalid, which is not this "
        "computer: use https, or --allow-insecure-key if that network is trusted"
    ]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--server", "gpu-box:8000"], "must look like http://host:port/v1"),
        (["--server", "http://127.0.0.1:8000/v1", "--model", "base"], "with --server, name the server's"),
        (["--server", "http://127.0.0.1:8000/v1", "--server-timeout", "0"], "time-out must be positive"),
    ],
)
def test_bad_server_arguments_are_one_line(run, tones, argv, said):
    status, out, err = run("transcribe", str(tones[0]), *argv)
    assert status == 2 and out == ""
    assert len(err) == 1 and said in err[0]
