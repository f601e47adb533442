"""`whisperdesk bench files`: both sides measured in one run, printed as a table or JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.bench import files as bench_files
from app.bench.memory import current_rss_bytes, peak_rss_bytes, reset_peak_rss
from app.cli import main

WHISPERDESK = str(Path(sys.executable).with_name("whisperdesk"))
NUMBER = r"[-+]?\d+(?:\.\d+)?"


@pytest.mark.model
def test_bench_files_prints_both_rows_and_the_ratio(audio_dir):
    """`bench files --limit 2` prints both rows over the same audio, the ratio and the per-file WER."""
    done = subprocess.run([WHISPERDESK, "bench", "files", "--limit", "2"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = {}
    for name in ("whisperdesk", "faster-whisper"):
        columns = rf"\s+({NUMBER})" * 4 + r"\s+(\S+)\s+(\S+)" + rf"\s+({NUMBER})"  # ... RSS, growth, WER
        match = re.search(rf"^{name}{columns}$", done.stdout, flags=re.MULTILINE)
        assert match, done.stdout
        rows[name] = match.groups()
    ours, plain = rows["whisperdesk"], rows["faster-whisper"]
    assert ours[0] == plain[0] == "2"
    assert float(ours[1]) == pytest.approx(float(plain[1]), abs=0.1)  # same audio seconds
    assert float(ours[1]) == pytest.approx(22.17, abs=0.1)  # the first two manifest rows: 11.66 s + 10.51 s
    assert all(float(side[2]) > 0 for side in (ours, plain))
    assert re.search(rf"^ratio ours/plain\s+{NUMBER}\s+{NUMBER}", done.stdout, flags=re.MULTILINE)
    assert "WER difference" in done.stdout and "time overhead" in done.stdout
    assert "librispeech_dev-clean_2412-153948-0001.flac" in done.stdout


@pytest.mark.model
def test_bench_files_json(monkeypatch, tiny_model, capfd):
    """--json gives one object with both sides, per-file scores, the ratio, settings and the pipeline."""
    monkeypatch.setattr(bench_files, "load_from_args", lambda args: tiny_model)
    assert main(["bench", "files", "--limit", "1", "--repeat", "2", "--json"]) == 0
    report = json.loads(capfd.readouterr().out)
    ours, plain = report["sides"]["whisperdesk"], report["sides"]["faster-whisper"]
    for side in (ours, plain):
        assert side["files"] == 1
        assert side["audio_s"] == pytest.approx(11.66, abs=0.05)
        assert side["rtf"] == pytest.approx(side["processing_s"] / side["audio_s"])
        assert side["wer"] < 0.1
        assert len(side["per_file"]) == 1
    assert report["ratio"]["processing_s"] == pytest.approx(ours["processing_s"] / plain["processing_s"])
    assert report["settings"]["options"]["beam_size"] == 5
    assert report["settings"]["options"]["vad_filter"] is True
    assert report["settings"]["options"]["word_timestamps"] is True
    assert report["settings"]["repeat"] == 2
    assert report["pipeline"]["conversion"]["resampler"] == "soxr"


def test_sides_get_the_same_decoding_options(monkeypatch):
    """The plain side is called with exactly our options' keyword arguments, on a str path."""
    calls = []

    class FakeModel:
        def transcribe(self, audio, **kwargs):
            calls.append((audio, kwargs))
            return iter(()), type("Info", (), {"duration": 1.0})()

    loaded = type("Loaded", (), {"model": FakeModel()})()
    text, duration = bench_files.plain_side(loaded)(Path("/x/a.wav"))
    assert (text, duration) == ("", 1.0)
    assert calls == [("/x/a.wav", bench_files.OPTIONS.to_kwargs())]
    assert calls[0][1]["language"] == "en"


def test_bad_limit_is_a_one_line_error(capfd):
    """--repeat 0 stops with one error line, exit 2."""
    assert main(["bench", "files", "--repeat", "0"]) == 2
    assert capfd.readouterr().err == "whisperdesk: error: nothing to run: --limit and --repeat must be at least 1\n"


@pytest.mark.skipif(not reset_peak_rss(), reason="kernel does not allow resetting the RSS high-water mark")
def test_peak_rss_can_be_reset_per_stage():
    """After a reset the peak follows a new 200 MB allocation, then drops back after the next reset."""
    assert reset_peak_rss()
    before = current_rss_bytes()
    block = np.ones(200 << 20, dtype=np.uint8)
    del block
    grown = peak_rss_bytes() - before
    assert grown > 190 << 20
    assert reset_peak_rss()
    assert peak_rss_bytes() - current_rss_bytes() < 10 << 20
