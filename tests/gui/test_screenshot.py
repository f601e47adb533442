"""`whisperdesk --screenshot` renders the window after real work, offscreen and on a virtual X display."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = [pytest.mark.gui, pytest.mark.model]

REPO = Path(__file__).resolve().parents[2]


def _screenshot(
    tmp_path: Path, view: str, audio: Path, wrapper: list[str], env: dict[str, str], extra: tuple[str, ...] = ()
) -> Path:
    target = tmp_path / f"{view}.png"
    command = [*wrapper, sys.executable, "-m", "app", "--screenshot", str(target), "--view", view, "--file", str(audio)]
    command += extra
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert f"saved {target}" in result.stdout and "event-loop lateness" in result.stdout
    return target


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env["WHISPERDESK_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_files_view_screenshot_offscreen(tmp_path: Path, utterance):
    """Offscreen: the files view is captured after a file was transcribed, as a 1040x720 PNG."""
    env = {**_clean_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    png = _screenshot(tmp_path, "files", utterance("ljspeech_LJ001-0008.wav").path, [], env)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1040, 720)


def test_contract_demo_screenshot_offscreen(tmp_path: Path, utterance):
    """--contract-demo: a larger window with the demo panel, taken after the file demo finished."""
    env = {**_clean_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    png = _screenshot(tmp_path, "files", utterance("jfk.flac").path, [], env, ("--contract-demo",))
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1720, 1000)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_live_view_screenshot_under_xvfb(tmp_path: Path, utterance):
    """On a real (virtual) X display: a live session replayed from a file, then the live view as a PNG."""
    png = _screenshot(
        tmp_path, "live", utterance("ljspeech_LJ001-0004.wav").path, ["xvfb-run", "-a"], _clean_env(tmp_path)
    )
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1040, 720)
    assert not (tmp_path / "data").exists(), "a screenshot must not touch the user's autosave folder"


def test_history_view_screenshot_offscreen(tmp_path: Path, utterance):
    """--view history: the file is dictated, the history tab shown; its record goes to the throw-away folder."""
    env = {**_clean_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    png = _screenshot(tmp_path, "history", utterance("ljspeech_LJ001-0008.wav").path, [], env)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1040, 720)
    assert not (tmp_path / "data" / "history").exists(), "a screenshot must not add to the user's history"
