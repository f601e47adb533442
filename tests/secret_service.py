"""A real Secret Service for the API-key tests: a private D-Bus session bus and gnome-keyring-daemon
on it, its login keyring unlocked with a test password in a temporary folder, never the user's.

`restart()` stops the keyring daemon and starts it again on the same folder, so a test can prove
that a key survives in the keyring's file and not only in some process's memory.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.session_bus import start_session_bus, stop_session_bus
from tests.tools import need_tools

PASSWORD = b"whisperdesk-test"  # unlocks the temporary login keyring
READY_S = 10.0  # seconds the daemon may take to answer on the bus


class SecretService:
    """The running daemon; `backend()` is keyring's Secret Service backend talking to it."""

    def __init__(self, folder: Path, bus_address: str) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "DBUS_SESSION_BUS_ADDRESS": bus_address,
            "HOME": str(folder),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_RUNTIME_DIR": str(folder / "run"),
        }
        self._daemon: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self.env,
        )
        assert self._daemon.stdin is not None
        self._daemon.stdin.write(PASSWORD)
        self._daemon.stdin.close()
        deadline = time.monotonic() + READY_S
        while not self._login_unlocked():  # the daemon takes the bus name, then creates or unlocks "login"
            if self._daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gnome-keyring-daemon did not unlock its login keyring")
            time.sleep(0.05)

    def _login_unlocked(self) -> bool:
        """True once the default collection (the login keyring, behind the "default" alias) is there and
        unlocked; asked without creating anything, since that needs a password prompt nobody answers."""
        import secretstorage

        try:
            connection = secretstorage.dbus_init()
        except Exception:
            return False
        try:
            return not secretstorage.Collection(connection).is_locked()  # the "default" alias's collection
        except Exception:
            return False
        finally:
            connection.close()

    def stop(self) -> None:
        if self._daemon is not None:
            self._daemon.terminate()
            self._daemon.wait(timeout=10)
            self._daemon = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def backend(self):
        """keyring's own Secret Service backend (reads $DBUS_SESSION_BUS_ADDRESS at each call)."""
        from keyring.backends import SecretService as backend_module

        return backend_module.Keyring()

    def keyring_files(self) -> list[Path]:
        return sorted((self.folder / "data" / "keyrings").glob("*.keyring"))


@contextmanager
def secret_service(folder: Path) -> Iterator[SecretService]:
    """A private bus and keyring daemon in `folder`, with $DBUS_SESSION_BUS_ADDRESS pointing at that bus
    for the `with` block (restored after)."""
    need_tools("dbus-daemon", "gnome-keyring-daemon", hint="apt-get install dbus-daemon gnome-keyring")
    (folder / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
    # The bus starts no services: with the system's session config, the first call to
    # org.freedesktop.secrets would start a second, locked gnome-keyring-daemon of the bus's own.
    bus, address = start_session_bus(folder / "run")
    service = SecretService(folder, address)
    previous = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = service.env["DBUS_SESSION_BUS_ADDRESS"]
    try:
        service.start()
        yield service
    finally:
        service.stop()
        stop_session_bus(bus)
        if previous is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous
