"""The window's logic stays Qt-free: controllers and their models import without PySide6."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QT_FREE_PACKAGES = (
    "app/cli.py",
    "app/commands",
    "app/window",
    "app/demo",
    "app/services",
    "app/desktop",
    "inference",
    "audio",
)


def _modules(part: str) -> list[str]:
    path = REPO / part
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [str(f.relative_to(REPO).with_suffix("")).replace("/", ".").removesuffix(".__init__") for f in files]


# Every module outside app.gui, plus the launcher (which imports Qt only once a window is asked for).
QT_FREE = (*[m for part in QT_FREE_PACKAGES for m in _modules(part)], "app.gui.launch")


def test_controllers_and_models_never_import_qt():
    """Importing every controller and model module leaves PySide6 unloaded (the launcher imports it late)."""
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in QT_FREE)
    code += "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
