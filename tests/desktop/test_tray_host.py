"""whisperdesk's tray icon under a real XEmbed tray host (Debian's `trayer`) on a real X server (Xvfb):
the host is seen, the icon window is embedded inside the host's panel, its pixels there change from
idle to listening, and the menu and a click on the icon reach the window through the tray's signals.
A screenshot of the panel with the menu open is saved (WHISPERDESK_SCREENSHOT_DIR, when set, gets a copy:
docs/screenshots/tray-host.png in the README comes from it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.tools import need_tools
from tests.xdisplay import x_env, xdotool

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("tray_host_driver.py")
PANEL_W, PANEL_H = 120, 32  # pixels: trayer's panel, top right of the 1280x800 screen
SCREEN_W = 1280
LISTENING_RED = (0xD9, 0x30, 0x25)  # app/gui/tray.STATE_COLOR[LISTENING]


def _tree(display: str, *args: str) -> str:
    return subprocess.run(
        ["xwininfo", *args, "-tree"], env=x_env(display), capture_output=True, text=True, timeout=20, check=True
    ).stdout


def _wait(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@pytest.fixture
def trayer(xdisplay: str) -> Iterator[str]:
    display = xdisplay
    """trayer on the display; yields its panel's window id (hex)."""
    need_tools("trayer", "xwininfo", hint="packaging/system-deps.sh installs trayer and x11-utils")
    argv = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel", "--width", str(PANEL_W)]
    argv += ["--heighttype", "pixel", "--height", str(PANEL_H), "--transparent", "false", "--expand", "false"]
    process = subprocess.Popen(argv, env=x_env(display), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        panel = _wait(lambda: re.search(r'(0x[0-9a-f]+) "panel"', _tree(display, "-root")))
        assert panel, "trayer's panel window never appeared"
        yield panel.group(1)
    finally:
        process.terminate()
        process.wait(10)


class Driver:
    """tests/desktop/tray_host_driver.py: one command a line in, one JSON line out."""

    def __init__(self, display: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER)],
            cwd=ROOT,
            env=x_env(display),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, line: str) -> dict:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, f"the tray driver ended before answering {line!r}"
        return json.loads(answer)

    def close(self) -> None:
        if self.process.poll() is None and self.process.stdin is not None:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _embedded(display: str, panel: str) -> tuple[int, int, int, int] | None:
    """The driver's icon window inside trayer's panel: (x, y, width, height) on the screen, or None."""
    pattern = r'"tray_host_driver\.py": \("tray_host_driver\.py".*?\)\s+(\d+)x(\d+)\S*\s+\+(-?\d+)\+(-?\d+)'
    found = re.search(pattern, _tree(display, "-id", panel))
    if found is None:
        return None
    w, h, x, y = (int(v) for v in found.groups())
    return x, y, w, h


def _red_pixels(path: Path) -> int:
    data = Image.open(path).convert("RGB").tobytes()
    pixels = (data[i : i + 3] for i in range(0, len(data), 3))
    return sum(1 for pixel in pixels if sum(abs(c - r) for c, r in zip(pixel, LISTENING_RED, strict=True)) < 60)


def _compose(folder: Path, zoom: int = 2, gap: int = 12) -> Path:
    """The README's picture: trayer's panel idle and listening (enlarged), and the open menu beside them."""
    panels = [Image.open(folder / f"panel-{s}.png").convert("RGB") for s in ("idle", "listening")]
    panels = [p.resize((p.width * zoom, p.height * zoom), Image.Resampling.NEAREST) for p in panels]
    menu = Image.open(folder / "menu.png").convert("RGB")
    width = panels[0].width + gap + menu.width + 2 * gap
    height = max(2 * panels[0].height + gap, menu.height) + 2 * gap
    picture = Image.new("RGB", (width, height), (245, 245, 245))
    picture.paste(panels[0], (gap, gap))
    picture.paste(panels[1], (gap, 2 * gap + panels[0].height))
    picture.paste(menu, (2 * gap + panels[0].width, gap))
    path = folder / "tray-host.png"
    picture.save(path)
    return path


def test_the_tray_icon_is_embedded_in_trayer_and_its_menu_works(xdisplay: str, trayer: str, tmp_path: Path) -> None:
    """isSystemTrayAvailable under trayer; the icon's window is a child of trayer's panel; the idle icon has
    no red dot and the listening one has it, at the icon's place in a root-window screenshot; a left click
    shows the window, the menu's first item toggles dictation and its last one quits."""
    driver = Driver(xdisplay)
    try:
        assert driver.ask("available") == {"available": True}
        driver.ask("show")
        place = _wait(lambda: _embedded(xdisplay, trayer))
        assert place is not None, _tree(xdisplay, "-root")
        x, y, w, h = place
        assert x >= SCREEN_W - PANEL_W and x + w <= SCREEN_W and y >= 0 and y + h <= PANEL_H + 1
        idle, listening = tmp_path / "idle.png", tmp_path / "listening.png"
        time.sleep(0.3)  # the host paints the embedded window after it maps it
        driver.ask(f"grab {x} {y} {w} {h} {idle}")
        driver.ask(f"grab {SCREEN_W - PANEL_W} 0 {PANEL_W} {PANEL_H} {tmp_path / 'panel-idle.png'}")
        assert driver.ask("state listening")["toggle"] == "Stop dictation"
        assert _wait(lambda: driver.ask(f"grab {x} {y} {w} {h} {listening}") and _red_pixels(listening) > 10, 5)
        driver.ask(f"grab {SCREEN_W - PANEL_W} 0 {PANEL_W} {PANEL_H} {tmp_path / 'panel-listening.png'}")
        assert _red_pixels(idle) == 0
        assert Image.open(idle).convert("RGB").tobytes() != Image.open(listening).convert("RGB").tobytes()

        center = (str(x + w // 2), str(y + h // 2))
        xdotool(xdisplay, "mousemove", *center, "click", "1")
        assert _wait(lambda: "show_requested" in driver.ask("seen")["seen"], 5)
        xdotool(xdisplay, "mousemove", *center, "click", "3")
        menu_pattern = r'"tray_host_driver\.py".*?\)\s+(\d+)x(\d+)\+(\d+)\+(\d+)'
        menu = _wait(lambda: re.search(menu_pattern, _tree(xdisplay, "-root")), 5)
        assert menu is not None, "the tray menu did not open"
        time.sleep(0.3)
        mw, mh, mx, my = (int(v) for v in menu.groups())
        driver.ask(f"grab {mx} {my} {mw} {mh} {tmp_path / 'menu.png'}")
        shot = _compose(tmp_path)
        xdotool(xdisplay, "key", "Down", "Return")  # the first item: Stop dictation (the state is listening)
        assert _wait(lambda: "toggle_requested" in driver.ask("seen")["seen"], 5)
        xdotool(xdisplay, "mousemove", *center, "click", "3")
        time.sleep(0.5)
        xdotool(xdisplay, "key", "Up", "Return")  # the last item: Quit
        assert _wait(lambda: driver.ask("seen")["seen"][-1] == "quit_requested", 5)
        if os.environ.get("WHISPERDESK_SCREENSHOT_DIR"):
            shutil.copy(shot, Path(os.environ["WHISPERDESK_SCREENSHOT_DIR"]) / shot.name)
    finally:
        driver.close()
