"""A private Xvfb display for tests that need a real X server (global shortcut grabs, xdotool keys):
skipped where Xvfb or xdotool is missing, a failure in CI (WHISPERDESK_REQUIRE_FIXTURES=1)."""

from __future__ import annotations

import os
import random
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools import missing_fixture, need_tools, stop_process

XVFB_START_S = 20.0  # seconds Xvfb may take to open its socket


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a free display number picked at random in 300-899, away from the low numbers other
    tools and tests default to (:0, xvfb-run's :99), so keys pressed on one test's display never land on
    another's; (process, ":N")."""
    rng = random.Random()
    for _attempt in range(20):
        number = rng.randrange(300, 900)
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        process = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + XVFB_START_S
        while time.monotonic() < deadline and process.poll() is None:
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return process, f":{number}"
            time.sleep(0.05)
        if process.poll() is None:
            process.kill()
        process.wait()
    missing_fixture("Xvfb did not start on any free display number")
    raise AssertionError("unreachable")


def xvfb_display() -> Iterator[str]:
    """A running Xvfb's display name while the generator is open, stopped after (the fixtures' body)."""
    need_tools("Xvfb", "xdotool")
    process, display = start_xvfb()
    try:
        yield display
    finally:
        stop_process(process)


@pytest.fixture
def xdisplay() -> Iterator[str]:
    """A fresh virtual X display ":N" for one test (with xdotool to press keys on it)."""
    yield from xvfb_display()


def x_env(display: str, **extra: str) -> dict[str, str]:
    """The environment of a client of the test's X server (a real platform plugin, not offscreen)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, **extra)
    return env


def xdotool(display: str, *args: str, timeout: float = 20.0) -> str:
    """Run xdotool on `display` (keys go through XTEST, as a real keyboard's would); its output."""
    done = subprocess.run(
        ["xdotool", *args], env=x_env(display), capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout.strip()
