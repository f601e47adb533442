"""The global dictation shortcut: combinations parsed, and grabbed on a real (virtual) X display where
xdotool presses them through XTEST like a keyboard would."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from app.desktop.hotkey import (
    WAYLAND_HELP,
    GlobalHotkey,
    HotkeyError,
    HotkeyUnavailable,
    is_disabled,
    mode_callbacks,
    parse_hotkey,
    wayland_only,
)
from tests.xdisplay import xdisplay, xdotool

__all__ = ["xdisplay"]  # the fixture, imported for the tests below

WAIT_S = 5.0  # seconds a key press may take to reach the grab


class Recorder:
    """Callbacks that note what was called, in order, from the shortcut's thread."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []
        self.changed = threading.Condition()

    def press(self) -> None:
        self._note("press")

    def release(self) -> None:
        self._note("release")

    def _note(self, what: str) -> None:
        with self.changed:
            self.calls.append((what, time.monotonic()))
            self.changed.notify_all()

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def wait_for(self, count: int, timeout: float = WAIT_S) -> list[str]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.calls) >= count, timeout)
        return self.names()


@pytest.mark.parametrize(
    ("text", "modifiers", "key"),
    [
        ("Ctrl+Shift+Space", {"ControlMask", "ShiftMask"}, "space"),
        ("ctrl + shift + space", {"ControlMask", "ShiftMask"}, "space"),
        ("Super+D", {"Mod4Mask"}, "D"),
        ("Alt+F9", {"Mod1Mask"}, "F9"),
        ("Control+Alt+Return", {"ControlMask", "Mod1Mask"}, "Return"),
        ("Ctrl+Esc", {"ControlMask"}, "Escape"),
        ("F8", set(), "F8"),
    ],
)
def test_combinations_parse_to_modifier_masks_and_one_key(text: str, modifiers: set[str], key: str):
    hotkey = parse_hotkey(text)
    assert hotkey.modifiers == frozenset(modifiers)
    assert hotkey.key == key
    assert str(hotkey) == text.strip()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "write it like"),
        ("Ctrl+", "write it like"),
        ("Ctrl++Space", "write it like"),
        ("Hyper+X", "'Hyper' is not a modifier"),
        ("Ctrl+Shift", "ends in a modifier"),
        ("Ctrl+Spacebarx", "'Spacebarx' is not a key name"),
        ("Ctrl+A+B", "'A' is not a modifier"),
    ],
)
def test_a_bad_combination_is_one_clear_line(text: str, says: str):
    with pytest.raises(HotkeyError) as raised:
        parse_hotkey(text)
    message = str(raised.value)
    assert says in message and repr(text) in message and "\n" not in message


def test_none_disables_the_shortcut():
    assert is_disabled("none") and is_disabled("None") and is_disabled("")
    assert not is_disabled("Ctrl+Shift+Space")


def test_modes_map_press_and_release():
    calls: list[str] = []
    press, release = mode_callbacks(
        "toggle", lambda: calls.append("toggle"), lambda: calls.append("start"), lambda: calls.append("stop")
    )
    press(), release()
    press, release = mode_callbacks(
        "hold", lambda: calls.append("toggle"), lambda: calls.append("start"), lambda: calls.append("stop")
    )
    press(), release()
    assert calls == ["toggle", "start", "stop"]
    with pytest.raises(HotkeyError, match="'sticky'"):
        mode_callbacks("sticky", print, print, print)


def test_wayland_without_x_says_to_bind_the_dictate_command(monkeypatch: pytest.MonkeyPatch):
    assert wayland_only({"WAYLAND_DISPLAY": "wayland-0"})
    assert not wayland_only({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"})  # XWayland: X grabs work
    assert not wayland_only({"DISPLAY": ":0"})
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(HotkeyUnavailable) as raised:
        GlobalHotkey("Ctrl+Shift+Space", print).start()
    assert str(raised.value) == WAYLAND_HELP and "whisperdesk dictate toggle" in WAYLAND_HELP


def test_no_display_is_one_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(HotkeyUnavailable, match="needs an X display"):
        GlobalHotkey("Ctrl+Shift+Space", print).start()


def test_a_display_that_is_not_running_is_one_line():
    with pytest.raises(HotkeyUnavailable, match="cannot open the X display :987"):
        GlobalHotkey("Ctrl+Shift+Space", print, display=":987").start()


def test_toggle_grab_gets_the_combination_not_the_bare_key(xdisplay: str):
    """xdotool key ctrl+shift+space: one press then one release; a bare Space or Ctrl+Space is not ours."""
    seen = Recorder()
    hotkey = GlobalHotkey("Ctrl+Shift+Space", seen.press, seen.release, display=xdisplay)
    hotkey.start()
    try:
        xdotool(xdisplay, "key", "space")
        xdotool(xdisplay, "key", "ctrl+space")
        time.sleep(0.3)
        assert seen.names() == []
        xdotool(xdisplay, "key", "ctrl+shift+space")
        assert seen.wait_for(2) == ["press", "release"]
        xdotool(xdisplay, "key", "Num_Lock")  # NumLock on: the grab's lock variants still match
        xdotool(xdisplay, "key", "ctrl+shift+space")
        assert seen.wait_for(4) == ["press", "release"] * 2
        xdotool(xdisplay, "key", "Num_Lock")
        xdotool(xdisplay, "key", "Caps_Lock")  # so does CapsLock
        xdotool(xdisplay, "key", "ctrl+shift+space")
        assert seen.wait_for(6) == ["press", "release"] * 3
    finally:
        hotkey.stop()
    xdotool(xdisplay, "key", "ctrl+shift+space")
    time.sleep(0.3)
    assert len(seen.calls) == 6, "the shortcut still reached us after stop()"


def test_hold_gets_one_press_and_one_release_through_autorepeat(xdisplay: str):
    """Held for 1.5 s (the X server autorepeats after 660 ms): press at keydown, release only at keyup.
    One xdotool process holds the keys: the server may release a key whose XTEST client disconnected."""
    seen = Recorder()
    hotkey = GlobalHotkey("Super+D", seen.press, seen.release, display=xdisplay)
    hotkey.start()
    try:
        began = time.monotonic()
        held = subprocess.run(
            ["xdotool", "keydown", "super+d", "sleep", "1.5", "keyup", "super+d"],
            env={**os.environ, "DISPLAY": xdisplay},
            check=True,
            timeout=20,
        )
        assert held.returncode == 0
        assert seen.wait_for(2) == ["press", "release"]
        time.sleep(0.3)
        assert seen.names() == ["press", "release"], "autorepeat leaked through"
        (_, pressed), (_, released) = seen.calls
        assert pressed - began < 1.0 and released - pressed > 1.3
    finally:
        hotkey.stop()


def test_a_combination_grabbed_elsewhere_is_one_line(xdisplay: str):
    """Another X client holds the key: BadAccess becomes one line, and the first grab keeps working."""
    first = Recorder()
    holder = GlobalHotkey("Ctrl+Shift+Space", first.press, first.release, display=xdisplay)
    holder.start()
    try:
        second = GlobalHotkey("Ctrl+Shift+Space", print, display=xdisplay)
        with pytest.raises(HotkeyUnavailable) as raised:
            second.start()
        message = str(raised.value)
        assert "already taken by another program" in message and "Ctrl+Shift+Space" in message
        assert "\n" not in message
        xdotool(xdisplay, "key", "ctrl+shift+space")
        assert first.wait_for(2) == ["press", "release"]
    finally:
        holder.stop()
    again = GlobalHotkey("Ctrl+Shift+Space", print, display=xdisplay)
    again.start()  # released by stop(): free to grab
    again.stop()
