"""Start at login: an XDG autostart entry (~/.config/autostart/whisperdesk.desktop) that opens
whisperdesk hidden in the tray. Written and removed by the Settings switch; Qt-free."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

ENTRY_NAME = "whisperdesk.desktop"


def autostart_path(env: dict[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/autostart/whisperdesk.desktop (default ~/.config)."""
    env = dict(os.environ) if env is None else env
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".config")
    return Path(config) / "autostart" / ENTRY_NAME


def launch_command() -> list[str]:
    """How this installation starts: the frozen bundle's executable, or this Python running the app."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "app"]


def entry_text(command: list[str]) -> str:
    exec_line = shlex.join([*command, "--hidden"])
    return (
        "[Desktop Entry]\nType=Application\nName=whisperdesk\nComment=Dictation, started hidden in the tray\n"
        f"Exec={exec_line}\nIcon=whisperdesk\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
    )


def set_autostart(enabled: bool, path: Path | None = None, command: list[str] | None = None) -> Path:
    """Write (enabled) or remove the entry; returns its path."""
    path = path or autostart_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_text(command or launch_command()), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return path


def autostart_enabled(path: Path | None = None) -> bool:
    return (path or autostart_path()).is_file()
