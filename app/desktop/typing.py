"""Typing text and pressing Ctrl+V in whatever window has the keyboard focus, Qt-free.

On X11 through the XTest extension (python-xlib): each character becomes its keysym and is typed on
the key that carries it, with Shift when it is the key's second level; a character no key carries
is typed on a spare keycode, remapped for it and cleared again afterwards (what xdotool does).
Nothing is typed while the user holds a key (Ctrl, Shift, Alt, Super: the dictation shortcut may
still be down, or pressed again mid-text), so no typed letter turns into a shortcut: XTest looks
before every character and waits. On Wayland, `wtype` or `ydotool` when installed; failing
everything, `open_typer` says why in one line (the caller falls back to the clipboard).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

KEY_DELAY_S = 0.002  # seconds between fake key events: some toolkits drop events sent faster
REMAP_SETTLE_S = 0.05  # seconds for clients to reload the keymap after a spare keycode is remapped
MODIFIER_POLL_S = 0.02  # seconds between looks at the keyboard while the user holds a modifier
COMMAND_TIMEOUT_S = 30.0  # seconds a wtype/ydotool/xdotool run may take
# Milliseconds wtype waits between making its virtual keyboard and the first key. Where the seat has no other
# keyboard, the focused application only binds one when wtype's appears, and keys sent before it has are
# lost: without the wait, sway 1.7 dropped the first character of every wtype run (tests/desktop/
# test_typing_wayland.py).
WTYPE_SETTLE_MS = 50
# Modifier-map rows that mean "held": Shift, Control, Mod1 (Alt), Mod3, Mod4 (Super), Mod5 (AltGr);
# Lock (Caps Lock) and Mod2 (Num Lock) are locks, not held keys.
SPECIAL_KEYSYMS = {"\n": 0xFF0D, "\t": 0xFF09}  # Return, Tab


class TypingUnavailable(Exception):
    """Text cannot be typed into other windows here; the message says why, in one line."""


class Typer(Protocol):
    """Types into the focused window of the user's desktop. Used from one thread only."""

    name: str

    def wait_for_modifiers_released(self, stop: threading.Event | None = None) -> None:
        """Return once no modifier key is held (or `stop` is set)."""
        ...

    def type_text(self, text: str, stop: threading.Event | None = None) -> None:
        """Type `text`, pausing while the user holds a key where the typer can tell (until `stop` is set)."""
        ...

    def press_paste(self) -> None:
        """Ctrl+V."""
        ...

    def focused_window(self) -> int | None:
        """The window that has the keyboard focus now, where this way of typing can tell; None where not."""
        ...

    def close(self) -> None: ...


def keysym_for(char: str) -> int:
    """The X keysym of one character: Latin-1 keysyms are the code point, others 0x01000000 + it."""
    if char in SPECIAL_KEYSYMS:
        return SPECIAL_KEYSYMS[char]
    code = ord(char)
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    return 0x01000000 + code


class XTestTyper:
    """Fake key events on an X display (python-xlib, XTest)."""

    name = "X11 (XTest)"

    def __init__(self, display_name: str | None = None) -> None:
        try:
            from Xlib import X, display, error
            from Xlib.ext import xtest
        except ImportError as exc:
            raise TypingUnavailable("python-xlib is not installed") from exc
        self._X, self._xtest = X, xtest
        try:
            self._display: Any = display.Display(display_name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            shown = display_name or os.environ.get("DISPLAY", "")
            raise TypingUnavailable(f"cannot open the X display {shown}") from exc
        if not self._display.has_extension("XTEST"):
            self._display.close()
            raise TypingUnavailable("the X server has no XTEST extension")
        info = self._display.display.info
        self._min_keycode, self._max_keycode = info.min_keycode, info.max_keycode
        self._remapped: dict[int, int] = {}  # spare keycode -> keysym put on it, until cleared

    # the keyboard --------------------------------------------------------------------------

    def _mapping(self) -> list[list[int]]:
        count = self._max_keycode - self._min_keycode + 1
        return [list(row) for row in self._display.get_keyboard_mapping(self._min_keycode, count)]

    def _keycodes(self, *keysyms: int) -> list[int]:
        codes = []
        for keysym in keysyms:
            found = [code for code, index in self._display.keysym_to_keycodes(keysym) if index == 0]
            if found:
                codes.append(found[0])
        return codes

    def held_modifiers(self) -> bool:
        """True while any key is physically down: a modifier would change what is typed, and while the
        dictation shortcut is held X11 keeps the keyboard grabbed for whisperdesk (hold mode), so keys
        sent meanwhile would reach whisperdesk instead of the target."""
        pressed = self._display.query_keymap()
        return any(pressed)

    def wait_for_modifiers_released(self, stop: threading.Event | None = None) -> None:
        stop = stop or threading.Event()
        while not stop.is_set() and self.held_modifiers():  # once set (closing), a held key delays nothing
            stop.wait(MODIFIER_POLL_S)

    # events --------------------------------------------------------------------------------

    def _key(self, keycode: int, down: bool) -> None:
        self._xtest.fake_input(self._display, self._X.KeyPress if down else self._X.KeyRelease, keycode)
        self._display.sync()
        time.sleep(KEY_DELAY_S)

    def _tap(self, keycode: int, shift: int | None = None) -> None:
        if shift is not None:
            self._key(shift, True)
        self._key(keycode, True)
        self._key(keycode, False)
        if shift is not None:
            self._key(shift, False)

    def _caps_lock_on(self) -> bool:
        return bool(self._display.screen().root.query_pointer().mask & self._X.LockMask)

    def type_text(self, text: str, stop: threading.Event | None = None) -> None:
        if not text:
            return
        mapping = self._mapping()
        where: dict[int, tuple[int, int]] = {}  # keysym -> (keycode, level 0 or 1)
        for offset, row in enumerate(mapping):
            for level in (0, 1):
                if level < len(row) and row[level] and row[level] not in where:
                    where[row[level]] = (self._min_keycode + offset, level)
        spare = [self._min_keycode + i for i, row in enumerate(mapping) if not any(row)]
        spare = [code for code in spare if code > self._min_keycode]  # the lowest is reserved on some servers
        shift = next(iter(self._keycodes(0xFFE1)), None)  # Shift_L
        caps = self._keycodes(0xFFE5) if self._caps_lock_on() else []  # Caps_Lock: off while typing
        for code in caps:
            self._tap(code)
        try:
            for char in text:
                self.wait_for_modifiers_released(stop)  # a key pressed mid-text: Super+D must not become ours
                keysym = keysym_for(char)
                if keysym in where and (where[keysym][1] == 0 or shift is not None):
                    code, level = where[keysym]
                    self._tap(code, shift if level == 1 else None)
                else:
                    self._tap(self._remap(keysym, spare))
        finally:
            for code in caps:
                self._tap(code)
            self._clear_remapped()

    def _remap(self, keysym: int, spare: list[int]) -> int:
        """A spare keycode carrying `keysym` (reused while it still carries it)."""
        for code, carried in self._remapped.items():
            if carried == keysym:
                return code
        free = [code for code in spare if code not in self._remapped]
        if not free:
            if not self._remapped:
                raise TypingUnavailable("the keyboard map has no spare key to type special characters on")
            time.sleep(REMAP_SETTLE_S)  # let clients translate what was typed on the keys about to change
            code = next(iter(self._remapped))
            del self._remapped[code]
        else:
            code = free[0]
        self._display.change_keyboard_mapping(code, [(keysym, keysym)])
        self._display.sync()
        self._remapped[code] = keysym
        time.sleep(REMAP_SETTLE_S)
        return code

    def _clear_remapped(self) -> None:
        if not self._remapped:
            return
        time.sleep(REMAP_SETTLE_S * 2)  # clients read the keymap when they handle the event: not yet cleared
        for code in self._remapped:
            self._display.change_keyboard_mapping(code, [(0, 0)])
        self._display.sync()
        self._remapped.clear()

    def press_paste(self) -> None:
        control = self._keycodes(0xFFE3)  # Control_L
        v = self._keycodes(ord("v"))
        if not control or not v:
            raise TypingUnavailable("the keyboard map has no Ctrl or V key")
        self._tap(v[0], control[0])

    def focused_window(self) -> int | None:
        focus = self._display.get_input_focus().focus
        return focus if isinstance(focus, int) else int(focus.id)  # an int for None or PointerRoot

    def close(self) -> None:
        self._display.close()


class CommandTyper:
    """Typing through a command-line tool: wtype or ydotool (Wayland), xdotool (X11)."""

    TYPE: ClassVar[dict[str, list[str]]] = {
        "wtype": ["wtype", "-s", str(WTYPE_SETTLE_MS), "--"],
        "ydotool": ["ydotool", "type", "--"],
        "xdotool": ["xdotool", "type", "--clearmodifiers", "--delay", "2", "--"],
    }
    PASTE: ClassVar[dict[str, list[str]]] = {
        "wtype": ["wtype", "-s", str(WTYPE_SETTLE_MS), "-M", "ctrl", "v", "-m", "ctrl"],
        "ydotool": ["ydotool", "key", "29:1", "47:1", "47:0", "29:0"],  # Left Ctrl, V (Linux input codes)
        "xdotool": ["xdotool", "key", "--clearmodifiers", "ctrl+v"],
    }

    def __init__(self, tool: str, env: Mapping[str, str] | None = None) -> None:
        self.tool = tool
        self.name = tool
        self._env = None if env is None else dict(env)  # the session to type into (None: this process's)

    def wait_for_modifiers_released(self, stop: threading.Event | None = None) -> None:
        """The tools cannot tell; xdotool clears held modifiers itself."""

    def _run(self, argv: list[str]) -> None:
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False, env=self._env
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TypingUnavailable(f"{self.tool} failed: {exc}") from exc
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise TypingUnavailable(f"{self.tool} failed: {lines[-1] if lines else f'exit status {done.returncode}'}")

    def type_text(self, text: str, stop: threading.Event | None = None) -> None:
        if text:
            self._run([*self.TYPE[self.tool], text])

    def press_paste(self) -> None:
        self._run(self.PASTE[self.tool])

    def focused_window(self) -> int | None:
        """Not asked: Wayland does not tell, and xdotool is only the fallback."""
        return None

    def close(self) -> None:
        pass


def open_typer(env: Mapping[str, str] | None = None) -> Typer:
    """The way to type on this desktop, or TypingUnavailable saying why there is none."""
    env = os.environ if env is None else env
    wayland = bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"
    if wayland:
        for tool in ("wtype", "ydotool"):
            if shutil.which(tool, path=env.get("PATH")):
                return CommandTyper(tool, env)
        raise TypingUnavailable("typing into other windows on Wayland needs wtype or ydotool (neither is installed)")
    display = env.get("DISPLAY", "")
    if not display:
        raise TypingUnavailable("no display to type into (DISPLAY is not set)")
    try:
        return XTestTyper(display)
    except TypingUnavailable:
        if shutil.which("xdotool", path=env.get("PATH")):
            return CommandTyper("xdotool", env)
        raise
