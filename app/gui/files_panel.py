"""The files view: a queue with a progress bar, status and cancel button per file, and a
viewer of the selected file's timestamped segments. Implements FilesView; user actions
leave as signals the window connects to the files controller."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.file_jobs import FileResult
from app.services.file_queue import JobState
from inference.exports import FORMATS

COL_FILE, COL_PROGRESS, COL_STATUS, COL_CANCEL = range(4)
STATE_COLORS = {JobState.FAILED: "#b3261e", JobState.CANCELLED: "#7a7a7a", JobState.DONE: "#2e7d32"}
DROP_HINT = "Drop audio or video files (or folders) anywhere on this window\nor click Open… to add some"


def clock(seconds: float) -> str:
    """m:ss.s, or h:mm:ss.s past an hour."""
    minutes, secs = divmod(max(0.0, seconds), 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes}:{secs:04.1f}"


def describe_result(result: FileResult) -> str:
    """One line about a finished file: its native format, length, language and speed."""
    n = result.native
    channels = "mono" if n.channels == 1 else f"{n.channels} ch"
    return (
        f"{result.transcript.duration_s:.1f} s · {n.sample_rate} Hz {channels} {n.codec} · "
        f"language {result.transcript.language} ({result.transcript.language_probability:.0%})"
        f"{', translated to English' if result.options.task == 'translate' else ''} · {result.model.info.name} "
        f"{result.model.info.device.upper()} {result.model.info.compute_type} · "
        f"transcribed in {result.processing_s:.1f} s (RTF {result.rtf:.2f})"
    )


class QueueTree(QTreeWidget):
    """The queue; paints a drop hint while empty."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.topLevelItemCount():
            return
        painter = QPainter(self.viewport())
        color = QColor(self.palette().color(self.palette().ColorRole.Text))
        color.setAlphaF(0.45)
        painter.setPen(color)
        area = self.viewport().rect().adjusted(16, 16, -16, -16)
        pen = painter.pen()
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(area, 8, 8)
        painter.drawText(QRect(area), Qt.AlignmentFlag.AlignCenter, DROP_HINT)
        painter.end()


class FilesPanel(QWidget):
    """Files view widgets; knows nothing of models or transcription."""

    open_requested = Signal()
    folder_requested = Signal()
    cancel_requested = Signal(int)
    cancel_all_requested = Signal()
    clear_finished_requested = Signal()
    selected = Signal(int)
    export_requested = Signal(int, str)
    export_all_requested = Signal(str)
    idle = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[int, QTreeWidgetItem] = {}
        self._bars: dict[int, QProgressBar] = {}
        self._cancels: dict[int, QToolButton] = {}
        self._states: dict[int, JobState] = {}
        self._shown: int | None = None

        open_button = QPushButton("Open…")
        open_button.setToolTip("Add audio or video files (Ctrl+O)")
        open_button.clicked.connect(self.open_requested)
        folder_button = QPushButton("Add folder…")
        folder_button.clicked.connect(self.folder_requested)
        self.cancel_all_button = QPushButton("Cancel all")
        self.cancel_all_button.clicked.connect(self.cancel_all_requested)
        clear_button = QPushButton("Clear finished")
        clear_button.clicked.connect(self.clear_finished_requested)
        top = QHBoxLayout()
        for button in (open_button, folder_button):
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.cancel_all_button)
        top.addWidget(clear_button)

        self.queue = QueueTree()
        self.queue.setColumnCount(4)
        self.queue.setHeaderLabels(["File", "Progress", "Status", ""])
        self.queue.setRootIsDecorated(False)
        self.queue.setUniformRowHeights(True)
        self.queue.setAcceptDrops(False)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.queue.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_FILE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CANCEL, QHeaderView.ResizeMode.Fixed)
        self.queue.setColumnWidth(COL_FILE, 300)
        self.queue.setColumnWidth(COL_PROGRESS, 160)
        self.queue.setColumnWidth(COL_CANCEL, 36)
        self.queue.currentItemChanged.connect(self._current_changed)

        self.result_title = QLabel("No file selected")
        self.result_title.setStyleSheet("font-weight: 600;")
        self.result_info = QLabel("")
        self.result_info.setWordWrap(True)
        self.result_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.segments = QTableWidget(0, 3)
        self.segments.setHorizontalHeaderLabels(["Start", "End", "Text"])
        self.segments.verticalHeader().setVisible(False)
        self.segments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.segments.setWordWrap(True)
        self.segments.setAlternatingRowColors(True)
        self.segments.setAcceptDrops(False)
        seg_header = self.segments.horizontalHeader()
        seg_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        seg_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        seg_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.format_combo = QComboBox()
        for fmt in FORMATS:
            self.format_combo.addItem(fmt.upper(), fmt)
        self.format_combo.setCurrentIndex(FORMATS.index("srt"))
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the selected file's transcript")
        self.export_button.clicked.connect(self._export_clicked)
        self.export_all_button = QPushButton("Export all…")
        self.export_all_button.setToolTip("Save every finished transcript into one folder (Ctrl+Shift+E)")
        self.export_all_button.clicked.connect(lambda: self.export_all_requested.emit(self.export_format()))
        export_row = QHBoxLayout()
        export_row.addWidget(QLabel("Format:"))
        export_row.addWidget(self.format_combo)
        export_row.addWidget(self.export_button)
        export_row.addWidget(self.export_all_button)
        export_row.addStretch(1)

        result_box = QWidget()
        result_layout = QVBoxLayout(result_box)
        result_layout.setContentsMargins(0, 6, 0, 0)
        result_layout.addWidget(self.result_title)
        result_layout.addWidget(self.result_info)
        result_layout.addWidget(self.segments, 1)
        result_layout.addLayout(export_row)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.queue)
        splitter.addWidget(result_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    def export_format(self) -> str:
        return self.format_combo.currentData()

    # FilesView -----------------------------------------------------------------------------

    def add_job(self, job_id: int, name: str, path: str) -> None:
        item = QTreeWidgetItem([name, "", "queued", ""])
        self._states[job_id] = JobState.QUEUED
        item.setData(COL_FILE, Qt.ItemDataRole.UserRole, job_id)
        item.setToolTip(COL_FILE, path)
        self.queue.addTopLevelItem(item)
        bar = QProgressBar()
        bar.setRange(0, 1000)
        bar.setTextVisible(True)
        bar.setFormat("%p%")
        bar.setMaximumHeight(18)
        self.queue.setItemWidget(item, COL_PROGRESS, bar)
        cancel = QToolButton()
        cancel.setText("✕")
        cancel.setAutoRaise(True)
        cancel.setToolTip(f"Cancel {name}")
        cancel.clicked.connect(lambda: self.cancel_requested.emit(job_id))
        self.queue.setItemWidget(item, COL_CANCEL, cancel)
        self._rows[job_id], self._bars[job_id], self._cancels[job_id] = item, bar, cancel
        self._update_buttons()

    def update_job(self, job_id: int, state: JobState, progress: float, message: str) -> None:
        item = self._rows.get(job_id)
        if item is None:
            return
        self._bars[job_id].setValue(round(progress * 1000))
        text = message or state.value
        if state is JobState.FAILED:
            text = f"Error: {message}"
        item.setText(COL_STATUS, text)
        item.setToolTip(COL_STATUS, text)
        color = STATE_COLORS.get(state)
        item.setForeground(COL_STATUS, QColor(color) if color else self.palette().color(self.palette().ColorRole.Text))
        self._cancels[job_id].setEnabled(not state.finished)
        self._states[job_id] = state
        self._update_buttons()

    def remove_jobs(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            item = self._rows.pop(job_id, None)
            self._bars.pop(job_id, None)
            self._cancels.pop(job_id, None)
            self._states.pop(job_id, None)
            if item is not None:
                self.queue.takeTopLevelItem(self.queue.indexOfTopLevelItem(item))
        self._update_buttons()

    def show_result(self, job_id: int | None, result: FileResult | None) -> None:
        self._shown = job_id
        item = self._rows.get(job_id) if job_id is not None else None
        if item is not None and self.queue.currentItem() is not item:
            self.queue.blockSignals(True)
            self.queue.setCurrentItem(item)
            self.queue.blockSignals(False)
        self.segments.setRowCount(0)
        if item is None:
            self.result_title.setText("No file selected")
            self.result_info.setText("")
        elif result is None:
            self.result_title.setText(item.text(COL_FILE))
            self.result_info.setText(item.text(COL_STATUS))
        else:
            self.result_title.setText(item.text(COL_FILE))
            self.result_info.setText(describe_result(result))
            segments = result.transcript.segments
            self.segments.setRowCount(len(segments))
            for row, segment in enumerate(segments):
                for col, text in enumerate((clock(segment.start), clock(segment.end), segment.text.strip())):
                    cell = QTableWidgetItem(text)
                    if col < 2:
                        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                    self.segments.setItem(row, col, cell)
            self.segments.resizeRowsToContents()
        self._update_buttons()

    def queue_idle(self) -> None:
        self._update_buttons()
        self.idle.emit()

    # helpers -------------------------------------------------------------------------------

    def shown_job(self) -> int | None:
        return self._shown

    def row_status(self, job_id: int) -> str:
        return self._rows[job_id].text(COL_STATUS)

    def row_progress(self, job_id: int) -> float:
        return self._bars[job_id].value() / 1000

    def segment_texts(self) -> list[str]:
        items = (self.segments.item(row, 2) for row in range(self.segments.rowCount()))
        return [item.text() if item is not None else "" for item in items]

    def _update_buttons(self) -> None:
        has_result = self.segments.rowCount() > 0
        self.export_button.setEnabled(has_result)
        self.export_all_button.setEnabled(JobState.DONE in self._states.values())
        self.cancel_all_button.setEnabled(any(not state.finished for state in self._states.values()))

    def _export_clicked(self) -> None:
        if self._shown is not None:
            self.export_requested.emit(self._shown, self.export_format())

    def _current_changed(self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None) -> None:
        if current is not None:
            self.selected.emit(current.data(COL_FILE, Qt.ItemDataRole.UserRole))
