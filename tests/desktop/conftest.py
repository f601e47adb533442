"""A private X server (Xvfb) and a text-field target app for the desktop tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools import stop_process
from tests.xdisplay import x_env, xdotool, xvfb_display

TARGET = Path(__file__).with_name("text_target.py")


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    """One Xvfb for a test module (tests/xdisplay.py starts it)."""
    yield from xvfb_display()


class Target:
    """The text_target.py process: what arrived in its field, and on its clipboard."""

    def __init__(self, display: str, folder: Path, title: str, clipboard: str = "") -> None:
        self.display, self.title = display, title
        self.out = folder / f"{title}.txt"
        argv = [sys.executable, str(TARGET), title, str(self.out), *([clipboard] if clipboard else [])]
        self.process = subprocess.Popen(argv, env=x_env(display))
        self.window = xdotool(display, "search", "--sync", "--name", f"^{title}$").splitlines()[0]
        deadline = time.monotonic() + 20
        while not self.out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def focus(self) -> None:
        xdotool(self.display, "windowfocus", "--sync", self.window)

    def text(self) -> str:
        try:
            return self.out.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def clipboard(self) -> str:
        try:
            return self.out.with_name(self.out.name + ".clipboard").read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def wait_for(self, predicate, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        text = self.text()
        while not predicate(text) and time.monotonic() < deadline:
            time.sleep(0.05)
            text = self.text()
        return text

    def close(self) -> None:
        stop_process(self.process)


@pytest.fixture
def target_factory(xdisplay: str, tmp_path: Path) -> Iterator:
    made: list[Target] = []

    def make(title: str = "whisperdesk-test-target", clipboard: str = "") -> Target:
        target = Target(xdisplay, tmp_path, title, clipboard)
        made.append(target)
        target.focus()
        return target

    yield make
    for target in made:
        target.close()
