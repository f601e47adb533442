"""The contract demo's view: two panes (converted, raw), the word difference, the spectrogram picture
and a plain-language banner. It only shows results made by app.demo; it does no model work.

Drop-in use: `view = ContractDemoView()`, then `view.show_result(run_file_demo(...))` for a file,
or `view.start_live(rate, channels, mismatch)` and `view.show_live_update(...)` while dictating.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget

from app.demo.live_demo import LiveRawUpdate
from app.demo.mismatch import CONTRACT_FORMAT, CONVERTED_TITLE, Mismatch, raw_title
from app.demo.result import BANNER, NO_TEXT, DemoResult, DemoSide

RAW_PLACEHOLDER_TITLE = f"Raw: native audio passed as {CONTRACT_FORMAT} (contract broken)"
LIVE_PICTURE_NOTE = "The spectrogram picture is drawn for files: drop one to see what the model computes from each."


def _label(text: str = "", selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DemoPane(QGroupBox):
    """One side of the demo: its transcript, the format it received, duration as seen, processing time."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.transcript = QPlainTextEdit()
        self.transcript.setReadOnly(True)
        self.received = _label()
        self.duration = _label()
        self.processing = _label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.transcript, 1)
        for label in (self.received, self.duration, self.processing):
            layout.addWidget(label)
        self.clear()

    def show_side(self, side: DemoSide, duration_note: str = "") -> None:
        """Fill the pane from one side of a result."""
        self.show_text(side.text)
        self.received.setText(f"Received: {side.received}")
        self.duration.setText(f"Duration as the model saw it: {side.seconds_as_seen:.1f} s{duration_note}")
        self.processing.setText(f"Processing time: {side.processing_s:.2f} s")

    def show_text(self, text: str) -> None:
        """Show a transcript, or say plainly that there is none."""
        self.transcript.setPlainText(text or NO_TEXT)
        # "No text" is part of the lesson: shown in dark red italics, not greyed out like a disabled field.
        self.transcript.setStyleSheet("" if text else "QPlainTextEdit { color: #8a1c1c; font-style: italic; }")

    def clear(self) -> None:
        self.transcript.setPlainText("")
        for label in (self.received, self.duration, self.processing):
            label.setText("")


class ContractDemoView(QWidget):
    """Both paths side by side; fed only through show_result / start_live / show_live_update / clear."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractDemoView")
        self.banner = _label(BANNER)
        self.banner.setObjectName("contractDemoBanner")
        self.banner.setStyleSheet("padding: 6px; border: 1px solid palette(mid); border-radius: 4px;")
        self.status = _label()
        self.converted_pane = DemoPane(CONVERTED_TITLE)
        self.raw_pane = DemoPane(RAW_PLACEHOLDER_TITLE)
        self.wer = _label()
        self.spectrogram = QLabel()
        self.spectrogram.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.spectrogram.setToolTip(
            "The log-mel spectrogram the model computes for the first 30 s of each input: "
            "speech formants above, smeared and shifted energy below."
        )
        scroll = QScrollArea()
        scroll.setWidget(self.spectrogram)
        scroll.setWidgetResizable(True)
        panes = QHBoxLayout()
        panes.addWidget(self.converted_pane, 1)
        panes.addWidget(self.raw_pane, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addLayout(panes, 1)
        layout.addWidget(self.wer)
        layout.addWidget(scroll, 2)
        self.clear()

    def show_result(self, result: DemoResult) -> None:
        """Show a finished file demo: both panes, the word difference, the picture."""
        factor, real = result.speed_factor, result.native.seconds
        note = f" ({factor:.1f}x longer than the real {real:.1f} s, pitched down)" if factor > 1 else ""
        self.raw_pane.setTitle(result.raw_title)
        self.converted_pane.show_side(result.converted)
        self.raw_pane.show_side(result.raw, note)
        self.wer.setText(result.wer_text())
        self.status.setText(" ".join(part for part in (result.mismatch.explanation(), result.note) if part))
        self.show_spectrogram(result.spectrogram_png)

    def start_live(self, sample_rate: int, channels: int, mismatch: Mismatch | str = Mismatch.INTERLEAVED) -> None:
        """Prepare both panes for a live session from a device of this native format."""
        self.clear()
        mismatch = Mismatch(mismatch)
        self.raw_pane.setTitle(raw_title(mismatch, sample_rate, channels))
        self.status.setText(f"Live: {mismatch.explanation()}")
        self.spectrogram.setText(LIVE_PICTURE_NOTE)

    def show_live_update(
        self,
        raw: LiveRawUpdate | None = None,
        converted_text: str | None = None,
        spectrogram_png: bytes | None = None,
    ) -> None:
        """Update whichever parts a live session produced: the raw window's result, the converted text,
        or a new picture."""
        if converted_text is not None:
            self.converted_pane.show_text(converted_text)
        if raw is not None:
            self.raw_pane.show_side(raw.side, f" (latest window, {raw.native_seconds:.1f} s of speech received)")
        if spectrogram_png:
            self.show_spectrogram(spectrogram_png)

    def show_spectrogram(self, png: bytes) -> None:
        """Show the demo picture from its PNG bytes (nothing when empty or unreadable)."""
        image = QImage.fromData(png) if png else QImage()
        if image.isNull():
            self.spectrogram.clear()
            self.spectrogram.setText("no spectrogram")
            return
        self.spectrogram.setPixmap(QPixmap.fromImage(image))

    def show_status(self, message: str) -> None:
        """A one-line state such as 'running both paths...' or an error."""
        self.status.setText(message)

    def clear(self) -> None:
        """Back to empty panes (e.g. when the demo is toggled off)."""
        self.converted_pane.clear()
        self.raw_pane.clear()
        self.raw_pane.setTitle(RAW_PLACEHOLDER_TITLE)
        self.wer.setText("")
        self.status.setText("")
        self.spectrogram.clear()
