"""The dictation overlay: a small always-on-top strip with the input level and the partial text while
dictating, for when the window is hidden. It never takes the focus, so the words keep going to the
application the user is writing in.

Not on Wayland: xdg-shell has no window that cannot take the keyboard focus (Qt's
WindowDoesNotAcceptFocus means nothing there), and under sway the overlay took it, so the dictated
words were typed into the overlay. There the tray icon shows the state instead (`overlay_possible`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.gui.level_meter import LevelMeter

WIDTH = 520  # px
MARGIN = 24  # px from the bottom of the screen
MAX_CHARS = 80  # the tail of the partial text shown


def overlay_possible() -> bool:
    """False where an overlay window would take the keyboard focus from the user's application."""
    return QGuiApplication.platformName() != "wayland"


class DictationOverlay(QWidget):
    """Frameless, on top, not focusable; shown while dictation runs (when enabled)."""

    def __init__(self) -> None:
        flags = (
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        super().__init__(None, flags)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWindowTitle("whisperdesk overlay")
        self.setObjectName("overlay")
        self.setStyleSheet(
            "#overlay { background: rgba(32, 33, 36, 230); border-radius: 8px; }"
            "QLabel { color: #e8eaed; font-size: 13px; }"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.dot = QLabel("●")
        self.dot.setStyleSheet("color: #d93025;")
        self.meter = LevelMeter()
        self.meter.setFixedWidth(90)
        self.text = QLabel("Listening…")
        self.text.setMinimumWidth(WIDTH - 160)
        layout.addWidget(self.dot)
        layout.addWidget(self.meter)
        layout.addWidget(self.text, 1)
        self.setFixedWidth(WIDTH)

    def show_level(self, rms_dbfs: float, peak_dbfs: float) -> None:
        self.meter.set_level(rms_dbfs, peak_dbfs)

    def show_text(self, partial: str) -> None:
        """The newest words (committed tail or partial), trimmed from the left to fit."""
        text = " ".join(partial.split())[-MAX_CHARS:] or "Listening…"
        width = max(self.text.width(), self.text.minimumWidth())
        self.text.setText(self.text.fontMetrics().elidedText(text, Qt.TextElideMode.ElideLeft, width))

    def appear(self) -> None:
        """Show at the bottom centre of the primary screen, without activating."""
        self.show_text("")
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.adjustSize()
            self.move(area.center().x() - self.width() // 2, area.bottom() - self.height() - MARGIN)
        self.show()
