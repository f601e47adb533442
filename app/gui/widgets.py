"""Small shared widgets: the message banner used for model, microphone and recovery states."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

# Banner tones: (background, border, text)
TONES = {
    "info": ("#e8f1fb", "#9cc1e8", "#1d3f66"),
    "warning": ("#fff6e0", "#e8c36a", "#5c4300"),
    "error": ("#fdecea", "#e59a93", "#6b1c15"),
}


class Banner(QFrame):
    """A coloured one-line message with optional buttons; hidden while it has no text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
        self._layout = layout
        self.hide()

    def add_button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        self._layout.addWidget(button)
        self._buttons.append(button)
        return button

    def show_message(self, text: str, tone: str = "info", buttons: bool = True) -> None:
        """Show `text` in `tone` (info, warning, error); empty text hides the banner."""
        if not text:
            self.hide()
            return
        background, border, color = TONES[tone]
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
            f"QFrame#banner QLabel {{ color: {color}; }}"
        )
        self.label.setText(text)
        for button in self._buttons:
            button.setVisible(buttons)
        self.show()

    def text(self) -> str:
        """The message shown, or "" while hidden."""
        return "" if self.isHidden() else self.label.text()
