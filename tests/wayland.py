"""A private headless Wayland compositor (sway) for tests that type into Wayland applications: skipped
where sway, swaymsg or wtype is missing, a failure in CI (WHISPERDESK_REQUIRE_FIXTURES=1).

sway refuses to run as root (it checks that it cannot regain root after dropping it), and CI runs as
root: there it runs as the unprivileged `nobody`, in a folder of its own. Clients reach it by the
socket's absolute path in WAYLAND_DISPLAY (libwayland accepts one), with a runtime folder of their own.
The headless seat has no keyboard until a client (wtype) makes a virtual one, as on a machine with none.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.tools import missing_fixture, need_tools, stop_process

SWAY_START_S = 20.0  # seconds sway may take to open its sockets
WINDOW_WAIT_S = 20.0  # seconds a client's window may take to be mapped
TEXT_TARGET = Path(__file__).with_name("desktop") / "text_target.py"  # an ordinary Qt text field
CONFIG = """output HEADLESS-1 resolution 1280x800
xwayland disable
"""


class Sway:
    """A running headless sway: `env()` for its clients, `swaymsg()` to query and focus windows."""

    def __init__(self) -> None:
        need_tools("sway", "swaymsg", "wtype", hint="packaging/system-deps.sh installs sway and wtype")
        self.folder = Path(tempfile.mkdtemp(prefix="whisperdesk-sway-"))
        runtime, self.client_runtime = self.folder / "run", self.folder / "client"
        runtime.mkdir(mode=0o700)
        self.client_runtime.mkdir(mode=0o700)
        (self.folder / "config").write_text(CONFIG, encoding="utf-8")
        as_user: dict[str, object] = {}
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in (self.folder, runtime, self.folder / "config"):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            as_user = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.folder),
            "XDG_RUNTIME_DIR": str(runtime),
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",  # no GPU needed
        }
        self.log = self.folder / "sway.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                ["sway", "-c", str(self.folder / "config")],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                **as_user,  # type: ignore[arg-type]
            )
        self.socket, self.ipc = self._wait_for_sockets(runtime)

    def _wait_for_sockets(self, runtime: Path) -> tuple[Path, Path]:
        deadline = time.monotonic() + SWAY_START_S
        while time.monotonic() < deadline and self.process.poll() is None:
            sockets = [p for p in runtime.glob("wayland-*") if not p.name.endswith(".lock")]
            ipc = list(runtime.glob("sway-ipc.*.sock"))
            if sockets and ipc:
                return sockets[0], ipc[0]
            time.sleep(0.05)
        why = self.log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        self.close()
        missing_fixture(f"sway did not start headless: {why[0]}")
        raise AssertionError("unreachable")

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a Wayland client of this compositor (no X display, no offscreen Qt)."""
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        env.update({"WAYLAND_DISPLAY": str(self.socket), "XDG_RUNTIME_DIR": str(self.client_runtime), **extra})
        return env

    def swaymsg(self, *args: str) -> str:
        done = subprocess.run(
            ["swaymsg", "-s", str(self.ipc), *args], capture_output=True, text=True, timeout=20, check=True
        )
        return done.stdout

    def window(self, title: str) -> dict | None:
        """The window titled `title` in sway's tree, or None."""

        def walk(node: dict) -> Iterator[dict]:
            yield node
            for child in node.get("nodes", []) + node.get("floating_nodes", []):
                yield from walk(child)

        tree = json.loads(self.swaymsg("-t", "get_tree"))
        return next((n for n in walk(tree) if n.get("name") == title and n.get("pid")), None)

    def focus(self, title: str) -> None:
        """Wait for the window titled `title` to be mapped, then give it the focus."""
        deadline = time.monotonic() + WINDOW_WAIT_S
        while self.window(title) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"no window titled {title!r} appeared under sway")
            time.sleep(0.05)
        self.swaymsg(f'[title="^{title}$"]', "focus")
        focused = self.window(title)
        assert focused is not None and focused.get("focused"), f"sway did not focus {title!r}"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class WaylandTarget:
    """tests/desktop/text_target.py as a Wayland client of `sway` (Qt's wayland platform), focused: what
    arrived in its field."""

    def __init__(self, sway: Sway, folder: Path, title: str) -> None:
        self.out = folder / f"{title}.txt"
        env = sway.env(QT_QPA_PLATFORM="wayland")
        self.process = subprocess.Popen(
            [sys.executable, str(TEXT_TARGET), title, str(self.out)], env=env, stderr=subprocess.DEVNULL
        )
        self.title = title
        sway.focus(title)
        deadline = time.monotonic() + 20
        while not self.out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def text(self) -> str:
        try:
            return self.out.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def wait_for(self, expected: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while (text := self.text()) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        return text

    def close(self) -> None:
        stop_process(self.process)


def sway_session() -> Iterator[Sway]:
    """A running headless sway while the generator is open, stopped after (the fixtures' body)."""
    sway = Sway()
    try:
        yield sway
    finally:
        sway.close()
