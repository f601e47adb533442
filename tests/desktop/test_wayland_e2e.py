"""End to end on Wayland: the real window (`python -m app --simulate jfk.flac --output type`) as a client of a
headless sway, with no X display, its shortcut bound through the stand-in portal (tests/desktop/
portal_standin.py) on a private session bus. The portal's Activated signal, as a desktop sends it when the
keys are pressed, starts dictation while another Wayland application's text field has the focus; the words
arrive in that field typed by wtype, the focus stays there, and the next activation stops dictation.

Found here: under sway the dictation overlay (app/gui/overlay.py) is a window like any other and takes
the focus when it appears (Qt's WindowDoesNotAcceptFocus has no meaning in xdg-shell), so the words go
into it; the full run turns the overlay off, and the last test holds that bug until it is fixed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.desktop.instance import InstanceError, control_socket_path, send_command
from app.services.wer import wer
from tests.desktop.portal_standin import StandInPortal
from tests.tools import stop_process
from tests.wayland import Sway, WaylandTarget, sway_session

pytestmark = [pytest.mark.model, pytest.mark.realtime, pytest.mark.gui]

ROOT = Path(__file__).resolve().parents[2]
MAX_WER = 0.15
FIRST_WORDS_S = 3.0  # seconds from the shortcut to the first typed words
START_S = 90.0  # seconds the window may take to answer and bind its shortcut (imports, a busy machine)


@pytest.fixture(scope="module")
def sway() -> Iterator[Sway]:
    yield from sway_session()


class WaylandWindow:
    """`python -m app --simulate FILE --output type` on `sway`, with private HOME, data and runtime folders."""

    def __init__(self, sway: Sway, folder: Path, runtime: Path, speech: Path, bus: str, settings: str = "") -> None:
        (folder / "settings.ini").write_text(f"[settings]\n{settings}", encoding="utf-8")
        self.env = sway.env(
            QT_QPA_PLATFORM="wayland",
            DBUS_SESSION_BUS_ADDRESS=bus,
            HOME=str(folder / "home"),
            XDG_CONFIG_HOME=str(folder / "config"),
            XDG_RUNTIME_DIR=str(runtime),
            WHISPERDESK_DATA_DIR=str(folder / "data"),
            WHISPERDESK_SETTINGS_FILE=str(folder / "settings.ini"),
            HF_HUB_OFFLINE="1",
        )
        self.socket = control_socket_path(self.env)
        self.log_path = folder / "window.log"
        argv = [sys.executable, "-m", "app", "--simulate", str(speech), "--output", "type"]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def state(self) -> str:
        try:
            return str(send_command("status", self.socket, timeout=2.0).get("state"))
        except InstanceError:
            return ""

    def wait_state(self, wanted: str, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while (state := self.state()) != wanted:
            assert self.process.poll() is None, f"the window exited: {self.log()}"
            assert time.monotonic() < deadline, f"the window stayed {state!r}, never {wanted!r}: {self.log()}"
            time.sleep(0.01)
        return time.time()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def close(self) -> str:
        stop_process(self.process, 20)
        return self.log()


@contextmanager
def running_window(sway: Sway, bus: str, folder: Path, speech: Path, settings: str = "") -> Iterator[tuple]:
    """The stand-in portal, a focused Wayland text field and the window, its shortcut bound; closed after."""
    portal = StandInPortal(bus)
    target = WaylandTarget(sway, folder, "whisperdesk-wayland-target")
    window: WaylandWindow | None = None
    with tempfile.TemporaryDirectory(prefix="wd-run-") as runtime:  # short: socket paths have 107 bytes
        os.chmod(runtime, 0o700)
        try:
            window = WaylandWindow(sway, folder, Path(runtime), speech, bus, settings)
            window.wait_state("idle", START_S)
            assert portal.binding.wait(START_S), f"the window bound no shortcut: {window.log()}"
            sway.focus("whisperdesk")  # mapped: sway gave it the focus; the user goes back to their field
            sway.focus(target.title)
            yield portal, target, window
        finally:
            log = window.close() if window is not None else ""
            target.close()
            portal.close()
    assert "Traceback" not in log, log


def focused(sway: Sway, title: str) -> bool:
    return bool((sway.window(title) or {}).get("focused"))


def test_the_portal_shortcut_dictates_into_a_wayland_app(sway: Sway, session_bus: str, tmp_path: Path, utterance):
    speech = utterance("jfk.flac")
    with running_window(sway, session_bus, tmp_path, speech.path) as (portal, target, window):  # default settings
        assert dict(portal.bound)["dictate"]["preferred_trigger"] == ("s", "CTRL+SHIFT+space")
        pressed = time.time()
        portal.press()
        portal.release()
        listening = window.wait_state("listening", 30)
        seen = [(pressed, "")]
        over_at, next_status = 0.0, pressed + speech.duration_s  # asked only once the file can have ended
        while not over_at or time.time() - max(over_at, seen[-1][0]) < 3.0:  # the file ended, then quiet
            assert time.time() - pressed < speech.duration_s + 60, "dictation never ended"
            if (text := target.text()) != seen[-1][1]:
                seen.append((time.time(), text))
            if not over_at and time.time() >= next_status:
                next_status = time.time() + 0.25
                over_at = time.time() if window.state() == "idle" else 0.0
            time.sleep(0.02)
        typed = seen[-1][1]
        assert focused(sway, target.title) and not focused(sway, "whisperdesk")
        error = wer(speech.reference, typed)
        assert error < MAX_WER, f"WER {error:.1%}: {typed!r}; the window said: {window.log()}"
        first = next(t for t, text in seen if text.strip())

        # the shortcut again: a second dictation starts, and the next activation stops it
        portal.press()
        portal.release()
        window.wait_state("listening", 15)
        portal.press()
        portal.release()
        window.wait_state("idle", 15)
        report = {
            "press_to_listening_s": round(listening - pressed, 2),
            "press_to_first_word_s": round(first - pressed, 2),
            "press_to_last_word_s": round(seen[-1][0] - pressed, 2),
            "audio_s": round(speech.duration_s, 2),
            "wer": round(error, 3),
            "typed": typed,
            "arrivals": [(round(t - pressed, 2), len(text)) for t, text in seen],
        }
        print("wayland type mode (portal shortcut):", json.dumps(report, ensure_ascii=False))
        assert first - pressed < FIRST_WORDS_S, json.dumps(report, ensure_ascii=False)


def test_the_overlay_leaves_the_focus_where_the_user_writes(sway: Sway, session_bus: str, tmp_path: Path, utterance):
    with running_window(sway, session_bus, tmp_path, utterance("jfk.flac").path) as (portal, target, window):
        portal.press()
        portal.release()
        window.wait_state("listening", 30)
        time.sleep(1.0)  # on X11 the overlay is shown when dictation starts
        stolen = [title for title in ("whisperdesk overlay", "whisperdesk") if focused(sway, title)]
        overlay = sway.window("whisperdesk overlay")  # not shown on Wayland (app/gui/overlay.py)
        portal.press()
        portal.release()
        window.wait_state("idle", 15)
        assert stolen == [] and focused(sway, target.title)
        assert overlay is None
