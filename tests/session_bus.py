"""A private D-Bus session bus (dbus-daemon) for tests that talk D-Bus: skipped where dbus-daemon is
missing, a failure in CI (WHISPERDESK_REQUIRE_FIXTURES=1).

Its configuration lists no service folders, so nothing installed on the machine (a real desktop portal,
a keyring) is started on it: only what a test puts there answers.
"""

from __future__ import annotations

import select
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools import missing_fixture, need_tools, stop_process

BUS_START_S = 10.0  # seconds dbus-daemon may take to print its address
CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def start_session_bus(folder: Path) -> tuple[subprocess.Popen[str], str]:
    """dbus-daemon listening in `folder`; (process, its address)."""
    need_tools("dbus-daemon")
    config = folder / "session.conf"
    config.write_text(CONFIG.format(folder=folder), encoding="utf-8")
    process = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--print-address", "--nofork"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], BUS_START_S)
    address = process.stdout.readline().strip() if ready else ""  # printed once it listens
    if not address:
        process.kill()
        process.wait()
        missing_fixture("dbus-daemon did not start")
    return process, address


def stop_session_bus(process: subprocess.Popen[str]) -> None:
    stop_process(process)


@pytest.fixture
def session_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a fresh private session bus for one test."""
    process, address = start_session_bus(tmp_path_factory.mktemp("bus"))
    try:
        yield address
    finally:
        stop_session_bus(process)
