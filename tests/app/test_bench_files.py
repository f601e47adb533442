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
from inference.aligned_model import engine_view

WHISPERDESK = str(Path(sys.executable).with_name("whisperdesk"))
NUMBER = r"[-+]?\d+(?:\.\d+)?"


ROWS = ("whisperdesk", "whisperdesk batched", "faster-whisper", "faster-whisper, our options")


@pytest.mark.model
def test_bench_files_prints_every_row_against_the_baseline(audio_dir):
    """`bench files --limit 2` prints the four rows over the same audio, each with its ratio to the
    baseline (the baseline's own ratio is 1), the targets and the per-file WER."""
    done = subprocess.run([WHISPERDESK, "bench", "files", "--limit", "2"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = {}
    for name in ROWS:
        columns = rf"\s+({NUMBER})" * 4 + r"\s+(\S+)\s+(\S+)" + rf"\s+({NUMBER})" * 3  # ... RSS, growth, WER, x, +pt
        match = re.search(rf"^{re.escape(name)}{columns}$", done.stdout, flags=re.MULTILINE)
        assert match, done.stdout
        rows[name] = match.groups()
    assert {row[0] for row in rows.values()} == {"2"}
    assert all(float(row[1]) == pytest.approx(22.17, abs=0.1) for row in rows.values())  # 11.66 s + 10.51 s
    assert all(float(row[2]) > 0 for row in rows.values())
    assert float(rows["faster-whisper"][7]) == 1.0 and float(rows["faster-whisper"][8]) == 0.0
    ours, plain = rows["whisperdesk"], rows["faster-whisper"]
    assert float(ours[7]) == pytest.approx(float(ours[2]) / float(plain[2]), abs=0.01)  # times printed to 0.01 s
    assert "baseline: faster-whisper (its defaults, path input)" in done.stdout
    assert "WER difference" in done.stdout and "time overhead" in done.stdout
    assert "librispeech_dev-clean_2412-153948-0001.flac" in done.stdout


@pytest.mark.model
def test_bench_files_json(monkeypatch, tiny_model, capfd):
    """--json gives one object with every side, per-file scores, the ratios, settings and the pipeline."""
    monkeypatch.setattr(bench_files, "load_from_args", lambda args: tiny_model)
    assert main(["bench", "files", "--limit", "1", "--repeat", "2", "--json"]) == 0
    report = json.loads(capfd.readouterr().out)
    assert set(report["sides"]) == set(ROWS)
    for side in report["sides"].values():
        assert side["files"] == 1
        assert side["audio_s"] == pytest.approx(11.66, abs=0.05)
        assert side["rtf"] == pytest.approx(side["processing_s"] / side["audio_s"])
        assert side["wer"] < 0.1
        assert len(side["per_file"]) == 1
    ours, plain = report["sides"]["whisperdesk"], report["sides"]["faster-whisper"]
    assert report["ratio"]["whisperdesk"]["processing_s"] == pytest.approx(ours["processing_s"] / plain["processing_s"])
    assert "faster-whisper" not in report["ratio"]
    assert report["settings"]["options"]["beam_size"] == 5
    assert report["settings"]["options"]["vad_filter"] is True
    assert report["settings"]["options"]["word_timestamps"] is True
    assert report["settings"]["batched_options"]["batch_size"] == 8
    assert report["settings"]["baseline"]["kwargs"] == {"language": "en", "beam_size": 5}
    assert report["settings"]["repeat"] == 2
    assert report["pipeline"]["conversion"]["resampler"] == "soxr"


def test_baseline_is_the_engine_called_with_its_defaults(monkeypatch):
    """The baseline is called as faster-whisper's users call it (language and beam only), on a str path,
    through faster-whisper's own loop; the labelled second row gets our options."""
    calls = []

    class FakeModel:
        def transcribe(self, audio, **kwargs):
            calls.append((audio, kwargs))
            return iter(()), type("Info", (), {"duration": 1.0})()

    monkeypatch.setattr(bench_files, "engine_view", lambda model: model)
    loaded = type("Loaded", (), {"model": FakeModel()})()
    sides = bench_files.all_sides(loaded)
    assert sides["faster-whisper"](Path("/x/a.wav")) == ("", 1.0)
    assert sides["faster-whisper, our options"](Path("/x/b.wav")) == ("", 1.0)
    assert calls == [("/x/a.wav", {"language": "en", "beam_size": 5}), ("/x/b.wav", bench_files.OPTIONS.to_kwargs())]


@pytest.mark.model
def test_engine_view_is_plain_faster_whisper_on_the_same_weights(tiny_model):
    """The baseline's model is faster-whisper's own class (no aligned word times), sharing the loaded weights,
    and on faster-whisper's own CTranslate2 model: not our one-thread decoding copy."""
    from faster_whisper import WhisperModel

    from inference.decoder_threads import SplitWhisper

    plain = engine_view(tiny_model.model)
    assert type(plain) is WhisperModel and type(tiny_model.model) is not WhisperModel
    split = tiny_model.model.model
    assert isinstance(split, SplitWhisper) and plain.model is split.wide


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
