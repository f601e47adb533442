"""The live transcript: committed words in the normal style, the partial tail in a lighter
style after them, replaced in place as it changes (never re-rendering the whole text)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QWidget

PLACEHOLDER = (
    "Press Start (Ctrl+R) and speak.\n\n"
    "Final words appear in the normal colour; the words still being decided appear in grey and settle as you talk."
)


class TranscriptView(QTextEdit):
    """Read-only text with an editable-in-place grey tail; the user's selection is left alone.

    `updated` fires once per change, after it is complete (textChanged also fires mid-change).
    """

    updated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptDrops(False)  # drops go to the window (files view)
        self.setPlaceholderText(PLACEHOLDER)
        self.setAccessibleName("Live transcript")
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        self.document().setDocumentMargin(12)
        self._committed_end = 0  # document position where the partial tail starts
        self._partial = ""

    def _format(self, partial: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        color = QColor(self.palette().color(self.palette().ColorRole.Text))
        if partial:
            color.setAlphaF(0.45)
            fmt.setFontItalic(True)
        fmt.setForeground(color)
        return fmt

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_if(self, was_at_bottom: bool) -> None:
        if was_at_bottom:
            bar = self.verticalScrollBar()
            bar.setValue(bar.maximum())

    def committed_text(self) -> str:
        return self.toPlainText()[: self._committed_end]

    def partial_text(self) -> str:
        return self._partial

    def set_transcript(self, committed: str, partial: str) -> None:
        """Replace everything (clear, restore)."""
        self.clear()
        cursor = QTextCursor(self.document())
        cursor.insertText(committed, self._format(False))
        self._committed_end = cursor.position()
        self._partial = ""
        self._replace_tail(partial)
        self.updated.emit()

    def append_committed(self, text: str, partial: str, continues_word: bool = False) -> None:
        """Add final words after the committed ones and show `partial` after them, in one update;
        `continues_word`: the text goes on from the last word (no space before it)."""
        was_at_bottom = self._at_bottom()
        self._replace_tail("")
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._committed_end)
        space = " " if self._committed_end and not continues_word else ""
        cursor.insertText(space + text.strip(), self._format(False))
        self._committed_end = cursor.position()
        self._replace_tail(partial)
        self._scroll_if(was_at_bottom)
        self.updated.emit()

    def set_partial(self, text: str) -> None:
        """Replace the grey tail with `text`."""
        if text == self._partial:
            return
        was_at_bottom = self._at_bottom()
        self._replace_tail(text)
        self._scroll_if(was_at_bottom)
        self.updated.emit()

    def _replace_tail(self, text: str) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._committed_end)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if text:
            cursor.insertText((" " if self._committed_end else "") + text, self._format(True))
        self._partial = text
