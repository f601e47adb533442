"""How the packaging tests run an installed whisperdesk: as a desktop user would, away from the source
tree, without the network (shared by the bundle and the .deb tests)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def offline_prefix() -> list[str]:
    """`unshare -n` (no network at all) where this user may use it; HF_HUB_OFFLINE=1 holds either way."""
    if shutil.which("unshare") is None:
        return []
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    return ["unshare", "-n"] if probe.returncode == 0 else []


def user_env(home: Path) -> dict[str, str]:
    """What a desktop user's shell would pass: no venv, no PYTHONPATH, nothing of the source tree."""
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HF_HUB_OFFLINE": "1"}
