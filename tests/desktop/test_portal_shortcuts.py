"""The Wayland shortcut through the desktop portal's GlobalShortcuts, over a real private D-Bus
(dbus-daemon) with a stand-in portal (tests/desktop/portal_standin.py, written from the specification:
the desktop's side is not a real GNOME or KDE portal): what is asked for, which callbacks each signal
fires in toggle and hold mode, and the one-line reasons where no portal or no GlobalShortcuts answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from app.desktop.hotkey import HotkeyUnavailable, mode_callbacks, parse_hotkey
from app.desktop.portal_shortcuts import APP_ID, FALLBACK_HELP, PortalShortcut, portal_trigger, start_shortcut
from tests.desktop.portal_standin import StandInPortal
from tests.session_bus import start_session_bus, stop_session_bus

WAIT_S = 5.0


class Seen:
    """What the shortcut's callbacks were called with, in order; `wait(n)` blocks until n calls came."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.problems: list[str] = []
        self._changed = threading.Condition()

    def record(self, what: str) -> None:
        with self._changed:
            self.calls.append(what)
            self._changed.notify_all()

    def problem(self, line: str) -> None:
        with self._changed:
            self.problems.append(line)
            self._changed.notify_all()

    def callbacks(self, mode: str):
        return mode_callbacks(
            mode, lambda: self.record("toggle"), lambda: self.record("start"), lambda: self.record("stop")
        )

    def wait_for_problem(self, words: str) -> None:
        with self._changed:
            self._changed.wait_for(lambda: any(words in line for line in self.problems), WAIT_S)

    def wait(self, count: int, problems: int = 0) -> list[str]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.calls) >= count and len(self.problems) >= problems, WAIT_S)
            return list(self.calls)


@pytest.fixture
def portal(session_bus: str) -> Iterator[StandInPortal]:
    standin = StandInPortal(session_bus)
    yield standin
    standin.close()


def started(address: str, seen: Seen, mode: str = "toggle", hotkey: str = "Ctrl+Shift+Space") -> PortalShortcut:
    on_press, on_release = seen.callbacks(mode)
    shortcut = PortalShortcut(hotkey, on_press, on_release, mode=mode, on_problem=seen.problem, bus=address)
    shortcut.start()
    return shortcut


def test_triggers_are_written_in_the_shortcuts_spec_form() -> None:
    assert portal_trigger(parse_hotkey("Ctrl+Shift+Space")) == "CTRL+SHIFT+space"
    assert portal_trigger(parse_hotkey("Super+Alt+F9")) == "ALT+LOGO+F9"
    assert portal_trigger(parse_hotkey("Shift+Control+Return")) == "CTRL+SHIFT+Return"


def test_binds_our_shortcut_and_toggles_on_each_activation(session_bus: str, portal: StandInPortal) -> None:
    seen = Seen()
    shortcut = started(session_bus, seen)
    try:
        assert shortcut.bound.wait(WAIT_S)
        assert portal.bound == [
            (
                "dictate",
                {
                    "description": ("s", "Start or stop dictation (whisperdesk)"),
                    "preferred_trigger": ("s", "CTRL+SHIFT+space"),
                },
            )
        ]
        assert ("Register", (APP_ID, {})) in portal.calls  # named after packaging/whisperdesk.desktop
        assert shortcut.trigger_description == "Press CTRL+SHIFT+space"  # as the desktop answered
        portal.press("something-else")  # another shortcut, and nothing of ours: ignored
        portal.release("something-else")
        portal.press()
        portal.release()
        portal.press()
        portal.release()
        portal.close_session()  # handled after every signal before it: then the calls are complete
        assert seen.wait(2, problems=1) == ["toggle", "toggle"]
    finally:
        shortcut.stop()
    assert portal.closed.wait(WAIT_S)  # stop() closed the portal session


def test_hold_mode_starts_on_activation_and_stops_on_deactivation(session_bus: str, portal: StandInPortal) -> None:
    seen = Seen()
    shortcut = started(session_bus, seen, mode="hold", hotkey="Super+D")
    try:
        assert shortcut.bound.wait(WAIT_S)
        assert dict(portal.bound)["dictate"] == {
            "description": ("s", "Dictate while held (whisperdesk)"),
            "preferred_trigger": ("s", "LOGO+D"),
        }
        portal.press()
        assert seen.wait(1) == ["start"]
        assert shortcut.pressed  # typing waits while the keys are held
        portal.press()  # a repeated activation while held is not a second press
        portal.release()
        portal.close_session()  # handled after every signal before it: then the calls are complete
        assert seen.wait(2, problems=1) == ["start", "stop"]
        assert not shortcut.pressed
    finally:
        shortcut.stop()


def test_a_cancelled_binding_is_reported_in_one_line(session_bus: str) -> None:
    portal = StandInPortal(session_bus, bind_response=1)  # the user dismissed the desktop's dialog
    seen = Seen()
    shortcut = started(session_bus, seen)
    try:
        seen.wait(0, problems=1)
        assert seen.problems == [
            f"the desktop did not bind the shortcut Ctrl+Shift+Space (the request was cancelled): {FALLBACK_HELP}"
        ]
        assert not shortcut.bound.is_set()
    finally:
        shortcut.stop()
        portal.close()


def test_a_session_the_desktop_closes_is_reported(session_bus: str, portal: StandInPortal) -> None:
    seen = Seen()
    shortcut = started(session_bus, seen)
    try:
        assert shortcut.bound.wait(WAIT_S)
        portal.close_session()
        seen.wait(0, problems=1)
        assert seen.problems == [f"the desktop closed the shortcut's portal session: {FALLBACK_HELP}"]
    finally:
        shortcut.stop()


def test_a_session_bus_that_goes_away_is_one_line_not_a_traceback(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bus dies under a held hold-mode shortcut (the desktop session crashed, dbus-daemon was killed):
    dictation stops as if released, the user is told in one line that the shortcut is gone, and no thread
    dies with a traceback."""
    died: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(f"{args.thread}: {args.exc_value!r}"))
    process, address = start_session_bus(tmp_path)
    standin = StandInPortal(address)
    seen = Seen()
    shortcut = started(address, seen, mode="hold", hotkey="Super+D")
    try:
        assert shortcut.bound.wait(WAIT_S)
        standin.press()
        assert seen.wait(1) == ["start"]
        standin.close()  # its own connection closed first: only ours sees the bus go
        stop_session_bus(process)
        seen.wait_for_problem("session bus")
        time.sleep(0.2)  # a receiver thread dying would have said so by now
    finally:
        shortcut.stop()
        stop_session_bus(process)
    assert seen.calls == ["start", "stop"] and not shortcut.pressed
    # The portal's name went first (its connection closed), so a line may say so before the bus's own.
    assert 1 <= len(seen.problems) <= 2 and "session bus" in seen.problems[-1], seen.problems
    assert all(FALLBACK_HELP in line and "\n" not in line for line in seen.problems)
    assert died == []


def test_a_portal_that_goes_away_is_one_line_and_the_shortcut_comes_back_with_it(session_bus: str) -> None:
    """xdg-desktop-portal exits under a held hold-mode shortcut: dictation stops as if released and one line
    says the shortcut is gone (NameOwnerChanged); when a portal owns the name again the shortcut is bound
    on it without the user doing anything, the line is cleared (""), and its presses work."""
    first = StandInPortal(session_bus)
    seen = Seen()
    shortcut = started(session_bus, seen, mode="hold", hotkey="Super+D")
    second = None
    try:
        assert shortcut.bound.wait(WAIT_S)
        first.press()
        assert seen.wait(1) == ["start"]
        first.close()  # the portal's process ends: the bus gives its name up
        assert seen.wait(2, problems=1) == ["start", "stop"]
        assert seen.problems == [
            f"the desktop portal went away, and the shortcut with it (it is bound again when "
            f"the portal is back): {FALLBACK_HELP}"
        ]
        assert not shortcut.bound.is_set() and not shortcut.pressed
        second = StandInPortal(session_bus)  # the desktop started it again
        assert second.binding.wait(WAIT_S) and shortcut.bound.wait(WAIT_S)
        assert seen.wait(2, problems=2) and seen.problems[1:] == [""]
        assert second.bound[0][0] == "dictate" and ("Register", (APP_ID, {})) in second.calls
        second.press()
        second.release()
        assert seen.wait(4) == ["start", "stop", "start", "stop"]
    finally:
        shortcut.stop()
        if second is not None:
            second.close()
    assert len(seen.problems) == 2


def test_no_portal_on_the_bus_is_one_line_naming_dictate_toggle(session_bus: str) -> None:
    with pytest.raises(HotkeyUnavailable) as raised:
        started(session_bus, Seen())
    message = str(raised.value)
    assert message == f"no XDG desktop portal answers on the session bus: {FALLBACK_HELP}"
    assert "\n" not in message and "`whisperdesk dictate toggle`" in message


def test_a_portal_without_global_shortcuts_is_one_line(session_bus: str) -> None:
    portal = StandInPortal(session_bus, with_shortcuts=False)  # e.g. xdg-desktop-portal-wlr under sway
    try:
        with pytest.raises(HotkeyUnavailable) as raised:
            started(session_bus, Seen())
    finally:
        portal.close()
    assert str(raised.value) == f"this desktop's portal has no GlobalShortcuts: {FALLBACK_HELP}"


def test_no_session_bus_is_one_line(tmp_path) -> None:
    with pytest.raises(HotkeyUnavailable, match="DBUS_SESSION_BUS_ADDRESS is not set") as raised:
        started("", Seen())
    assert "`whisperdesk dictate toggle`" in str(raised.value)
    with pytest.raises(HotkeyUnavailable, match=r"^cannot reach the D-Bus session bus") as raised:
        started(f"unix:path={tmp_path / 'no-bus'}", Seen())
    assert "\n" not in str(raised.value)


def test_a_wayland_session_uses_the_portal(session_bus: str, portal: StandInPortal) -> None:
    """What the window starts (app/gui/desktop_bridge.py calls start_shortcut) on a Wayland-only session."""
    seen = Seen()
    on_press, on_release = seen.callbacks("toggle")
    env = {"WAYLAND_DISPLAY": "wayland-1", "DBUS_SESSION_BUS_ADDRESS": session_bus}
    shortcut = start_shortcut("Ctrl+Shift+Space", on_press, on_release, env=env)
    try:
        assert isinstance(shortcut, PortalShortcut) and shortcut.bound.wait(WAIT_S)
        portal.press()
        assert seen.wait(1) == ["toggle"]
    finally:
        shortcut.stop()


def test_wayland_without_a_portal_says_why_and_x11_still_grabs(session_bus: str) -> None:
    env = {"WAYLAND_DISPLAY": "wayland-1", "DBUS_SESSION_BUS_ADDRESS": session_bus}
    with pytest.raises(HotkeyUnavailable, match=r"no XDG desktop portal answers.*whisperdesk dictate toggle"):
        start_shortcut("Ctrl+Shift+Space", print, print, env=env)
    # XWayland (DISPLAY set too): the X grab is the fallback, here on a display that is not there
    with pytest.raises(HotkeyUnavailable, match="cannot open the X display :987"):
        start_shortcut("Ctrl+Shift+Space", print, print, env={**env, "DISPLAY": ":987"})
