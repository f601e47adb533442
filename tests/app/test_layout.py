"""The tree's layers are machine-checked (import-linter contracts in pyproject.toml, run by `make lint`):
the contracts hold on the real tree, and a copy with a deliberate break fails them."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.commands import bench
from app.commands.common import UserError

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}  # the copy's packages, not the editable install's
    command = [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)


def _copy_tree(tmp_path: Path) -> Path:
    for name in ("app", "audio", "inference"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def test_contracts_hold_on_the_tree(tmp_path: Path) -> None:
    result = _lint_imports(_copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("inference/errors.py", "import PySide6.QtCore", "Qt only in app.gui"),
        ("app/services/tasks.py", "import app.bench.dataset", "nothing shipped imports the benchmarks"),
        ("audio/convert.py", "import inference.errors", "app -> inference -> audio"),
        ("app/services/file_jobs.py", "import app.window.views", "inside app"),
    ],
)
def test_a_deliberate_break_fails_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    root = _copy_tree(tmp_path)
    with open(root / module, "a", encoding="utf-8") as f:
        f.write(f"\n{line}  # deliberate break\n")
    result = _lint_imports(root)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert len(broken) >= 1 and any(row.startswith(contract) for row in broken), result.stdout[-3000:]


def test_bench_without_the_benchmarks_is_one_clear_error() -> None:
    parser = argparse.ArgumentParser()
    bench.register(parser.add_subparsers(dest="command"), package="app.no_such_benchmarks")
    args = parser.parse_args(["bench", "files", "--repeat", "3"])
    with pytest.raises(UserError, match="not part of this installation"):
        args.func(args)
