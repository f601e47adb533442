"""Giving the keyboard focus back to the application the user was writing in, Qt-free.

Why: re-inserting a past dictation from whisperdesk's window must type into the window the user came
from, never into whisperdesk's own. The window records `focused_window()` just before it raises itself
(the tray's Show, a second launch); Insert hides whisperdesk and `give_back` focuses that window again
(X11: XSetInputFocus, and the EWMH _NET_ACTIVE_WINDOW request a window manager honours), then waits until
the X server says it has the focus. When nothing was recorded, it waits for the window manager to move
the focus off whisperdesk's windows (which hiding them makes it do). Where the focus cannot be seen
(Wayland) the compositor moves it when whisperdesk hides, and a short settle time is all there is.

Each call opens its own X connection (they are rare: one per raise or insert), so the GUI thread and the
typing thread never share one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Collection, Mapping
from typing import Any

GIVE_BACK_TIMEOUT_S = 2.0  # seconds to wait for the X server to report the focus on the target window
FOCUS_POLL_S = 0.02  # seconds between looks at the focus while it moves
WAYLAND_SETTLE_S = 0.3  # seconds given to a Wayland compositor to refocus after whisperdesk hides


class FocusLost(Exception):
    """The window to type into cannot be given the focus; the message says why, in one line."""


def _x_display_name(env: Mapping[str, str]) -> str | None:
    """The X display to use, or None on Wayland or without a display."""
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return None
    return env.get("DISPLAY") or None


def _open(name: str) -> Any:
    from Xlib import display, error

    try:
        return display.Display(name)
    except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
        raise FocusLost(f"cannot open the X display {name}") from exc


def _focus_id(dpy: Any) -> int | None:
    focus = dpy.get_input_focus().focus
    if isinstance(focus, int):  # X.NONE or X.PointerRoot: no window has it
        return None
    return int(focus.id)


def _ancestors(dpy: Any, window: int) -> list[int]:
    """`window` and its parents up to (not including) the root."""
    from Xlib import error

    chain: list[int] = []
    root = dpy.screen().root.id
    current = window
    while current and current != root and len(chain) < 64:
        chain.append(current)
        try:
            current = dpy.create_resource_object("window", current).query_tree().parent.id
        except error.XError:
            break
    return chain


class DesktopFocus:
    """The focused window of the user's desktop, and the way to hand it back (see the module's docstring)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._display = _x_display_name(os.environ if env is None else env)

    @property
    def visible(self) -> bool:
        """The focus can be seen and set here (X11); False on Wayland or without a display."""
        return self._display is not None

    def focused_window(self) -> int | None:
        """The window with the keyboard focus now; None where it cannot be told."""
        if self._display is None:
            return None
        try:
            dpy = _open(self._display)
        except FocusLost:
            return None
        try:
            return _focus_id(dpy)
        finally:
            dpy.close()

    def give_back(
        self,
        window: int | None,
        ours: Collection[int],
        timeout_s: float = GIVE_BACK_TIMEOUT_S,
        stop: threading.Event | None = None,
    ) -> int | None:
        """Focus `window` again (None: let the window manager choose) and return the window that has the
        focus then; FocusLost when `window` is gone, or the focus stays in one of `ours` (whisperdesk's
        own top-level windows) or goes nowhere."""
        wait = stop or threading.Event()
        if self._display is None:
            wait.wait(WAYLAND_SETTLE_S)
            return None
        from Xlib import X, error
        from Xlib.protocol import event

        dpy = _open(self._display)
        try:
            if window is not None and window not in ours:
                try:
                    target = dpy.create_resource_object("window", window)
                    if target.get_attributes().map_state != X.IsViewable:
                        raise FocusLost("the window you were writing in is no longer shown")
                    active = dpy.intern_atom("_NET_ACTIVE_WINDOW")
                    root = dpy.screen().root
                    data = (32, [2, X.CurrentTime, 0, 0, 0])  # 2: asked for by a pager-like tool, not an app
                    request = event.ClientMessage(window=target, client_type=active, data=data)
                    root.send_event(request, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
                    target.set_input_focus(X.RevertToParent, X.CurrentTime)
                    dpy.sync()
                except error.XError as exc:
                    raise FocusLost("the window you were writing in is gone") from exc
            waited = 0.0
            while True:
                focus = _focus_id(dpy)
                chain = _ancestors(dpy, focus) if focus is not None else []
                arrived = window in chain if window is not None and window not in ours else bool(chain)
                if arrived and not set(chain) & set(ours):
                    return focus
                if waited >= timeout_s:
                    raise FocusLost("no other window took the keyboard focus")
                wait.wait(FOCUS_POLL_S)
                waited += FOCUS_POLL_S
        finally:
            dpy.close()
