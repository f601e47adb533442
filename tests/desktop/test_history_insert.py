"""Re-inserting a past dictation into the application the user was writing in, on a real X server (Xvfb)
with another process's text field: from the window's history (Insert into app: whisperdesk gives the
focus back and types), and from `whisperdesk history --last --type`. Exactly the dictation's text
arrives there, and none of it in whisperdesk's own window."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.desktop.focus import DesktopFocus, FocusLost
from app.services.history import HistoryRecord, encode
from inference.results import Segment
from tests.xdisplay import x_env, xdotool

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("history_window.py")
# Two pieces, the second glued onto the first word (a word the engine split), punctuation and a capital.
PIECES = (Segment(0.0, 1.2, "Dear Ann, the 42-line"), Segment(1.2, 3.0, "Bible arrived. Thanks!"))
TEXT = "Dear Ann, the 42-line Bible arrived. Thanks!"


def _history(folder: Path) -> Path:
    """A data folder whose history holds one finished dictation, written as whisperdesk writes it."""
    data = folder / "data"
    (data / "history").mkdir(parents=True)
    record = HistoryRecord("20260101-120000-000-abcdef", 1767268800.0, 1767268803.0, 3.0, PIECES, source="test")
    (data / "history" / f"{record.id}.json").write_text(encode(record), encoding="utf-8")
    assert record.text == TEXT
    return data


def _env(display: str, folder: Path, data: Path) -> dict[str, str]:
    runtime = folder / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    (folder / "settings.ini").write_text("[settings]\n")
    return x_env(
        display,
        HOME=str(folder / "home"),
        XDG_CONFIG_HOME=str(folder / "config"),
        XDG_RUNTIME_DIR=str(runtime),
        WHISPERDESK_DATA_DIR=str(data),
        WHISPERDESK_SETTINGS_FILE=str(folder / "settings.ini"),
        HF_HUB_OFFLINE="1",
    )


def test_insert_from_the_history_view_types_into_the_window_the_user_came_from(
    xdisplay: str, target_factory, tmp_path: Path
) -> None:
    """The window appears over the focused field and takes the focus; Insert into app gives the focus back
    to that field and types the dictation there; no key press reaches whisperdesk's widgets."""
    target = target_factory()
    env = _env(xdisplay, tmp_path, _history(tmp_path))
    out = tmp_path / "window.json"
    done = subprocess.run(
        [sys.executable, str(DRIVER), str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["active_before_insert"] and result["focus_before_insert"] == result["our_window"]
    assert result["came_from"] == int(target.window)
    assert target.wait_for(lambda text: text == TEXT) == TEXT
    assert result["key_presses_in_whisperdesk"] == 0
    assert result["focus_after_insert"] == int(target.window)
    assert xdotool(xdisplay, "getwindowfocus") == target.window


def test_history_last_type_types_the_last_dictation_into_the_focused_window(
    xdisplay: str, target_factory, tmp_path: Path
) -> None:
    """`whisperdesk history --last --type --delay 0.2`, as a desktop key binding would run it."""
    target = target_factory()
    env = _env(xdisplay, tmp_path, _history(tmp_path))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "app", "history", "--last", "--type", "--delay", "0.2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 0.2
    assert target.wait_for(lambda text: text == TEXT) == TEXT


def test_history_last_type_without_a_display_says_why_in_one_line(tmp_path: Path) -> None:
    """No display to type into: one error line, exit status 1, the text still in the history."""
    env = _env(":0", tmp_path, _history(tmp_path))
    env.pop("DISPLAY")
    done = subprocess.run(
        [sys.executable, "-m", "app", "history", "--last", "--type"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("whisperdesk: error: cannot type the dictation:"), lines
    assert "DISPLAY" in lines[0] and not done.stdout


def test_a_window_that_is_gone_is_not_typed_into(xdisplay: str, target_factory) -> None:
    """The window the user came from was closed, or none other takes the focus: FocusLost (the output then
    puts the text on the clipboard), never typing into whatever has the focus."""
    focus = DesktopFocus({"DISPLAY": xdisplay})
    target = target_factory("whisperdesk-gone-target")
    window = int(target.window)
    assert focus.focused_window() == window
    assert focus.give_back(window, ours=[]) == window
    with pytest.raises(FocusLost, match="no other window"):
        focus.give_back(None, ours=[window], timeout_s=0.3)  # the focus stays in "our" window
    target.close()
    with pytest.raises(FocusLost, match=r"gone|no longer shown"):
        focus.give_back(window, ours=[], timeout_s=0.3)
