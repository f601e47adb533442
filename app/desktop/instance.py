"""One running whisperdesk per user, and its local control socket.

The window listens on a Unix socket in the user's runtime folder; `whisperdesk dictate ...` (and a second
`whisperdesk` launch, which only brings the first window to the front) talk to it with one line each way:
a command (`toggle`, `start`, `stop`, `status`, `show`) and a one-line JSON reply. Plain `socket`, no Qt:
the window hands each command to its GUI thread itself (app/gui/desktop_bridge.py).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

SOCKET_NAME = "control.sock"
COMMANDS = ("toggle", "start", "stop", "status", "show")  # what the window answers
DICTATE_COMMANDS = ("toggle", "start", "stop", "status")  # what `whisperdesk dictate` sends
REPLY_TIMEOUT_S = 5.0  # seconds a client waits for the window's answer
MAX_LINE = 4096  # bytes: a command or reply longer than this is refused
MAX_SOCKET_PATH = 107  # bytes: sun_path holds 108 with its terminating NUL

Handler = Callable[[str], dict[str, object]]


class InstanceError(OSError):
    """The control socket cannot be used (a folder with the wrong owner, a path too long...): one line."""


class NotRunning(InstanceError):
    """No whisperdesk window listens on the control socket."""


class AlreadyRunning(InstanceError):
    """Another whisperdesk window already listens on the control socket."""


def control_dir(env: dict[str, str] | None = None) -> Path:
    """The private folder holding the socket: $XDG_RUNTIME_DIR/whisperdesk, else a per-user folder in the
    temporary directory (both mode 0700)."""
    env = dict(os.environ) if env is None else env
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "whisperdesk"
    return Path(tempfile.gettempdir()) / f"whisperdesk-{os.getuid()}"


def control_socket_path(env: dict[str, str] | None = None) -> Path:
    """Where the running window listens (the one name the window, `whisperdesk dictate` and tests share)."""
    return control_dir(env) / SOCKET_NAME


def _private_dir(folder: Path) -> None:
    """Create `folder` 0700, or check an existing one is ours and private (the temp fallback is shared)."""
    try:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        info = folder.lstat()
    except OSError as exc:
        raise InstanceError(f"cannot create the control folder {folder}: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise InstanceError(f"the control folder {folder} is not a folder owned by you: remove it")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)


def _check_length(path: Path) -> None:
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise InstanceError(f"the control socket path is too long for a Unix socket: {path}")


def send_command(command: str, path: Path | None = None, timeout: float = REPLY_TIMEOUT_S) -> dict[str, object]:
    """Send one command to the running window and return its JSON reply; NotRunning when none listens."""
    path = path or control_socket_path()
    _check_length(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(os.fspath(path))
        except (FileNotFoundError, ConnectionRefusedError):
            raise NotRunning(f"no whisperdesk window listens on {path}") from None
        try:
            sock.sendall(command.strip().encode() + b"\n")
            data = _read_line(sock)
        except TimeoutError:
            raise InstanceError(f"whisperdesk did not answer within {timeout:g} s") from None
    if not data:
        raise InstanceError("whisperdesk closed the connection without answering")
    try:
        reply = json.loads(data)
    except ValueError:
        raise InstanceError(f"whisperdesk sent an unreadable reply: {data[:80]!r}") from None
    if not isinstance(reply, dict):
        raise InstanceError(f"whisperdesk sent an unexpected reply: {data[:80]!r}")
    return reply


def is_running(path: Path | None = None) -> bool:
    """True when a window listens on the control socket."""
    try:
        send_command("status", path, timeout=2.0)
    except InstanceError:
        return False
    return True


def _read_line(sock: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data and len(data) <= MAX_LINE:
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0].strip()


def _listener_answers(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(os.fspath(path))
        except OSError:
            return False
        return True


class ControlServer:
    """The window's end of the control socket: a thread accepting one-line commands.

    `handler(command)` runs on the server's thread and returns the reply; the window's handler passes the
    command to its GUI thread and waits for the answer there. Claim the socket early (bind, which fails
    with AlreadyRunning when another window answers; a stale file is removed and taken over), start
    serving once the window exists.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or control_socket_path()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._handler: Handler | None = None
        self._stopping = threading.Event()
        self._inode: int | None = None

    def bind(self) -> None:
        """Take the socket: AlreadyRunning when a window listens there, InstanceError when it cannot."""
        _private_dir(self.path.parent)
        _check_length(self.path)
        for _attempt in range(2):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.bind(os.fspath(self.path))
            except OSError as exc:
                sock.close()
                if exc.errno != errno.EADDRINUSE:
                    raise InstanceError(f"cannot listen on {self.path}: {exc.strerror}") from None
                if _listener_answers(self.path):
                    raise AlreadyRunning(f"whisperdesk is already running (listening on {self.path})") from None
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()  # stale: its window is gone; take it over
                continue
            os.chmod(self.path, 0o600)
            sock.listen(8)
            self._sock = sock
            self._inode = self.path.stat().st_ino
            return
        raise InstanceError(f"cannot take over the control socket {self.path}")

    def serve(self, handler: Handler) -> None:
        """Answer commands with `handler` on a background thread (binds first if not bound yet)."""
        if self._sock is None:
            self.bind()
        self._handler = handler
        self._thread = threading.Thread(target=self._loop, name="whisperdesk-control", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        sock = self._sock
        assert sock is not None
        while not self._stopping.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return  # closed by stop()
            with conn:
                conn.settimeout(REPLY_TIMEOUT_S)
                try:
                    command = _read_line(conn).decode(errors="replace")
                    reply = self._answer(command)
                    conn.sendall(json.dumps(reply).encode() + b"\n")
                except OSError:
                    continue  # the client went away: nothing to answer

    def _answer(self, command: str) -> dict[str, object]:
        if command not in COMMANDS:
            return {"ok": False, "error": f"unknown command {command!r}: use {', '.join(COMMANDS)}"}
        assert self._handler is not None
        try:
            return self._handler(command)
        except Exception as exc:  # a failing command must not end the server
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}".splitlines()[0]}

    def stop(self) -> None:
        """Stop answering and remove the socket file (only if it is still ours)."""
        self._stopping.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        with contextlib.suppress(OSError):
            if self._inode is not None and self.path.stat().st_ino == self._inode:
                self.path.unlink()
        self._inode = None
