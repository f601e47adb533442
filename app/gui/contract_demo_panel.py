"""The input-contract demo's dock content: a header (what the panes show, the mismatch picker,
a re-run button) over the ContractDemoView, and `GuiPost`, which brings calls from worker
threads to the GUI thread through a queued signal.

The panel implements the controller's DemoView; it only shows things and reports choices.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.demo.live_demo import LiveRawUpdate
from app.demo.mismatch import Mismatch
from app.demo.result import DemoResult
from app.gui.contract_demo_view import ContractDemoView

MISMATCH_LABELS = {
    Mismatch.INTERLEAVED: "interleaved: native samples as they arrive",
    Mismatch.NO_RESAMPLE: "no-resample: mono, left at the native rate",
    Mismatch.INT16: "int16: values not scaled to [-1, 1]",
}


class GuiPost(QObject):
    """`post(fn)` from any thread runs `fn()` on the thread this object lives on (the GUI thread)."""

    _call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call.connect(self._run)  # queued when emitted from another thread

    def post(self, fn: Callable[[], None]) -> None:
        self._call.emit(fn)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        fn()


class ContractDemoPanel(QWidget):
    """Header and demo view; implements app.window.views.DemoView."""

    mismatch_chosen = Signal(str)
    run_selected_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractDemoPanel")
        self.source = QLabel()
        self.source.setStyleSheet("font-weight: 600;")
        self.mismatch_combo = QComboBox()
        self.mismatch_combo.setAccessibleName("Mismatch")
        self.mismatch_combo.setToolTip("Which conversion step the raw path skips (applies to the next run)")
        for mismatch, label in MISMATCH_LABELS.items():
            self.mismatch_combo.addItem(label, mismatch.value)
        self.mismatch_combo.currentIndexChanged.connect(self._mismatch_changed)
        self.run_button = QPushButton("Run on selected file")
        self.run_button.setToolTip("Run the demo again on the file selected in the Files view")
        self.run_button.clicked.connect(self.run_selected_requested)
        header = QHBoxLayout()
        header.addWidget(self.source, 1)
        header.addWidget(QLabel("Mismatch:"))
        header.addWidget(self.mismatch_combo)
        header.addWidget(self.run_button)
        self.view = ContractDemoView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)

    def mismatch(self) -> Mismatch:
        return Mismatch(self.mismatch_combo.currentData())

    def _mismatch_changed(self, index: int) -> None:
        self.mismatch_chosen.emit(self.mismatch_combo.itemData(index))

    # DemoView ------------------------------------------------------------------------------

    def show_result(self, result: DemoResult) -> None:
        self.view.show_result(result)

    def start_live(self, sample_rate: int, channels: int, mismatch: Mismatch | str = Mismatch.INTERLEAVED) -> None:
        self.view.start_live(sample_rate, channels, mismatch)

    def show_live_update(self, raw: LiveRawUpdate | None = None, converted_text: str | None = None) -> None:
        self.view.show_live_update(raw=raw, converted_text=converted_text)

    def show_status(self, message: str) -> None:
        self.view.show_status(message)

    def show_source(self, text: str) -> None:
        self.source.setText(text)

    def clear(self) -> None:
        self.source.setText("")
        self.view.clear()
