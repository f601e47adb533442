"""The system tray icon: whisperdesk's state at a glance (idle, listening, transcribing) and its menu
(start/stop dictation, show the window, settings, quit), so the window can stay hidden."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

IDLE, LISTENING, TRANSCRIBING = "idle", "listening", "transcribing"
STATE_COLOR = {LISTENING: "#d93025", TRANSCRIBING: "#f29900"}  # no dot when idle
TOOLTIP = {IDLE: "whisperdesk: idle", LISTENING: "whisperdesk: listening", TRANSCRIBING: "whisperdesk: transcribing"}


def state_icon(base: QIcon, state: str, size: int = 64) -> QIcon:
    """The app icon with a coloured dot in its corner for `state` (none when idle)."""
    pixmap = base.pixmap(size, size) if not base.isNull() else QPixmap(size, size)
    if base.isNull():
        pixmap.fill(QColor("#3c4043"))
    color = STATE_COLOR.get(state)
    if color is not None:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor("white"))
        painter.setBrush(QColor(color))
        dot = size * 0.42
        painter.drawEllipse(QRectF(size - dot - 1, size - dot - 1, dot, dot))
        painter.end()
    return QIcon(pixmap)


class Tray(QObject):
    """Owns the QSystemTrayIcon; its menu actions leave as signals the window connects."""

    toggle_requested = Signal()
    show_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(self, base_icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._base = base_icon
        self.state = IDLE
        self.menu = QMenu()
        self.toggle_action = QAction("Start dictation", self.menu)
        self.toggle_action.triggered.connect(self.toggle_requested)
        self.menu.addAction(self.toggle_action)
        show = QAction("Show window", self.menu)
        show.triggered.connect(self.show_requested)
        self.menu.addAction(show)
        settings = QAction("Settings…", self.menu)
        settings.triggered.connect(self.settings_requested)
        self.menu.addAction(settings)
        self.menu.addSeparator()
        quit_action = QAction("Quit", self.menu)
        quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(quit_action)
        self.icon = QSystemTrayIcon(state_icon(base_icon, IDLE), self)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip(TOOLTIP[IDLE])
        self.icon.activated.connect(self._activated)

    @staticmethod
    def available() -> bool:
        """Whether the desktop shows tray icons (no tray host: the window stays the way in)."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        self.icon.setIcon(state_icon(self._base, state))
        self.icon.setToolTip(TOOLTIP[state])
        self.toggle_action.setText("Stop dictation" if state == LISTENING else "Start dictation")

    def notify(self, message: str) -> None:
        """A desktop notification from the tray (once-only messages such as "cannot type here")."""
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage("whisperdesk", message, QSystemTrayIcon.MessageIcon.Information, 5000)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()
