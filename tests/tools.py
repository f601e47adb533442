"""The shared speech set and the system tools the tests drive (PulseAudio, Xvfb, binutils, validators):
skipped where missing on a developer's machine, a failure in CI (WHISPERDESK_REQUIRE_FIXTURES=1)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def missing_fixture(message: str) -> None:
    """Something the test needs is not on this machine: a failure in CI, a skip elsewhere."""
    if os.environ.get("WHISPERDESK_REQUIRE_FIXTURES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def need_tools(*tools: str, hint: str = "packaging/system-deps.sh installs it") -> None:
    """Skip (or fail in CI) unless every tool is on PATH."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        missing_fixture(f"{', '.join(missing)} not installed ({hint})")


def stop_process(process: subprocess.Popen, timeout_s: float = 10.0) -> None:
    """Terminate a helper process; kill it when it does not end within `timeout_s`."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
