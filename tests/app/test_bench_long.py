"""`whisperdesk bench long`: a repeated-speech recording through transcribe_file with its time to the
first segment, RTF, peak RSS and WER (a short one here; the README's run is two hours)."""

from __future__ import annotations

import json

import pytest

from app.bench import long as bench_long
from app.cli import main

pytestmark = pytest.mark.model


def test_bench_long_json(monkeypatch, tiny_model, capfd):
    """--minutes 1 writes a recording of at least a minute and reports every number, sanely."""
    monkeypatch.setattr(bench_long, "load_from_args", lambda args: tiny_model)
    assert main(["bench", "long", "--minutes", "1", "--json"]) == 0
    report = json.loads(capfd.readouterr().out)
    assert 60 <= report["audio_s"] < 200
    assert 0 < report["first_segment_s"] < report["processing_s"]
    assert report["rtf"] == pytest.approx(report["processing_s"] / report["audio_s"], abs=0.002)
    assert report["wer"] < 0.15 and report["segments"] > 5
    assert report["peak_rss_mb"] is None or report["peak_rss_mb"] > 100
