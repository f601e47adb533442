"""`whisperdesk contract-demo`: the JSON fields, the readable report with its banner, clear errors, no Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.demo.result import BANNER
from app.demo.spectrogram_png import PNG_SIGNATURE
from audio.constants import SAMPLE_RATE

SIDE_FIELDS = {"text", "sample_rate_fed", "channels_fed", "seconds_as_seen", "processing_s"}


@pytest.mark.model
def test_json_has_both_sides_native_and_wer(audio_dir: Path, tmp_path: Path, capsys):
    """--json prints one object with converted/raw fields, native format and WER; --spectrogram writes a PNG."""
    picture = tmp_path / "demo.png"
    argv = ["contract-demo", str(audio_dir / "jfk.flac"), "--json", "--spectrogram", str(picture), "--device", "cpu"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record["converted"]) >= SIDE_FIELDS and set(record["raw"]) >= SIDE_FIELDS
    assert record["native"]["sample_rate"] == 44100 and record["native"]["channels"] == 2
    assert record["converted"]["sample_rate_fed"] == record["raw"]["sample_rate_fed"] == SAMPLE_RATE
    assert record["converted"]["channels_fed"] == record["raw"]["channels_fed"] == 1
    assert record["raw"]["seconds_as_seen"] == pytest.approx(11.0 * 44100 * 2 / SAMPLE_RATE, abs=0.01)
    assert "country" in record["converted"]["text"].lower()
    assert record["wer_raw_vs_converted"] >= 0.8
    assert picture.read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.model
def test_report_shows_both_parts_and_the_banner(audio_dir: Path, capsys):
    """Without --json: both pane titles, durations as seen, the word difference and the plain-language banner."""
    argv = ["contract-demo", str(audio_dir / "jfk.flac"), "--mismatch", "no-resample", "--max-seconds", "5"]
    assert main([*argv, "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "Converted: 16 kHz mono (what the model was trained on)" in out
    assert "Raw: 44.1 kHz mono (downmixed, not resampled) passed as 16 kHz mono (contract broken)" in out
    assert "13.78 s as the model saw it (2.8x longer, pitched down)" in out
    assert "WER of raw against converted:" in out
    assert BANNER in out
    for phrase in ("raised no error", "silent contract break", "one shared conversion step"):
        assert phrase in BANNER


def test_missing_file_is_one_line_naming_it(tmp_path: Path, capsys):
    """A missing file fails fast (before the model loads) with one stderr line naming the file."""
    missing = tmp_path / "nope.wav"
    assert main(["contract-demo", str(missing)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"whisperdesk: error: {missing}: no such file"]


def test_spectrogram_into_a_missing_folder_is_refused_first(audio_dir: Path, tmp_path: Path, capsys):
    """--spectrogram into a folder that does not exist is refused before any work."""
    target = tmp_path / "no" / "such" / "demo.png"
    assert main(["contract-demo", str(audio_dir / "jfk.flac"), "--spectrogram", str(target)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_side_imports_no_qt():
    """The command and the demo logic load without importing Qt (the CLI must not need a display)."""
    code = (
        "import sys, app.cli, app.commands.contract_demo, app.demo; app.cli.build_parser(); "
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
