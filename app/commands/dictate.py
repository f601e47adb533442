"""`whisperdesk dictate toggle|start|stop|status`: control the running window's dictation from anywhere
(a desktop keyboard shortcut on Wayland, a script), through its control socket."""

from __future__ import annotations

import argparse
import json
import sys

from app.commands.common import error
from app.desktop.instance import DICTATE_COMMANDS, InstanceError, NotRunning, send_command

NOT_RUNNING = "whisperdesk is not running: start it with `whisperdesk`"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dictate",
        help="start, stop or toggle dictation in the running window (bind `whisperdesk dictate toggle` to a key)",
        description="Control dictation in the running whisperdesk window. Prints the state after the command "
        "(idle, starting, listening, stopping); exit status 2 when no window runs.",
    )
    parser.add_argument("action", choices=DICTATE_COMMANDS, help="toggle, start, stop, or status (changes nothing)")
    parser.add_argument("--json", action="store_true", help="print the window's one-line JSON reply")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        reply = send_command(args.action)
    except NotRunning:
        print(NOT_RUNNING, file=sys.stderr)
        return 2
    except InstanceError as exc:
        error(str(exc))
        return 2
    if args.json:
        print(json.dumps(reply))
    else:
        print(reply.get("state", "unknown"))
    if not reply.get("ok", False):
        error(str(reply.get("error", "the window refused the command")))
        return 1
    return 0
