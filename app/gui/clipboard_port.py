"""The system clipboard for app/window/dictation_output.py: text put on it for a paste, and what the
user had copied before put back afterwards (all its formats, not only text)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QObject, QTimer
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication

RESTORE_AFTER_MS = 1000  # the target reads the clipboard when it handles Ctrl+V: give it that long


def _copy(data: QMimeData | None) -> QMimeData | None:
    if data is None or not data.formats():
        return None
    copy = QMimeData()
    for fmt in data.formats():
        copy.setData(fmt, data.data(fmt))
    return copy


class ClipboardPort(QObject):
    """Implements app.window.dictation_output.Clipboard on QApplication's clipboard."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._saved: QMimeData | None = None
        self._saving = False  # True while a previous content is remembered (it may be "nothing")

    def _clipboard(self) -> QClipboard:
        return QApplication.clipboard()

    def put(self, text: str) -> None:
        if not self._saving:
            self._saved = _copy(self._clipboard().mimeData())
            self._saving = True
        self._clipboard().setText(text)

    def restore(self) -> None:
        QTimer.singleShot(RESTORE_AFTER_MS, self._restore_now)

    def _restore_now(self) -> None:
        if not self._saving:
            return
        saved, self._saved, self._saving = self._saved, None, False
        if saved is None:
            self._clipboard().clear()
        else:
            self._clipboard().setMimeData(saved)

    def keep(self) -> None:
        self._saved, self._saving = None, False
