"""Bad options, models and output paths: one error line and a non-zero exit, never a traceback, and a
transcript that cannot be written costs only that file's export, not the rest of the queue."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from app.commands import live as live_command
from app.commands.common import vocabulary_arg
from app.services.export_files import write_atomically
from audio.constants import SAMPLE_RATE
from audio.errors import DecodeError
from audio.file_source import FileSource
from inference.boundary import check_language
from inference.errors import ModelLoadError, UnsupportedTaskError
from inference.loader import load_model
from inference.models import resolve_model
from inference.options import MAX_BEAM_SIZE, TranscribeOptions
from inference.streaming import StreamingOptions
from tests.media import write_wav

GOOD = "ljspeech_LJ001-0002.wav"  # "in being comparatively modern." (1.9 s)


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("whisperdesk: error: ")
    return lines[0]


# output paths ------------------------------------------------------------------------------


@pytest.mark.model
def test_an_export_that_cannot_be_written_fails_alone(cli, tmp_path, audio_dir):
    """A folder with the output's name: that file's error line, the files after it are still written, exit 1,
    and no temporary file is left behind."""
    out = tmp_path / "out"
    first, blocked, last = (tmp_path / f"{name}.wav" for name in ("first", "blocked", "last"))
    for path in (first, blocked, last):
        path.write_bytes((audio_dir / GOOD).read_bytes())
    (out / "blocked.txt").mkdir(parents=True)
    status, _, err = cli("transcribe", str(first), str(blocked), str(last), "--output-dir", str(out), "--no-progress")
    assert status == 1
    errors = [line for line in err.splitlines() if "error" in line]
    assert errors == [
        f"whisperdesk: error: {blocked}: cannot write its transcript: a folder has that name: {out / 'blocked.txt'}"
    ]
    assert "Traceback" not in err
    assert "comparatively modern" in (out / "first.txt").read_text().lower()
    assert "comparatively modern" in (out / "last.txt").read_text().lower()
    assert sorted(p.name for p in out.iterdir()) == ["blocked.txt", "first.txt", "last.txt"]


def test_the_temporary_name_is_short_enough_for_any_name_the_file_system_takes(tmp_path):
    """A 250-character output name is legal (255 is the limit); its temporary file must fit too."""
    target = tmp_path / ("a" * 246 + ".txt")
    write_atomically(target, "words")
    assert target.read_text() == "words"
    assert os.listdir(tmp_path) == [target.name]


def test_an_output_folder_that_is_a_file_is_named_as_such(tmp_path):
    (tmp_path / "afile").write_text("")
    with pytest.raises(FileExistsError) as caught:
        write_atomically(tmp_path / "afile" / "x.txt", "words")
    assert caught.value.filename == str(tmp_path / "afile" / "x.txt")
    assert caught.value.strerror == "a file is in the way of its folder"


# models ----------------------------------------------------------------------------------


@pytest.fixture
def damaged_model(tmp_path) -> Path:
    """tiny.en's files, with model.bin replaced by random bytes."""
    source = Path(resolve_model("tiny.en").path)
    folder = tmp_path / "damaged"
    folder.mkdir()
    for item in source.iterdir():
        if item.name != "model.bin":
            (folder / item.name).symlink_to(item)
    (folder / "model.bin").write_bytes(np.random.default_rng(0).bytes(10_000))
    return folder


def test_a_damaged_model_file_is_one_line(damaged_model, tmp_path, audio_dir, capsys):
    with pytest.raises(ModelLoadError, match=f"cannot load the model in {damaged_model}: "):
        load_model(str(damaged_model), device="cpu")
    from app.cli import main

    assert main(["transcribe", str(audio_dir / GOOD), "--model", str(damaged_model), "--no-progress"]) == 2
    assert "cannot load the model in" in _one_error_line(capsys.readouterr().err)


# options ---------------------------------------------------------------------------------


def _model(multilingual: bool) -> SimpleNamespace:
    return SimpleNamespace(info=SimpleNamespace(name="base" if multilingual else "tiny.en", multilingual=multilingual))


def test_languages_are_checked_against_the_model():
    """An English-only model refuses another language (it would transcribe as English without a word);
    a multilingual one refuses a code Whisper does not know (faster-whisper's refusal was a traceback)."""
    check_language(_model(False), None)
    check_language(_model(False), "en")
    refusal = re.escape("tiny.en is English-only: language 'fr' needs a multilingual model")
    with pytest.raises(UnsupportedTaskError, match=refusal):
        check_language(_model(False), "fr")
    with pytest.raises(UnsupportedTaskError, match="English-only: translation"):
        check_language(_model(False), None, "translate")
    check_language(_model(True), "de")
    check_language(_model(True), None, "translate")
    with pytest.raises(UnsupportedTaskError, match="'xx' is not a language code Whisper knows"):
        check_language(_model(True), "xx")


@pytest.mark.model
def test_a_language_the_model_cannot_do_stops_before_any_file(cli, tmp_path, audio_dir):
    status, out, err = cli("transcribe", str(audio_dir / GOOD), "--language", "fr", "--no-progress")
    assert status == 2
    assert out == ""
    assert (
        _one_error_line(err) == "whisperdesk: error: tiny.en is English-only: language 'fr' needs a multilingual model"
    )


def test_beam_sizes_are_bounded():
    """A beam of 100000 took 23 GB before the kernel killed the process."""
    TranscribeOptions(beam_size=MAX_BEAM_SIZE)
    StreamingOptions(beam_size=MAX_BEAM_SIZE)
    for make in (TranscribeOptions, StreamingOptions):
        with pytest.raises(ValueError, match=f"beam size must be between 1 and {MAX_BEAM_SIZE}, not 100000"):
            make(beam_size=100000)
        with pytest.raises(ValueError, match="not 0"):
            make(beam_size=0)


@pytest.mark.parametrize(
    "argv",
    [
        ["transcribe", "x.wav", "--beam-size", "100000"],
        ["live", "--simulate", "x.wav", "--beam-size", "100000"],
        ["contract-demo", "x.wav", "--max-seconds", "nan"],
        ["contract-demo", "x.wav", "--max-seconds", "inf"],
    ],
)
def test_out_of_range_numbers_are_one_line(argv, tmp_path, audio_dir, capsys, monkeypatch, tiny_model):
    from app.cli import main

    monkeypatch.setattr(live_command, "load_from_args", lambda args: tiny_model)
    (tmp_path / "x.wav").write_bytes((audio_dir / GOOD).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    _one_error_line(capsys.readouterr().err)


# a file replayed as a microphone -----------------------------------------------------------


def test_a_replayed_file_without_samples_is_an_error(tmp_path):
    """As for transcribe: zero-length audio is an error, not a session that heard nothing."""
    empty = write_wav(tmp_path / "header.wav", b"", SAMPLE_RATE, 1, 16)
    with pytest.raises(DecodeError, match=re.escape("header.wav: contains no audio samples")):
        list(FileSource(empty, realtime=False).blocks())


@pytest.mark.model
def test_live_on_a_file_without_samples_exits_non_zero(tmp_path, capsys, monkeypatch, tiny_model):
    from app.cli import main

    monkeypatch.setattr(live_command, "load_from_args", lambda args: tiny_model)
    empty = write_wav(tmp_path / "header.wav", b"", SAMPLE_RATE, 1, 16)
    assert main(["live", "--fast", "--simulate", str(empty)]) == 1
    assert "header.wav: contains no audio samples (zero-length audio)" in _one_error_line(capsys.readouterr().err)


def test_a_vocabulary_file_that_is_not_there_is_not_taken_for_words(tmp_path, capsys):
    """`--vocabulary terms.txt` with a typo in the name used to become the vocabulary "terms.txt"."""
    from app.cli import main

    for value, reason in ((str(tmp_path / "terms.txt"), "no such vocabulary file"), (str(tmp_path), "is a folder")):
        with pytest.raises(SystemExit) as caught:
            main(["transcribe", "x.wav", "--vocabulary", value])
        assert caught.value.code == 2
        err = capsys.readouterr().err
        assert reason in err and "Traceback" not in err
    assert vocabulary_arg("Hammurabi, AC/DC") == ("Hammurabi", "AC/DC")
    (tmp_path / "terms.txt").write_text("woodcutters\nflour, Hammurabi\n")
    assert vocabulary_arg(str(tmp_path / "terms.txt")) == ("woodcutters", "flour", "Hammurabi")


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_subtitles_of_several_files_on_stdout_are_refused(fmt, tmp_path, capsys):
    """Concatenated SRT/VTT restarts its cue numbers and times (and repeats WEBVTT): refused before any
    file is read, with the way out named; one file, or several with --output-dir, are not refused."""
    from app.cli import main
    from app.commands.transcribe import check_output

    files = [str(tmp_path / "a.wav"), str(tmp_path / "b.wav")]  # never read: the refusal comes first
    assert main(["transcribe", *files, "--format", fmt]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert _one_error_line(captured.err) == (
        f"whisperdesk: error: --format {fmt} with several files needs --output-dir (one subtitle file each): "
        "on stdout their cues would run together"
    )
    for allowed in ({"files": files[:1], "output_dir": None}, {"files": files, "output_dir": tmp_path}):
        check_output(SimpleNamespace(format=fmt, **allowed))
    check_output(SimpleNamespace(format="json", files=files, output_dir=None))  # one JSON object per line
