"""How the packaging tests run an installed whisperdesk: as a desktop user would, away from the source
tree, without the network (shared by the bundle and the .deb tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def run_build_script(repo: Path, script: str, timeout_s: float) -> subprocess.CompletedProcess:
    """packaging/<script> (build.sh, deb.sh) with this venv's tools; each is a no-op when its output is fresh."""
    env = {**os.environ, "VENV": sys.prefix}
    return subprocess.run(
        ["bash", str(repo / "packaging" / script)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
