"""The window's logic stays Qt-free: controllers and their models import without PySide6."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QT_FREE = (
    "app.controllers.files_controller",
    "app.controllers.live_controller",
    "app.controllers.model_controller",
    "app.controllers.contract_demo_controller",
    "app.controllers.live_raw",
    "app.autosave",
    "app.file_queue",
    "app.live_transcript",
    "app.model_manager",
    "app.settings_model",
    "app.tasks",
    "app.launch",
)


def test_controllers_and_models_never_import_qt():
    """Importing every controller and model module leaves PySide6 unloaded (the launcher imports it late)."""
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in QT_FREE)
    code += "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
