"""Started without any display, `whisperdesk` explains how to run it instead of letting Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui]

REPO = Path(__file__).resolve().parents[2]


def _free_display_number() -> int:
    taken = {p.name[1:] for p in Path("/tmp/.X11-unix").glob("X*")} if Path("/tmp/.X11-unix").is_dir() else set()
    return next(n for n in range(473, 600) if str(n) not in taken)


def _run_whisperdesk(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m app` (the whisperdesk command) with a new user's bare environment."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "HF_HUB_OFFLINE": "1", **extra_env}
    return subprocess.run(
        [sys.executable, "-m", "app"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="displays are an X11/Wayland matter")
def test_no_display_prints_how_to_run_and_exits_nonzero():
    """No DISPLAY, no WAYLAND_DISPLAY, no QT_QPA_PLATFORM: a short how-to on stderr, exit 2, no Qt abort."""
    result = _run_whisperdesk({})
    assert result.returncode == 2, result.stderr
    assert "no display found" in result.stderr
    assert "xvfb-run -a whisperdesk" in result.stderr and "whisperdesk transcribe FILE" in result.stderr
    assert "qt.qpa" not in result.stderr and "Traceback" not in result.stderr and "Aborted" not in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="displays are an X11/Wayland matter")
def test_display_that_is_not_running_is_explained():
    """DISPLAY pointing at an X server that is not there gets the same help, naming the display."""
    number = _free_display_number()
    result = _run_whisperdesk({"DISPLAY": f":{number}"})
    assert result.returncode == 2, result.stderr
    assert f"the X display :{number} is not running" in result.stderr
    assert "qt.qpa" not in result.stderr
