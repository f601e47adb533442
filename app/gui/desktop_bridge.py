"""The window's ends of the control socket and the global shortcut.

Both report on their own threads (app/desktop/instance.py; app/desktop/hotkey.py on X11, portal_shortcuts.py
on Wayland); this QObject carries what they report to the GUI thread with queued signals, runs it on the live
controller there, and answers the socket with the state that results.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from app.desktop.hotkey import GlobalHotkey, HotkeyUnavailable, is_disabled, mode_callbacks, parse_hotkey
from app.desktop.instance import REPLY_TIMEOUT_S, ControlServer
from app.desktop.portal_shortcuts import PortalShortcut, start_shortcut
from app.window.live_controller import IDLE, RUNNING, STARTING, STOPPING, LiveController

# The controller's states as the socket reports them.
REPORTED_STATES = {IDLE: "idle", STARTING: "starting", RUNNING: "listening", STOPPING: "stopping"}


class DesktopBridge(QObject):
    """Control commands and shortcut presses, run on the GUI thread."""

    _command = Signal(str, object)  # (command, Future for the reply), from the server's thread
    _key = Signal(str)  # "press" / "release", from the shortcut's thread
    _problem = Signal(str)  # a line from the portal's thread: the desktop refused or dropped the shortcut

    def __init__(self, window: QWidget, live: LiveController, report: Callable[[str], None]) -> None:
        super().__init__(window)
        self._window = window
        self._live = live
        self._report = report  # one line for the user (status bar and stderr)
        self.server: ControlServer | None = None
        self.hotkey: GlobalHotkey | PortalShortcut | None = None
        self.hotkey_problem = ""
        self._press: Callable[[], None] = lambda: None
        self._release: Callable[[], None] = lambda: None
        self._command.connect(self._run_command, Qt.ConnectionType.QueuedConnection)
        self._key.connect(self._run_key, Qt.ConnectionType.QueuedConnection)
        self._problem.connect(self._shortcut_problem, Qt.ConnectionType.QueuedConnection)

    # control socket ------------------------------------------------------------------------

    def serve(self, server: ControlServer) -> None:
        self.server = server
        server.serve(self._from_server)

    def _from_server(self, command: str) -> dict[str, object]:
        """On the server's thread: hand the command to the GUI thread, wait for its reply."""
        future: Future[dict[str, object]] = Future()
        self._command.emit(command, future)
        try:
            return future.result(timeout=REPLY_TIMEOUT_S - 0.5)
        except FutureTimeout:
            return {"ok": False, "error": "the window is busy: try again"}

    def _run_command(self, command: str, future: Future) -> None:
        try:
            future.set_result(self.run_command(command))
        except Exception as exc:
            future.set_exception(exc)

    def run_command(self, command: str) -> dict[str, object]:
        """toggle / start / stop / status / show, on the GUI thread; the reply names the state after it."""
        live = self._live
        if command == "toggle":
            live.toggle()
        elif command == "start":
            if live.state == IDLE:
                live.start_microphone()
        elif command == "stop":
            live.stop()
        elif command == "show":
            self._window.showNormal()
            self._window.raise_()
            self._window.activateWindow()
        reply: dict[str, object] = {"ok": True, "state": REPORTED_STATES.get(live.state, live.state)}
        if live.source_name:
            reply["source"] = live.source_name
        if command in ("toggle", "start") and live.state == IDLE and not live.devices:
            reply.update(ok=False, error="no microphone: dictation cannot start")
        return reply

    # global shortcut -----------------------------------------------------------------------

    def start_hotkey(self, combo: str, mode: str) -> bool:
        """Grab `combo` ("none": no shortcut); a problem is reported in one line and the window goes on."""
        self.stop_hotkey()
        self.hotkey_problem = ""
        if is_disabled(combo):
            return False
        live = self._live
        try:
            hotkey = parse_hotkey(combo)
            self._press, self._release = mode_callbacks(mode, live.toggle, live.start_held, live.stop_held)
            grab = start_shortcut(
                hotkey,
                lambda: self._key.emit("press"),
                lambda: self._key.emit("release"),
                mode=mode,
                on_problem=self._problem.emit,
            )
        except (ValueError, HotkeyUnavailable) as exc:
            self.hotkey_problem = str(exc)
            self._report(f"whisperdesk: {exc}")
            return False
        self.hotkey = grab
        return True

    def _shortcut_problem(self, line: str) -> None:
        """A line about the shortcut; "" when the problem is over (the portal came back)."""
        self.hotkey_problem = line
        if line:
            self._report(f"whisperdesk: {line}")

    def _run_key(self, what: str) -> None:
        (self._press if what == "press" else self._release)()

    @property
    def shortcut_held(self) -> bool:
        """True while the shortcut's keys are down. X11 then has the whole keyboard grabbed for whisperdesk
        (a passive grab stays active until the key is released), so keys typed into other applications
        meanwhile (XTEST included) reach whisperdesk instead: typing output should wait for the release."""
        return self.hotkey is not None and self.hotkey.pressed

    def stop_hotkey(self) -> None:
        hotkey, self.hotkey = self.hotkey, None
        if hotkey is not None:
            hotkey.stop()

    def stop(self) -> None:
        """The window closes: no more shortcut, no more socket (its file removed)."""
        self.stop_hotkey()
        server, self.server = self.server, None
        if server is not None:
            server.stop()


def print_problem(line: str) -> None:
    """One line for the user on stderr (the window's problems with the shortcut or socket)."""
    print(line, file=sys.stderr, flush=True)
