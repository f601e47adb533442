"""Fixtures for the window tests: private settings and autosave folders, the shared tiny.en
model behind the window's model manager, and a window factory with pluggable backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.services.autosave import Autosaver
from app.services.model_manager import ModelManager
from app.window.live_controller import LiveBackends
from audio.devices import InputDevice

FAKE_MIC = InputDevice(index=3, name="Test microphone", host_api="ALSA", sample_rate=44100, channels=2, is_default=True)


@pytest.fixture(autouse=True)
def _private_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings and autosaves go to the test's own folder, never the user's."""
    monkeypatch.setenv("WHISPERDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WHISPERDESK_SETTINGS_FILE", str(tmp_path / "settings.ini"))


@pytest.fixture
def store(tmp_path: Path):
    from PySide6.QtCore import QSettings

    from app.gui.settings_store import SettingsStore

    return SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def tiny_manager(tiny_model) -> ModelManager:
    """A model manager whose tiny.en is the session's already-loaded model."""
    return ModelManager(loader=lambda name, **kwargs: tiny_model)


@pytest.fixture
def make_window(qtbot, store, tmp_path: Path) -> Iterator[Callable[..., object]]:
    """Build, show and start a MainWindow; closed (and its threads joined) after the test."""
    from app.gui.main_window import MainWindow, WindowDeps

    windows = []

    def make(
        models: ModelManager | None = None,
        live: LiveBackends | None = None,
        autosave_dir: Path | None = None,
        start: bool = True,
    ) -> MainWindow:
        deps = WindowDeps(
            models=models or ModelManager(),
            autosaver=Autosaver(autosave_dir or tmp_path / "autosave"),
            live=live or LiveBackends(list_devices=lambda: [FAKE_MIC]),
        )
        window = MainWindow(store, deps)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        if start:
            window.start()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
