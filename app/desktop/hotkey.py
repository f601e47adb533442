"""The global dictation shortcut on X11: a key combination grabbed on the root window, so it reaches
whisperdesk whichever application has the focus.

python-xlib on its own Display connection, read by a background thread that calls `on_press` /
`on_release` (on that thread: the window forwards them to its GUI thread). Wayland has no global grabs for
clients; there the desktop portal binds the keys (app/desktop/portal_shortcuts.py) or, where the desktop
has no such portal, its own shortcut settings run `whisperdesk dictate toggle`.

While the combination is held, X keeps the whole keyboard grabbed for this connection (a passive grab is
active until its key is released): key events meant for other applications, XTEST ones included, come
here and are dropped. Typing into the focused application must wait for the release (`pressed` False).
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

DEFAULT_HOTKEY = "Ctrl+Shift+Space"
HOTKEY_MODES = ("toggle", "hold")  # toggle: each press starts or stops; hold: dictate while held
DISABLED = ("", "none", "off")  # `--hotkey none`: no shortcut
WAYLAND_HELP = (
    "the global shortcut is not available on Wayland: bind `whisperdesk dictate toggle` "
    "in your desktop's keyboard shortcut settings instead"
)

# Modifier names (case-insensitive) -> X modifier mask bit names.
MODIFIERS = {
    "ctrl": "ControlMask",
    "control": "ControlMask",
    "shift": "ShiftMask",
    "alt": "Mod1Mask",
    "super": "Mod4Mask",
    "win": "Mod4Mask",
    "meta": "Mod4Mask",
}
AUTOREPEAT_WAIT_S = 0.05  # seconds a release waits for the press that would make it autorepeat
KEY_ALIASES = {"esc": "Escape", "enter": "Return", "del": "Delete", "ins": "Insert", "pgup": "Prior", "pgdn": "Next"}

Callback = Callable[[], None]


class HotkeyError(ValueError):
    """A combination that cannot be parsed ("Ctrl+", "Ctrl+Foo", two keys)."""


class HotkeyUnavailable(RuntimeError):
    """The shortcut cannot be grabbed here (no X display, Wayland, another program holds it): one line."""


@dataclass(frozen=True)
class Hotkey:
    """A parsed combination: modifier mask names and one X keysym name."""

    modifiers: frozenset[str]
    key: str  # an X keysym name, e.g. "space", "d", "F5"
    text: str  # as the user wrote it, for messages

    def __str__(self) -> str:
        return self.text


def is_disabled(text: str) -> bool:
    """True for "none" (and an empty setting): no global shortcut."""
    return text.strip().lower() in DISABLED


def parse_hotkey(text: str) -> Hotkey:
    """ "Ctrl+Shift+Space", "Super+D", "F9": modifiers joined by '+', then exactly one key."""
    from Xlib import XK

    parts = [part.strip() for part in text.split("+")]
    if not text.strip() or any(not part for part in parts):
        raise HotkeyError(f"bad shortcut {text!r}: write it like Ctrl+Shift+Space or Super+D")
    *mods, key = parts
    masks = set()
    for mod in mods:
        mask = MODIFIERS.get(mod.lower())
        if mask is None:
            raise HotkeyError(f"bad shortcut {text!r}: {mod!r} is not a modifier (use Ctrl, Shift, Alt, Super)")
        masks.add(mask)
    if key.lower() in MODIFIERS:
        raise HotkeyError(f"bad shortcut {text!r}: it ends in a modifier; add a key, e.g. {text}+Space")
    name = KEY_ALIASES.get(key.lower(), key)
    for candidate in (name, name.lower(), name.capitalize()):
        if XK.string_to_keysym(candidate):
            return Hotkey(frozenset(masks), candidate, text.strip())
    raise HotkeyError(f"bad shortcut {text!r}: {key!r} is not a key name (e.g. Space, D, F9, Return)")


def wayland_only(env: Mapping[str, str] | None = None) -> bool:
    """A Wayland session without an X display to grab keys on."""
    env = os.environ if env is None else env
    return bool(env.get("WAYLAND_DISPLAY")) and not env.get("DISPLAY")


def mode_callbacks(mode: str, toggle: Callback, start: Callback, stop: Callback) -> tuple[Callback, Callback]:
    """(on_press, on_release) for a mode: toggle -> press toggles; hold -> press starts, release stops."""
    if mode == "hold":
        return start, stop
    if mode == "toggle":
        return toggle, lambda: None
    raise HotkeyError(f"bad shortcut mode {mode!r}: use {' or '.join(HOTKEY_MODES)}")


class GlobalHotkey:
    """A grabbed combination calling `on_press` and `on_release` from a background thread.

    `start()` grabs synchronously (with the NumLock/CapsLock variants, so the shortcut works with them on)
    and raises HotkeyUnavailable with one line when it cannot; `stop()` ungrabs and ends the thread.
    Autorepeat while held is ignored: one press, one release.
    """

    def __init__(
        self,
        hotkey: Hotkey | str,
        on_press: Callback,
        on_release: Callback | None = None,
        display: str | None = None,
    ) -> None:
        self.hotkey = parse_hotkey(hotkey) if isinstance(hotkey, str) else hotkey
        self._on_press = on_press
        self._on_release = on_release or (lambda: None)
        self._display_name = display
        self._display = None
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = -1, -1
        self._grabs: list[tuple[int, int]] = []
        self._keycode = 0
        self.pressed = False

    def start(self) -> None:
        from Xlib import XK, X, error
        from Xlib.display import Display

        if self._display_name is None and wayland_only():
            raise HotkeyUnavailable(WAYLAND_HELP)
        name = self._display_name or os.environ.get("DISPLAY", "")
        if not name:
            raise HotkeyUnavailable("the global shortcut needs an X display (DISPLAY is not set)")
        try:
            display = Display(name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise HotkeyUnavailable(f"the global shortcut cannot open the X display {name}: {exc}") from None
        keycode = display.keysym_to_keycode(XK.string_to_keysym(self.hotkey.key))
        if not keycode:
            display.close()
            raise HotkeyUnavailable(f"the key {self.hotkey.key!r} of {self.hotkey} is not on this keyboard")
        base = 0
        for mask in self.hotkey.modifiers:
            base |= getattr(X, mask)
        root = display.screen().root
        grabs = [(keycode, base | extra) for extra in _lock_variants(display)]
        catcher = error.CatchError(error.BadAccess)
        for code, mods in grabs:
            root.grab_key(code, mods, True, X.GrabModeAsync, X.GrabModeAsync, onerror=catcher)
        display.sync()
        if catcher.get_error():
            for code, mods in grabs:
                root.ungrab_key(code, mods)
            display.close()
            raise HotkeyUnavailable(f"the shortcut {self.hotkey} is already taken by another program: choose another")
        self._display, self._keycode, self._grabs = display, keycode, grabs
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._loop, name="whisperdesk-hotkey", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        from Xlib import X

        display = self._display
        assert display is not None
        buffer: list = []
        try:
            while True:
                if not buffer:
                    if not self._wait(None):
                        return
                    buffer.extend(display.next_event() for _ in range(display.pending_events()))
                    continue
                event = buffer.pop(0)
                if getattr(event, "detail", None) != self._keycode:
                    continue
                if event.type == X.KeyPress and not self.pressed:
                    self.pressed = True
                    self._on_press()
                elif event.type == X.KeyRelease and self.pressed:
                    if not buffer and self._wait(AUTOREPEAT_WAIT_S):  # an autorepeat press follows at once
                        buffer.extend(display.next_event() for _ in range(display.pending_events()))
                    if buffer and _is_autorepeat(event, buffer[0]):
                        buffer.pop(0)  # autorepeat: a release and a press with the same timestamp
                        continue
                    self.pressed = False
                    self._on_release()
        except Exception:  # the X server went away: no more shortcut
            return

    def _wait(self, timeout: float | None) -> bool:
        """Block until X events are pending (True) or stop() wakes us / the timeout passes (False)."""
        display = self._display
        assert display is not None
        if display.pending_events():
            return True
        ready, _, _ = select.select([display.fileno(), self._wake_r], [], [], timeout)
        if self._wake_r in ready or not ready:
            return False
        return display.pending_events() > 0 or timeout is None

    def stop(self) -> None:
        """Ungrab, end the thread, close the connection (safe to call twice)."""
        if self._thread is not None:
            os.write(self._wake_w, b"x")
            self._thread.join(timeout=2.0)
            self._thread = None
        display, self._display = self._display, None
        if display is not None:
            with contextlib.suppress(Exception):
                root = display.screen().root
                for code, mods in self._grabs:
                    root.ungrab_key(code, mods)
                display.sync()
            with contextlib.suppress(Exception):
                display.close()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._wake_r, self._wake_w = -1, -1


def _lock_variants(display) -> list[int]:
    """The lock modifiers a grab must also cover: none, CapsLock, NumLock and both."""
    from Xlib import XK, X

    num_lock = 0
    num_code = display.keysym_to_keycode(XK.string_to_keysym("Num_Lock"))
    for index, codes in enumerate(display.get_modifier_mapping()):
        if num_code and num_code in codes:
            num_lock = 1 << index
    num_lock = num_lock or X.Mod2Mask
    return sorted({0, X.LockMask, num_lock, X.LockMask | num_lock})


def _is_autorepeat(release, following) -> bool:
    from Xlib import X

    return (
        following is not None
        and following.type == X.KeyPress
        and following.detail == release.detail
        and following.time == release.time
    )
