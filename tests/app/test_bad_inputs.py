"""Bad inputs through `whisperdesk transcribe`: each gives one error line naming the file and the reason,
exit status 1, no traceback, and the good file in the same command is still transcribed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from app.commands import live as live_command
from app.services.file_jobs import transcribe_file
from app.window.files_controller import result_note
from audio.constants import SAMPLE_RATE
from audio.decode import decode_to_contract
from audio.levels import CLIPPED_FAIL_FRACTION, CLIPPED_WARN_FRACTION, level_problem
from tests.media import WAVE_FORMAT_IEEE_FLOAT, sine, write_video, write_wav

pytestmark = pytest.mark.model

WHISPERDESK = str(Path(sys.executable).with_name("whisperdesk"))
GOOD = "ljspeech_LJ001-0002.wav"  # "in being comparatively modern." (1.9 s)
GOOD_WORDS = "comparatively modern"
FLAC = "librispeech_dev-clean_2412-153948-0002.flac"


def _float_wav_with(value: float) -> Callable[[Path, Path], Path]:
    def make(folder: Path, audio_dir: Path) -> Path:
        samples = sine(440, 1.0, 8000)  # a valid 8 kHz float WAV ...
        samples[3000] = value  # ... with one bad sample
        return write_wav(folder / f"bad_{value}.wav", samples.tobytes(), 8000, 1, 32, WAVE_FORMAT_IEEE_FLOAT)

    return make


def _mis_scaled(folder: Path, audio_dir: Path) -> Path:
    """The good file as float samples 1000 times too loud (int16-sized values in a float WAV)."""
    return _scaled_float_wav(audio_dir / GOOD, 1000.0, folder / "mis_scaled.wav")


def _scaled_float_wav(source: Path, gain: float, path: Path) -> Path:
    samples = decode_to_contract(source)[0].samples * np.float32(gain)
    return write_wav(path, samples.tobytes(), SAMPLE_RATE, 1, 32, WAVE_FORMAT_IEEE_FLOAT)


def _pcm_wav_at(rate: int) -> Callable[[Path, Path], Path]:
    def make(folder: Path, audio_dir: Path) -> Path:
        data = (sine(440, 0.5, 8000) * 32767).astype(np.int16).tobytes()
        return write_wav(folder / f"rate_{rate}.wav", data, rate, 1, 16)

    return make


def _cut(name: str, keep: float) -> Callable[[Path, Path], Path]:
    """A file cut short as an interrupted download leaves it: FFmpeg decodes it without an error."""

    def make(folder: Path, audio_dir: Path) -> Path:
        data = (audio_dir / name).read_bytes()
        path = folder / f"cut_{name}"
        path.write_bytes(data[: int(len(data) * keep)])
        return path

    return make


def _corrupt_flac(folder: Path, audio_dir: Path) -> Path:
    data = bytearray((audio_dir / FLAC).read_bytes())
    for index in range(4000, len(data), 997):  # damage frames, keep the header
        data[index] ^= 0xFF
    path = folder / "corrupt.flac"
    path.write_bytes(bytes(data))
    return path


def _write(name: str, data: bytes) -> Callable[[Path, Path], Path]:
    def make(folder: Path, audio_dir: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


CASES = {
    "empty file": (_write("empty.wav", b""), "empty file (0 bytes)"),
    "zero-length audio": (lambda d, a: write_wav(d / "zero.wav", b"", SAMPLE_RATE, 1, 16), "zero-length audio"),
    "truncated flac": (_cut(FLAC, 0.4), "corrupt or truncated audio"),
    "header-only flac": (_cut(FLAC, 0.002), "not a readable audio/video file"),
    "corrupt flac": (_corrupt_flac, "corrupt or truncated audio"),
    "truncated wav": (_cut("ljspeech_LJ001-0001.wav", 0.4), "truncated: its header says 9.7 s of audio but the"),
    "truncated mp3": (_cut("ljspeech_LJ001-0005.mp3", 0.5), "truncated: its header says 8.1 s of audio but"),
    "text renamed .wav": (_write("notes.wav", b"meeting notes, not audio\n" * 40), "not a readable audio/video file"),
    "no audio stream": (lambda d, a: write_video(d / "video_only.mp4", 1.0), "has no audio stream"),
    "NaN samples": (_float_wav_with(np.nan), "non-finite sample (NaN or Inf) at 0.375 s"),
    "Inf samples": (_float_wav_with(np.inf), "non-finite sample (NaN or Inf) at 0.375 s"),
    "1000x full scale": (_mis_scaled, "of its samples are beyond full scale (peak"),
    "unknown WAV format tag": (
        lambda d, a: write_wav(d / "tag.wav", b"\0" * 32000, SAMPLE_RATE, 1, 16, format_tag=0x9999),
        "its audio is in a format FFmpeg cannot decode (unknown codec)",
    ),
    "1 Hz rate": (_pcm_wav_at(1), "sample rate 1 Hz is outside the supported 8000-192000 Hz"),
    "1 MHz rate": (_pcm_wav_at(1_000_000), "sample rate 1000000 Hz is outside the supported"),
    "missing file": (lambda d, a: d / "missing.wav", "no such file"),
    "directory": (lambda d, a: d, "is a directory, not a file"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_alone_and_the_good_file_is_transcribed(case, cli, tmp_path, audio_dir):
    """One line `whisperdesk: error: FILE: reason` for the bad file; the good one after it is still printed."""
    make, reason = CASES[case]
    folder = tmp_path / "inputs"
    folder.mkdir()
    bad = make(folder, audio_dir)
    status, out, err = cli("transcribe", str(bad), str(audio_dir / GOOD), "--no-progress")
    assert status == 1
    assert err.startswith(f"whisperdesk: error: {bad}: ")
    assert reason in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert GOOD_WORDS in out.lower()


def test_good_file_before_a_bad_one_is_kept(cli, tmp_path, audio_dir):
    """Order does not matter: a good file first is printed, then the bad one fails, exit 1."""
    status, out, err = cli("transcribe", str(audio_dir / GOOD), str(tmp_path / "gone.wav"), "--no-progress")
    assert status == 1
    assert GOOD_WORDS in out.lower()
    assert err == f"whisperdesk: error: {tmp_path / 'gone.wav'}: no such file\n"


def test_all_bad_inputs_in_one_real_command(tmp_path, audio_dir):
    """The installed command with every bad input and one good file: one error line each, exit 1."""
    bad = []
    for index, (make, _) in enumerate(CASES.values()):
        folder = tmp_path / f"case{index}"  # one folder each, so names never collide
        folder.mkdir()
        bad.append(make(folder, audio_dir))
    done = subprocess.run(
        [WHISPERDESK, "transcribe", *map(str, bad), str(audio_dir / GOOD), "--format", "txt"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(bad)
    for path, line, (_, reason) in zip(bad, lines, CASES.values(), strict=True):
        assert line.startswith(f"whisperdesk: error: {path}: ")
        assert reason in line
    assert GOOD_WORDS in done.stdout.lower()


def _as_non_root_reader(command: list[str]) -> list[str]:
    """Root reads any file; drop the capabilities that let it, so permissions apply as for a user."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv is missing: cannot make a file unreadable to this process")
    probe = subprocess.run(
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", "true"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip(f"running as root and cannot drop file-permission capabilities: {probe.stderr.decode().strip()}")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", *command]


def test_unreadable_file_and_directory(tmp_path, audio_dir):
    """A file without read permission and a file inside an unreadable folder each fail with 'permission denied'."""
    secret = tmp_path / "secret.wav"
    shutil.copyfile(audio_dir / GOOD, secret)
    secret.chmod(0)
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copyfile(audio_dir / GOOD, locked / "inside.wav")
    locked.chmod(0)
    try:
        command = _as_non_root_reader(
            [WHISPERDESK, "transcribe", str(secret), str(locked / "inside.wav"), str(locked), str(audio_dir / GOOD)]
        )
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"whisperdesk: error: {secret}: permission denied",
        f"whisperdesk: error: {locked / 'inside.wav'}: permission denied (cannot reach the file)",
        f"whisperdesk: error: {locked}: is a directory, not a file",
    ]
    assert GOOD_WORDS in done.stdout.lower()


def test_lightly_clipped_input_is_transcribed_with_a_warning(cli, tmp_path, audio_dir):
    """A float file a few times too loud: the words are right, exit 0, one warning line with the share
    clipped, and the JSON record carries the decoded peak and share."""
    source = audio_dir / GOOD
    peak = float(np.abs(decode_to_contract(source)[0].samples).max())
    hot = _scaled_float_wav(source, 2.5 / peak, tmp_path / "hot.wav")  # its loud stretches over full scale
    status, out, err = cli("transcribe", str(hot), "--format", "json", "--no-progress")
    record = json.loads(out)
    share = record["input"]["clipped_fraction"]
    assert CLIPPED_WARN_FRACTION <= share < CLIPPED_FAIL_FRACTION  # the case this test is about
    assert record["input"]["peak"] == pytest.approx(2.5, rel=1e-3)
    assert status == 0 and GOOD_WORDS in record["text"].lower()
    assert err == f"whisperdesk: warning: {hot}: {level_problem(record['input']['peak'], share)}\n"


def test_live_replay_of_a_mis_scaled_file_exits_non_zero(tmp_path, audio_dir, capfd, monkeypatch, tiny_model):
    """`live --simulate` goes through the same converter: its session ends on one error line, exit 1."""
    monkeypatch.setattr(live_command, "load_from_args", lambda args: tiny_model)
    bad = _mis_scaled(tmp_path, audio_dir)
    assert main(["live", "--fast", "--simulate", str(bad)]) == 1
    err = capfd.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("whisperdesk: error: file mis_scaled.wav: "), err
    assert "of its samples are beyond full scale" in err[0]


def test_the_queue_row_says_the_input_was_clipped(tmp_path, audio_dir, tiny_model):
    """The window's file queue gives the same line on the finished row, after its usual note."""
    result = transcribe_file(_mis_scaled(tmp_path, audio_dir), tiny_model)
    note = result_note(result)
    assert note.endswith(f" · {result.native.problems[0]}") and " s of audio in " in note, note
