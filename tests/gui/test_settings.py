"""Settings: the dialog edits every field, and the values persist through QSettings across windows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.gui.settings_dialog import SettingsDialog
from app.gui.settings_store import SettingsStore
from app.services.model_manager import ModelManager
from app.window.settings_model import AppSettings
from inference.models import list_models
from tests.gui.support import fake_loaded

pytestmark = [pytest.mark.gui]


def test_applied_settings_persist_for_the_next_window(qtbot, make_window, tmp_path: Path):
    """Settings applied in one window are what a new store on the same file loads."""
    window = make_window(models=ModelManager(loader=lambda name, **kw: fake_loaded()))
    chosen = AppSettings(
        model="tiny.en",
        device="cpu",
        compute_type="int8",
        language="en",
        step_s=1.5,
        vad=False,
        output_dir=str(tmp_path),
        translate=True,
        batched=True,
        vocabulary="Hammurabi, woodcutters",
    )
    window.apply_settings(chosen)
    reopened = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert reopened.load() == chosen


def test_chosen_microphone_is_remembered(qtbot, make_window, store):
    """Picking an input device stores its name for the next start."""
    window = make_window(models=ModelManager(loader=lambda name, **kw: fake_loaded()))
    window.live_panel.device_chosen.emit("USB headset")
    assert store.load().input_device == "USB headset"


def test_dialog_returns_every_edited_field(qtbot, tmp_path: Path):
    """Each control of the dialog maps to its AppSettings field; untouched ones keep their values."""
    dialog = SettingsDialog(AppSettings(), list_models())
    qtbot.addWidget(dialog)
    assert dialog.settings() == AppSettings()
    dialog.model_combo.setCurrentText(str(tmp_path / "my-model"))
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("cpu"))
    dialog.compute_combo.setCurrentIndex(dialog.compute_combo.findData("float32"))
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("fr"))
    dialog.step_spin.setValue(2.0)
    dialog.vad_check.setChecked(False)
    dialog.output_edit.setText(str(tmp_path))
    dialog.translate_check.setChecked(True)
    dialog.batched_check.setChecked(True)
    dialog.vocabulary_edit.setText(" Hammurabi,, woodcutters ")
    assert dialog.settings() == AppSettings(
        model=str(tmp_path / "my-model"),
        device="cpu",
        compute_type="float32",
        language="fr",
        step_s=2.0,
        vad=False,
        output_dir=str(tmp_path),
        translate=True,
        batched=True,
        vocabulary="Hammurabi, woodcutters",
    )
    options = dialog.settings().transcribe_options()
    assert (options.task, options.batch_size, options.vad_filter) == ("translate", 8, True)  # batching needs the VAD
