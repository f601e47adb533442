"""A horizontal input level meter: RMS bar with a peak mark, in dBFS."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DBFS = -60.0  # the meter's left edge; quieter input shows as empty
WARN_DBFS = -12.0  # yellow from here
CLIP_DBFS = -3.0  # red from here


class LevelMeter(QWidget):
    """Shows the latest Level event; `level()` returns what is drawn (for tests)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rms = FLOOR_DBFS
        self._peak = FLOOR_DBFS
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Input level")
        self.setToolTip("Input level (RMS bar, peak mark), -60 to 0 dBFS")

    def sizeHint(self) -> QSize:
        return QSize(240, 12)

    def set_level(self, rms_dbfs: float, peak_dbfs: float) -> None:
        rms, peak = max(FLOOR_DBFS, min(0.0, rms_dbfs)), max(FLOOR_DBFS, min(0.0, peak_dbfs))
        if (rms, peak) != (self._rms, self._peak):
            self._rms, self._peak = rms, peak
            self.update()

    def level(self) -> tuple[float, float]:
        return self._rms, self._peak

    @staticmethod
    def _x(dbfs: float, width: float) -> float:
        return (dbfs - FLOOR_DBFS) / -FLOOR_DBFS * width

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(self.palette().ColorRole.AlternateBase).darker(108))
        painter.drawRoundedRect(rect, 3, 3)
        width = rect.width()
        gradient = QLinearGradient(rect.left(), 0, rect.right(), 0)
        gradient.setColorAt(0.0, QColor("#3fa34d"))
        gradient.setColorAt(self._x(WARN_DBFS, 1.0), QColor("#7cc242"))
        gradient.setColorAt(self._x(CLIP_DBFS, 1.0), QColor("#e6b422"))
        gradient.setColorAt(1.0, QColor("#d64541"))
        fill = self._x(self._rms, width)
        if fill > 0:
            painter.setBrush(gradient)
            painter.drawRoundedRect(QRectF(rect.left(), rect.top(), fill, rect.height()), 3, 3)
        if self._peak > FLOOR_DBFS:
            painter.setBrush(self.palette().color(self.palette().ColorRole.Text))
            x = rect.left() + self._x(self._peak, width)
            painter.drawRect(QRectF(min(x, rect.right() - 2), rect.top(), 2, rect.height()))
        painter.end()
