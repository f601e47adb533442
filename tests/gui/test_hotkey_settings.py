"""The dictation shortcut in Settings: edited, refused with a reason when it cannot be parsed, stored,
and a stored mode that is not toggle or hold falls back to toggle."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.gui.settings_dialog import SettingsDialog
from app.window.settings_model import AppSettings
from inference.models import list_models

pytestmark = [pytest.mark.gui]


def test_defaults_are_ctrl_shift_space_toggle():
    settings = AppSettings()
    assert (settings.hotkey, settings.hotkey_mode) == ("Ctrl+Shift+Space", "toggle")


def test_stored_shortcut_round_trips_and_a_bad_mode_falls_back():
    chosen = replace(AppSettings(), hotkey="Super+D", hotkey_mode="hold")
    assert AppSettings.from_strings(chosen.to_strings()) == chosen
    assert AppSettings.from_strings({"hotkey_mode": "sticky"}).hotkey_mode == "toggle"


def test_dialog_edits_the_shortcut_and_refuses_a_bad_one(qtbot):
    dialog = SettingsDialog(AppSettings(), list_models())
    qtbot.addWidget(dialog)
    assert dialog.hotkey_edit.text() == "Ctrl+Shift+Space"
    dialog.hotkey_edit.setText("Ctrl+Foo")
    dialog.accept()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert "'Foo' is not a key name" in dialog.hotkey_error.text() and not dialog.hotkey_error.isHidden()

    dialog.hotkey_edit.setText("Super+D")
    dialog.hotkey_mode_combo.setCurrentIndex(dialog.hotkey_mode_combo.findData("hold"))
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert (dialog.settings().hotkey, dialog.settings().hotkey_mode) == ("Super+D", "hold")


def test_an_empty_shortcut_means_none(qtbot):
    dialog = SettingsDialog(AppSettings(), list_models())
    qtbot.addWidget(dialog)
    dialog.hotkey_edit.setText("  ")
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert dialog.settings().hotkey == "none"
