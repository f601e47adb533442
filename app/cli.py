"""The `whisperdesk` command: subcommands for headless use; no arguments opens the window.

Never imports Qt unless the window is asked for.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from app.commands.common import UserError, error
from app.gui.launch import launch_gui, window_options  # Qt-free until a window is asked for
from audio.contract import ContractError
from audio.errors import AudioError, first_line
from inference.errors import (
    ModelIntegrityError,
    ModelLoadError,
    ModelNotFoundError,
    TranscriptionCancelled,
    UnsupportedTaskError,
)
from inference.remote.server import ServerError

# Modules under app/commands that each register subcommands.
COMMAND_MODULES = ("transcribe", "info", "live", "bench", "contract_demo", "history", "dictate")

EXPECTED_ERRORS = (
    UserError,
    AudioError,
    ContractError,
    ModelNotFoundError,
    ModelIntegrityError,
    ModelLoadError,
    UnsupportedTaskError,
    ServerError,
    OSError,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whisperdesk",
        description="Streaming speech transcription with frozen Whisper models, offline. "
        "Run without arguments to open the window.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"app.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    if not argv or argv[0].split("=")[0] in window_options():
        return launch_gui(argv)  # imports Qt only now
    args = build_parser().parse_args(argv)
    if not getattr(args, "func", None):
        build_parser().print_help()
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except TranscriptionCancelled:
        error("cancelled")
        return 130
    except EXPECTED_ERRORS as exc:
        error(first_line(exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())
