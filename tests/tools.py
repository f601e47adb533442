"""System tools the tests drive (PulseAudio, Xvfb, binutils, validators): skipped where missing on a
developer's machine, a failure in CI (WHISPERDESK_REQUIRE_FIXTURES=1), where `.ci/run` installs them."""

from __future__ import annotations

import os
import shutil

import pytest


def need_tools(*tools: str, hint: str = "packaging/system-deps.sh installs it") -> None:
    """Skip (or fail in CI) unless every tool is on PATH."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed ({hint})"
    if os.environ.get("WHISPERDESK_REQUIRE_FIXTURES") == "1":
        pytest.fail(message)
    pytest.skip(message)
