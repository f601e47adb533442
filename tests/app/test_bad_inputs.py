"""Bad inputs through `whisperdesk transcribe`: each gives one error line naming the file and the reason,
exit status 1, no traceback, and the good file in the same command is still transcribed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
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


def _pcm_wav_at(rate: int) -> Callable[[Path, Path], Path]:
    def make(folder: Path, audio_dir: Path) -> Path:
        data = (sine(440, 0.5, 8000) * 32767).astype(np.int16).tobytes()
        return write_wav(folder / f"rate_{rate}.wav", data, rate, 1, 16)

    return make


def _truncated_flac(keep: float) -> Callable[[Path, Path], Path]:
    def make(folder: Path, audio_dir: Path) -> Path:
        data = (audio_dir / FLAC).read_bytes()
        path = folder / f"truncated_{keep}.flac"
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
    "truncated flac": (_truncated_flac(0.4), "corrupt or truncated audio"),
    "header-only flac": (_truncated_flac(0.002), "not a readable audio/video file"),
    "corrupt flac": (_corrupt_flac, "corrupt or truncated audio"),
    "text renamed .wav": (_write("notes.wav", b"meeting notes, not audio\n" * 40), "not a readable audio/video file"),
    "no audio stream": (lambda d, a: write_video(d / "video_only.mp4", 1.0), "has no audio stream"),
    "NaN samples": (_float_wav_with(np.nan), "non-finite sample (NaN or Inf) at 0.375 s"),
    "Inf samples": (_float_wav_with(np.inf), "non-finite sample (NaN or Inf) at 0.375 s"),
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
