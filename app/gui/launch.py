"""`whisperdesk` with no subcommand: open the window, or render it to a PNG (`--screenshot`).

Checks for a display before Qt starts, so a machine without one gets instructions instead
of Qt's abort. Qt is imported only after that check.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
from collections.abc import Mapping

from app.desktop.hotkey import is_disabled, parse_hotkey
from app.desktop.instance import AlreadyRunning, ControlServer, InstanceError, send_command
from audio.errors import AudioError, first_line

NO_DISPLAY_HELP = """\
whisperdesk: cannot open the window: {problem}.
  On a desktop, start whisperdesk from a terminal inside your graphical session.
  Without a screen, use a virtual one:   xvfb-run -a whisperdesk
  Save a picture of the window instead:  whisperdesk --screenshot window.png [--view live|files]
  Or use the command line:               whisperdesk transcribe FILE...   whisperdesk live   whisperdesk --help"""


def _x_socket_answers(number: str) -> bool:
    """True when something listens on the local X socket for display `number` (file or abstract)."""
    for address in (f"/tmp/.X11-unix/X{number}", f"\0/tmp/.X11-unix/X{number}"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            try:
                sock.connect(address)
            except OSError:
                continue
            return True
    return False


def display_problem(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> str | None:
    """Why Qt could not show a window here, or None when it should be able to."""
    env = os.environ if env is None else env
    if env.get("QT_QPA_PLATFORM") or not platform.startswith("linux"):
        return None  # a platform plugin was chosen explicitly, or the OS always has a screen
    if env.get("WAYLAND_DISPLAY"):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return "no display found (DISPLAY and WAYLAND_DISPLAY are not set)"
    local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display)
    if local and not _x_socket_answers(local.group(1)):
        return f"the X display {display} is not running"
    return None


def window_parser() -> argparse.ArgumentParser:
    """The window's options (`whisperdesk [OPTIONS]` without a subcommand)."""
    parser = argparse.ArgumentParser(prog="whisperdesk", description="Open the whisperdesk window.")
    parser.add_argument("--gui", action="store_true", help="open the window (the default without a subcommand)")
    parser.add_argument("--screenshot", metavar="PATH", help="run some work, save the window as a PNG, and exit")
    parser.add_argument(
        "--view", choices=("live", "files", "history"), default="live", help="the view to open or capture"
    )
    parser.add_argument(
        "--file",
        action="append",
        default=[],
        metavar="AUDIO",
        help="with --screenshot: the audio to transcribe (files view) or dictate from (live view); repeatable",
    )
    parser.add_argument(
        "--contract-demo",
        action="store_true",
        help="start with the input-contract demo switched on (converted and raw audio side by side)",
    )
    parser.add_argument(
        "--hidden",
        action="store_true",
        help="start in the system tray without showing the window (also Settings: start hidden)",
    )
    parser.add_argument(
        "--simulate",
        metavar="AUDIO",
        help="use AUDIO, replayed in real time, as the microphone each time dictation starts (demos, tests)",
    )
    parser.add_argument(
        "--hotkey",
        metavar="COMBO",
        help="the global dictation shortcut for this run (X11), e.g. Ctrl+Shift+Space or Super+D; "
        "none: no shortcut; default: the setting",
    )
    parser.add_argument(
        "--output",
        choices=("type", "paste", "window"),
        help="where dictated words go for this run: typed into the focused window as they come (type), "
        "pasted there when dictation stops (paste), or only shown here (window); default: the setting",
    )
    return parser


def window_options() -> set[str]:
    """Every option string of the window, so the CLI can tell `whisperdesk --simulate x` from a subcommand."""
    return {option for action in window_parser()._actions for option in action.option_strings} - {"-h", "--help"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    return window_parser().parse_args(argv)


def _hide_offscreen_noise() -> None:
    """The offscreen plugin warns that it cannot size windows like a window manager; say nothing of it."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode, context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def claim_instance(hotkey: str | None) -> ControlServer | int | None:
    """Before Qt starts: check --hotkey, then take the control socket. An exit status when this launch
    should end here (a window already runs and was asked to come to the front: 0); None when the socket
    cannot be used (the window opens without it, saying why)."""
    if hotkey is not None and not is_disabled(hotkey):
        try:
            parse_hotkey(hotkey)
        except ValueError as exc:
            print(f"whisperdesk: error: {exc}", file=sys.stderr)
            return 2
    server = ControlServer()
    try:
        server.bind()
    except AlreadyRunning:
        try:
            send_command("show", server.path)
        except InstanceError as exc:
            print(f"whisperdesk: error: another window holds {server.path} but {first_line(exc)}", file=sys.stderr)
            return 2
        print("whisperdesk is already running: its window was brought to the front")
        return 0
    except InstanceError as exc:
        print(f"whisperdesk: warning: `whisperdesk dictate` will not work: {first_line(exc)}", file=sys.stderr)
        return None
    return server


def launch_gui(argv: list[str]) -> int:
    """Open the window (or take a screenshot); returns the exit status."""
    args = parse_args(argv)
    problem = display_problem()
    if problem:
        if not args.screenshot:
            print(NO_DISPLAY_HELP.format(problem=problem), file=sys.stderr)
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    control = None
    if not args.screenshot:
        claim = claim_instance(args.hotkey)
        if isinstance(claim, int):
            return claim  # another window answered (brought to the front), or a bad --hotkey
        control = claim

    from PySide6.QtWidgets import QApplication

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        _hide_offscreen_noise()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName("whisperdesk")
    app.setOrganizationName("whisperdesk")
    app.setStyle("Fusion")

    live = None
    if args.simulate:
        from app.window.live_controller import simulated_microphone

        try:
            live = simulated_microphone(args.simulate)
        except AudioError as exc:
            print(f"whisperdesk: error: {first_line(exc)}", file=sys.stderr)
            if control is not None:
                control.stop()
            return 2

    if args.screenshot:
        from app.gui.screenshot import take_screenshot

        return take_screenshot(args.screenshot, args.view, args.file, args.contract_demo)

    from app.gui.main_window import MainWindow, WindowDeps
    from app.gui.settings_store import SettingsStore

    window = MainWindow(SettingsStore(), WindowDeps(live=live) if live is not None else None)
    window.output_override = args.output
    window.show_view(args.view)
    in_tray = window.enable_tray()
    if not ((args.hidden or window.settings.start_hidden) and in_tray):
        window.show()  # hidden only where a tray icon can bring it back
    window.enable_desktop(control, args.hotkey)
    window.start()
    if args.contract_demo:
        window.set_contract_demo_visible(True)
    return app.exec()
