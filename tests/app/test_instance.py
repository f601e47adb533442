"""The control socket, Qt-free: where it lives, one line each way, one listener per user, stale files
taken over, and `whisperdesk dictate` with no window running."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.desktop.instance import (
    AlreadyRunning,
    ControlServer,
    InstanceError,
    NotRunning,
    control_socket_path,
    is_running,
    send_command,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def runtime_dir() -> Iterator[Path]:
    """A short private folder standing in for $XDG_RUNTIME_DIR (Unix socket paths are limited to 107 bytes)."""
    with tempfile.TemporaryDirectory(prefix="wd-") as folder:
        yield Path(folder)


def test_socket_lives_in_the_runtime_dir_else_a_private_temp_folder(runtime_dir: Path):
    assert control_socket_path({"XDG_RUNTIME_DIR": str(runtime_dir)}) == runtime_dir / "whisperdesk" / "control.sock"
    fallback = control_socket_path({})
    assert fallback == Path(tempfile.gettempdir()) / f"whisperdesk-{os.getuid()}" / "control.sock"
    missing = control_socket_path({"XDG_RUNTIME_DIR": str(runtime_dir / "gone")})
    assert missing == fallback


def test_commands_are_answered_with_one_json_line(runtime_dir: Path):
    path = control_socket_path({"XDG_RUNTIME_DIR": str(runtime_dir)})
    seen: list[str] = []

    def handler(command: str) -> dict[str, object]:
        seen.append(command)
        return {"ok": True, "state": "listening" if command == "start" else "idle"}

    server = ControlServer(path)
    server.serve(handler)
    try:
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert send_command("status", path) == {"ok": True, "state": "idle"}
        assert send_command("start", path)["state"] == "listening"
        refused = send_command("dance", path)
        assert refused["ok"] is False and "unknown command 'dance'" in str(refused["error"])
        with socket.socket(socket.AF_UNIX) as raw:  # the wire format itself: a line in, a line out
            raw.connect(str(path))
            raw.sendall(b"status\n")
            assert raw.makefile("rb").readline().endswith(b"}\n")
        assert seen == ["status", "start", "status"]
        assert is_running(path)
        with pytest.raises(AlreadyRunning):
            ControlServer(path).bind()
    finally:
        server.stop()
    assert not path.exists(), "stop() must remove its socket file"
    with pytest.raises(NotRunning):
        send_command("status", path)


def test_a_failing_handler_is_an_error_reply_not_a_dead_server(runtime_dir: Path):
    path = runtime_dir / "c.sock"

    def handler(command: str) -> dict[str, object]:
        raise RuntimeError("window gone\nsecond line")

    server = ControlServer(path)
    server.serve(handler)
    try:
        assert send_command("toggle", path) == {"ok": False, "error": "RuntimeError: window gone"}
        assert send_command("toggle", path)["ok"] is False  # still answering
    finally:
        server.stop()


def test_a_stale_socket_file_is_taken_over(runtime_dir: Path):
    """A window that died left its socket file: nobody listens, so the next one removes it and listens."""
    path = control_socket_path({"XDG_RUNTIME_DIR": str(runtime_dir)})
    path.parent.mkdir(mode=0o700)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(path))
    dead.close()
    assert path.exists()
    with pytest.raises(NotRunning):
        send_command("status", path)
    server = ControlServer(path)
    server.serve(lambda command: {"ok": True, "state": "idle"})
    try:
        assert send_command("status", path)["state"] == "idle"
    finally:
        server.stop()


def test_a_control_folder_owned_by_someone_else_or_a_file_is_refused(runtime_dir: Path):
    squatter = runtime_dir / "whisperdesk"
    squatter.write_text("not a folder")
    with pytest.raises(InstanceError, match="not a folder owned by you"):
        ControlServer(squatter / "control.sock").bind()


def test_an_overlong_socket_path_is_one_line(runtime_dir: Path):
    deep = runtime_dir / ("x" * 120)
    with pytest.raises(InstanceError, match="too long for a Unix socket"):
        send_command("status", deep / "control.sock")


def test_dictate_with_no_window_running_is_one_line_and_exit_2(runtime_dir: Path):
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime_dir), "QT_QPA_PLATFORM": "offscreen"}
    for action in ("toggle", "status"):
        result = subprocess.run(
            [sys.executable, "-m", "app", "dictate", action], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == "whisperdesk is not running: start it with `whisperdesk`\n"
    bad = subprocess.run([sys.executable, "-m", "app", "dictate", "dance"], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid choice: 'dance'" in bad.stderr
