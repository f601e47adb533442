"""AppSettings persisted with QSettings (the platform's own place, or an INI file for tests)."""

from __future__ import annotations

import os
from dataclasses import fields

from PySide6.QtCore import QByteArray, QSettings

from app.window.settings_model import AppSettings

SETTINGS_FILE_ENV = "WHISPERDESK_SETTINGS_FILE"  # an INI file to use instead (tests, portable installs)
GROUP = "settings"
GEOMETRY_KEY = "window/geometry"


class SettingsStore:
    """Loads and saves AppSettings; every value is stored as a string."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        if qsettings is None:
            override = os.environ.get(SETTINGS_FILE_ENV)
            if override:
                qsettings = QSettings(override, QSettings.Format.IniFormat)
            else:
                scope = QSettings.Scope.UserScope
                qsettings = QSettings(QSettings.Format.NativeFormat, scope, "whisperdesk", "whisperdesk")
        self.qsettings = qsettings

    def load(self) -> AppSettings:
        self.qsettings.beginGroup(GROUP)
        try:
            raw = {f.name: self.qsettings.value(f.name) for f in fields(AppSettings)}
        finally:
            self.qsettings.endGroup()
        return AppSettings.from_strings({k: v for k, v in raw.items() if v is not None})

    def save(self, settings: AppSettings) -> None:
        self.qsettings.beginGroup(GROUP)
        for key, value in settings.to_strings().items():
            self.qsettings.setValue(key, value)
        self.qsettings.endGroup()
        self.qsettings.sync()

    def geometry(self) -> QByteArray | None:
        """The main window's saved size and position, if any."""
        value = self.qsettings.value(GEOMETRY_KEY)
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, geometry: QByteArray) -> None:
        self.qsettings.setValue(GEOMETRY_KEY, geometry)
        self.qsettings.sync()

    @property
    def location(self) -> str:
        return self.qsettings.fileName()
