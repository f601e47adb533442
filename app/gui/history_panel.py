"""The history view: past dictations (newest first) with start time, duration, words and their first
words; the selected one in full below, with Copy, Insert into the application the user was writing in
(typed there, or pasted, as live dictation's output), and Insert into the live transcript. Implements
HistoryView; user actions leave as signals the window connects to the history controller."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets import Banner
from app.services.history import INTERRUPTED, RUNNING
from app.window.views import HistoryEntry

COL_STARTED, COL_DURATION, COL_WORDS, COL_TEXT = range(4)
STATUS_COLORS = {INTERRUPTED: "#b3261e", RUNNING: "#1d5fa8"}
EMPTY_HINT = "No dictations yet: everything you dictate is kept here, also when whisperdesk is closed or crashes."


class HistoryPanel(QWidget):
    """The list of past dictations and the selected one's full text."""

    selected = Signal(str)  # a record id ("" when nothing is selected)
    copy_requested = Signal()
    insert_requested = Signal()
    type_requested = Signal()  # into the application the user was writing in
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem_banner = Banner()
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Started", "Duration", "Words", "Text"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list.header()
        for column in (COL_STARTED, COL_DURATION, COL_WORDS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.empty_hint = QLabel(EMPTY_HINT)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #666;")

        self.title = QLabel()
        self.full_text = QPlainTextEdit()
        self.full_text.setReadOnly(True)
        self.full_text.setPlaceholderText("Select a dictation to see all of it")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Put this dictation's text on the clipboard")
        self.copy_button.clicked.connect(self.copy_requested)
        self.type_button = QPushButton("Insert into app")
        self.type_button.setToolTip(
            "Hide whisperdesk and type this dictation into the window you were writing in, as dictation does"
        )
        self.type_button.clicked.connect(self.type_requested)
        self.insert_button = QPushButton("Insert into live transcript")
        self.insert_button.setToolTip("Append this dictation's text to the live dictation's transcript")
        self.insert_button.clicked.connect(self.insert_requested)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.type_button)
        buttons.addWidget(self.insert_button)
        buttons.addWidget(self.refresh_button)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addLayout(buttons)
        detail_layout.addWidget(self.full_text, 1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.empty_hint)
        top_layout.addWidget(self.list, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.problem_banner)
        layout.addWidget(splitter, 1)
        self.show_entry(None)

    # HistoryView ---------------------------------------------------------------------------

    def set_entries(self, entries: list[HistoryEntry], selected: str | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for entry in entries:
            status = f" [{entry.status}]" if entry.status in STATUS_COLORS else ""
            item = QTreeWidgetItem([entry.started, entry.duration, str(entry.words), f"{entry.preview}{status}"])
            item.setData(COL_STARTED, Qt.ItemDataRole.UserRole, entry.id)
            item.setTextAlignment(COL_DURATION, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setTextAlignment(COL_WORDS, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(COL_TEXT, entry.text[:500])
            if entry.status in STATUS_COLORS:
                item.setForeground(COL_TEXT, QColor(STATUS_COLORS[entry.status]))
            self.list.addTopLevelItem(item)
            if entry.id == selected:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.empty_hint.setVisible(not entries)

    def show_entry(self, entry: HistoryEntry | None) -> None:
        if entry is None:
            self.title.setText("")
            self.full_text.setPlainText("")
        else:
            status = f" · {entry.status}" if entry.status in STATUS_COLORS else ""
            self.title.setText(f"{entry.started} · {entry.duration} · {entry.words} words{status}")
            self.full_text.setPlainText(entry.text)
        self.copy_button.setEnabled(entry is not None)
        self.insert_button.setEnabled(entry is not None)
        self.type_button.setEnabled(entry is not None)

    def show_history_problem(self, message: str) -> None:
        self.problem_banner.show_message(message, "warning")

    # helpers -------------------------------------------------------------------------------

    def entry_ids(self) -> list[str]:
        """The ids shown, top to bottom."""
        items = (self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount()))
        return [item.data(COL_STARTED, Qt.ItemDataRole.UserRole) for item in items if item is not None]

    def row_texts(self) -> list[str]:
        """Each row's visible text column, top to bottom."""
        items = (self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount()))
        return [item.text(COL_TEXT) for item in items if item is not None]

    def select_row(self, row: int) -> None:
        item = self.list.topLevelItem(row)
        if item is not None:
            self.list.setCurrentItem(item)

    def _selection_changed(self) -> None:
        items = self.list.selectedItems()
        self.selected.emit(items[0].data(COL_STARTED, Qt.ItemDataRole.UserRole) if items else "")
