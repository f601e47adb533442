"""`whisperdesk transcribe`: JSON records with the full pipeline, export files, accuracy on shared files."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from app.cli import main
from app.commands import transcribe as transcribe_command
from app.commands.common import ProgressBar
from app.services.wer import corpus_wer
from inference.models import resolve_model
from tests.media import read_native, write_video

WHISPERDESK = str(Path(sys.executable).with_name("whisperdesk"))
RECORD_FIELDS = {
    "file", "text", "segments", "language", "duration_s", "processing_s", "rtf", "model", "model_sha256",
    "device", "compute_type", "input", "pipeline",
}  # fmt: skip
WER_FILES = (
    "librispeech_test-clean_1089-134686-0000.flac",
    "librispeech_dev-clean_2412-153948-0001.flac",
    "librispeech_test-clean_1995-1837-0001.wav",
    "ljspeech_LJ001-0001.wav",
    "ljspeech_LJ001-0005.mp3",
)
MAX_CORPUS_WER = 0.06  # tiny.en int8 measured 0.014 on these five (2 errors in 145 words)


@pytest.fixture(scope="module")
def jfk_video(tmp_path_factory, utterance) -> Path:
    """An mp4 holding a video stream and jfk.flac's speech as aac."""
    return write_video(
        tmp_path_factory.mktemp("video") / "jfk.mp4", 11.0, audio=read_native(utterance("jfk.flac").path)
    )


@pytest.fixture(scope="module")
def json_run(jfk_video, audio_dir) -> subprocess.CompletedProcess:
    """One real `whisperdesk transcribe --format json` over the video and five shared files."""
    files = [str(jfk_video), *(str(audio_dir / name) for name in WER_FILES)]
    return subprocess.run(
        [WHISPERDESK, "transcribe", *files, "--format", "json"], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def records(json_run) -> list[dict]:
    assert json_run.returncode == 0, json_run.stderr
    return [json.loads(line) for line in json_run.stdout.splitlines()]


@pytest.mark.model
def test_json_prints_one_complete_record_per_file(records, json_run, jfk_video):
    """Each file gives one JSON line with every field the issue lists; stderr stays empty."""
    assert len(records) == 1 + len(WER_FILES)
    assert records[0]["file"] == str(jfk_video)
    for record in records:
        assert set(record) >= RECORD_FIELDS
        assert set(record["input"]) >= {"sample_rate", "channels", "codec"}
        assert record["rtf"] == pytest.approx(record["processing_s"] / record["duration_s"], abs=1e-3)
        assert (record["model"], record["device"], record["compute_type"]) == ("tiny.en", "cpu", "int8")
        assert record["language"] == "en"
        assert record["segments"] and all({"start", "end", "text", "words"} <= set(s) for s in record["segments"])
    assert json_run.stderr == ""


@pytest.mark.model
def test_json_record_names_the_exact_model_and_pipeline(records):
    """model_sha256 is the sha256 of tiny.en's model.bin; pipeline has versions and conversion settings."""
    weights = Path(resolve_model("tiny.en").path) / "model.bin"
    sha = hashlib.sha256(weights.read_bytes()).hexdigest()
    pipeline = records[0]["pipeline"]
    assert records[0]["model_sha256"] == sha == pipeline["model"]["sha256"]
    for package in ("faster-whisper", "ctranslate2", "soxr", "av"):
        assert pipeline["versions"][package] == version(package)
    assert pipeline["conversion"]["resampler"] == "soxr"
    assert pipeline["conversion"]["resampler_quality"] == "HQ"
    assert pipeline["conversion"]["downmix"] == "mean"


@pytest.mark.model
def test_video_input_reports_its_audio_stream(records):
    """The mp4 is transcribed from its aac stream, reported at its native 44.1 kHz stereo."""
    video = records[0]
    assert (video["input"]["sample_rate"], video["input"]["channels"], video["input"]["codec"]) == (44100, 2, "aac")
    assert video["duration_s"] == pytest.approx(11.0, abs=0.05)
    assert "ask not what your country can do for you" in video["text"].lower()


@pytest.mark.model
def test_wer_on_shared_files_is_within_threshold(records, utterance):
    """Corpus WER over five shared English files stays under the threshold, and no file is far off."""
    refs = [utterance(name).reference for name in WER_FILES]
    hyps = [record["text"] for record in records[1:]]
    assert corpus_wer(refs, hyps) < MAX_CORPUS_WER
    for name, ref, hyp in zip(WER_FILES, refs, hyps, strict=True):
        assert corpus_wer([ref], [hyp]) < 0.15, name


def _clock(text: str) -> float:
    hours, minutes, rest = text.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


@pytest.mark.model
@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "json"])
def test_output_dir_exports_are_valid(cli, tmp_path, utterance, fmt):
    """--output-dir writes FILE.<fmt>: parseable cues with ordered timestamps inside the audio, or JSON."""
    source = utterance("jfk.flac").path
    status, out, err = cli("transcribe", str(source), "--format", fmt, "--output-dir", str(tmp_path / "out"))
    target = tmp_path / "out" / f"jfk.{fmt}"
    assert status == 0
    assert out == ""
    assert f"-> {target}" in err
    text = target.read_text(encoding="utf-8")
    assert "ask not what your country" in text.lower().replace(",", "")
    if fmt in {"srt", "vtt"}:
        decimal = "," if fmt == "srt" else r"\."
        stamp = rf"\d\d:\d\d:\d\d{decimal}\d{{3}}"
        times = re.findall(rf"^({stamp}) --> ({stamp})$", text, flags=re.MULTILINE)
        assert len(times) >= 2
        spans = [(_clock(a), _clock(b)) for a, b in times]
        assert all(0 <= start <= end <= 11.05 for start, end in spans)
        assert [s for s, _ in spans] == sorted(s for s, _ in spans)
        if fmt == "srt":
            assert re.findall(r"^(\d+)\n" + stamp, text, flags=re.MULTILINE) == [str(i + 1) for i in range(len(times))]
        else:
            assert text.startswith("WEBVTT\n\n")
    if fmt == "json":
        record = json.loads(text)
        assert record["file"] == str(source)
        assert record["segments"][0]["words"]
    if fmt == "txt":
        assert len(text.strip().splitlines()) >= 2


@pytest.mark.model
def test_inputs_with_the_same_stem_do_not_overwrite_each_other(cli, tmp_path, utterance):
    """a/jfk.flac and b/jfk.wav in one run: jfk.txt and jfk-2.txt, each with its own transcript;
    a rerun overwrites its own outputs instead of adding jfk-3.txt."""
    first = utterance("jfk.flac").path
    other = tmp_path / "b" / "jfk.wav"
    other.parent.mkdir()
    other.write_bytes(utterance("ljspeech_LJ001-0002.wav").path.read_bytes())
    out_dir = tmp_path / "out"
    for _ in range(2):
        status, _, err = cli("transcribe", str(first), str(other), "--output-dir", str(out_dir))
        assert status == 0
        assert f"{first} -> {out_dir / 'jfk.txt'}" in err and f"{other} -> {out_dir / 'jfk-2.txt'}" in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["jfk-2.txt", "jfk.txt"]
    assert "ask not what your country" in (out_dir / "jfk.txt").read_text().lower().replace(",", "")
    assert "comparatively modern" in (out_dir / "jfk-2.txt").read_text().lower()


@pytest.mark.model
def test_txt_goes_to_stdout_by_default(cli, utterance):
    """Without --output-dir and --format, the transcript text is printed."""
    status, out, err = cli("transcribe", str(utterance("ljspeech_LJ001-0002.wav").path), "--no-progress")
    assert status == 0
    assert "comparatively modern" in out.lower()
    assert err == ""


def test_decoding_flags_become_options():
    """--language, --beam-size and --no-vad reach TranscribeOptions."""
    from app.cli import build_parser

    args = build_parser().parse_args(["transcribe", "a.wav", "--language", "de", "--beam-size", "2", "--no-vad"])
    options = transcribe_command.options_from_args(args)
    assert (options.language, options.beam_size, options.vad_filter) == ("de", 2, False)
    default = transcribe_command.options_from_args(build_parser().parse_args(["transcribe", "a.wav"]))
    assert (default.language, default.beam_size, default.vad_filter, default.word_timestamps) == (None, 5, True, True)
    assert (default.task, default.batch_size, default.hotwords) == ("transcribe", 0, None)
    more = ["--task", "translate", "--batched", "--vocabulary", "Hammurabi, woodcutters"]
    options = transcribe_command.options_from_args(build_parser().parse_args(["transcribe", "a.wav", *more]))
    assert (options.task, options.batch_size, options.hotwords) == ("translate", 8, "Hammurabi, woodcutters")
    sized = transcribe_command.options_from_args(build_parser().parse_args(["transcribe", "a.wav", "--batched", "4"]))
    assert sized.batch_size == 4


def test_vocabulary_file_holds_one_term_per_line(tmp_path):
    """--vocabulary FILE reads terms per line (commas too); an empty list is refused by argparse."""
    from app.commands.common import vocabulary_arg

    terms = tmp_path / "terms.txt"
    terms.write_text("Hammurabi\nGutenberg, woodcutters\n\n", encoding="utf-8")
    assert vocabulary_arg(str(terms)) == ("Hammurabi", "Gutenberg", "woodcutters")
    assert vocabulary_arg("Nebuchadnezzar") == ("Nebuchadnezzar",)
    with pytest.raises(argparse.ArgumentTypeError):
        vocabulary_arg(" , ")


def test_batched_without_vad_is_a_one_line_error(cli, utterance):
    """--batched cuts at the VAD's pauses, so --no-vad with it stops before any work, exit 2."""
    status, out, err = cli("transcribe", str(utterance("jfk.flac").path), "--batched", "--no-vad")
    assert status == 2 and out == ""
    assert err.startswith("whisperdesk: error: batched decoding cuts the audio at the pauses the VAD finds")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        (["--model", "small"], "model 'small' is not available offline"),
        (["--model", "/nonexistent/model"], "is not a CTranslate2 Whisper model folder"),
        (["--device", "cuda"], "CTranslate2 sees no CUDA GPU"),
    ],
)
def test_model_problems_are_one_line_errors(flags, reason, capfd, monkeypatch):
    """An unusable model or device stops with exit 2 and one error line, no traceback."""
    from inference import loader

    monkeypatch.setattr(loader, "cuda_available", lambda: False)
    status = main(["transcribe", "whatever.wav", *flags])
    _, err = capfd.readouterr()
    assert status == 2
    assert err.count("\n") == 1
    assert err.startswith("whisperdesk: error: ")
    assert reason in err


def test_progress_bar_draws_on_a_terminal_only(capsys):
    """The bar redraws one stderr line per percent when enabled, and writes nothing when not."""
    bar = ProgressBar("talk.wav", enabled=True)
    for fraction in (0.0, 0.004, 0.5, 1.0):
        bar(fraction)
    bar.close()
    err = capsys.readouterr().err
    assert err.count("\r") == 3  # 0.004 is still 0 %
    assert err.endswith("] 100%\n")
    quiet = ProgressBar("talk.wav", enabled=False)
    quiet(0.5)
    quiet.close()
    assert capsys.readouterr().err == ""
