"""The live dictation view: device picker, start/stop, level meter, transcript, actions and
status line. Implements LiveView; user actions leave as signals the window connects to the
live controller."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.gui.level_meter import LevelMeter
from app.gui.transcript_view import TranscriptView
from app.gui.widgets import Banner
from app.services.autosave import SavedSession
from app.window.live_controller import IDLE, RUNNING, STARTING, STOPPING
from app.window.views import LiveStats
from audio.devices import InputDevice

START_TEXT = "●  Start dictation"
STOP_TEXT = "■  Stop"
STOPPING_TEXT = "Stopping…  (click to stop now)"  # the last pass runs; a click skips it (a stalled server)
BUTTON_TEXT = {IDLE: START_TEXT, STARTING: "Starting…  (click to cancel)", RUNNING: STOP_TEXT, STOPPING: STOPPING_TEXT}
START_STYLE = "QPushButton { font-weight: 600; padding: 6px 16px; }"
STOP_STYLE = "QPushButton { font-weight: 600; padding: 6px 16px; color: #b3261e; }"


def device_label(device: InputDevice) -> str:
    """'USB Mic — 48000 Hz, 2 ch (default)': each device with its native format."""
    default = "  (default)" if device.is_default else ""
    return f"{device.name} — {device.sample_rate} Hz, {device.channels} ch{default}"


class LivePanel(QWidget):
    """Live dictation widgets; knows nothing of sessions or models."""

    start_stop_requested = Signal()
    stop_now_requested = Signal()  # the button pressed while stopping
    device_chosen = Signal(str)
    refresh_requested = Signal()
    copy_requested = Signal()
    clear_requested = Signal()
    save_requested = Signal()
    restore_requested = Signal()
    discard_requested = Signal()
    state_changed = Signal(str)
    level_shown = Signal(float, float)  # rms, peak dBFS: for the overlay
    text_shown = Signal(str)  # the newest words (committed tail and partial): for the overlay

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = IDLE
        self._model_text = "model: loading…"
        self._stats = LiveStats()
        self._has_devices = False
        self._source = ""

        self.device_combo = QComboBox()
        self.device_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.device_combo.setAccessibleName("Input device")
        self.device_combo.currentIndexChanged.connect(self._device_changed)
        refresh = QPushButton("Refresh")
        refresh.setToolTip("Look for microphones again")
        refresh.clicked.connect(self.refresh_requested)
        self.start_button = QPushButton(START_TEXT)
        self.start_button.setToolTip("Start or stop dictation (Ctrl+R)")
        self.start_button.setMinimumWidth(170)
        self.start_button.setStyleSheet(START_STYLE)
        self.start_button.clicked.connect(self._button_clicked)

        top = QHBoxLayout()
        top.addWidget(QLabel("Input:"))
        top.addWidget(self.device_combo, 1)
        top.addWidget(refresh)
        top.addSpacing(12)
        top.addWidget(self.start_button)

        self.meter = LevelMeter()
        self.level_label = QLabel("–∞ dB")
        self.level_label.setMinimumWidth(64)
        self.level_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        level_row = QHBoxLayout()
        level_row.addWidget(QLabel("Level:"))
        level_row.addWidget(self.meter, 1)
        level_row.addWidget(self.level_label)

        self.audio_banner = Banner()
        self.error_banner = Banner()
        self.restore_banner = Banner()
        self.restore_banner.add_button("Restore").clicked.connect(self.restore_requested)
        self.restore_banner.add_button("Discard").clicked.connect(self.discard_requested)

        self.transcript = TranscriptView()

        self.copy_button = QPushButton("Copy all")
        self.copy_button.clicked.connect(self.copy_requested)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_requested)
        self.save_button = QPushButton("Save as…")
        self.save_button.setToolTip("Save the transcript as TXT, SRT, VTT or JSON (Ctrl+S)")
        self.save_button.clicked.connect(self.save_requested)
        self.status_label = QLabel()
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        for button in (self.copy_button, self.clear_button, self.save_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.status_label)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(level_row)
        layout.addWidget(self.audio_banner)
        layout.addWidget(self.restore_banner)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.transcript, 1)
        layout.addLayout(bottom)
        self.set_live_state(IDLE)

    # LiveView ------------------------------------------------------------------------------

    def set_devices(self, devices: list[InputDevice], selected: str) -> None:
        self.device_combo.blockSignals(True)
        self.device_combo.clear()
        for device in devices:
            self.device_combo.addItem(device_label(device), device.name)
        if not devices:
            self.device_combo.addItem("No input device")
        index = self.device_combo.findData(selected)
        self.device_combo.setCurrentIndex(max(0, index))
        self.device_combo.blockSignals(False)
        self._has_devices = bool(devices)
        self._update_controls()

    def show_audio_problem(self, message: str) -> None:
        self.audio_banner.show_message(message, "warning")

    def set_live_state(self, state: str, source: str = "") -> None:
        self.state = state
        self._source = source if state != IDLE else ""
        self._render_status()
        self._update_controls()
        if state == IDLE:
            self.show_level(-120.0, -120.0)
        self.state_changed.emit(state)

    def set_transcript(self, committed: str, partial: str) -> None:
        self.transcript.set_transcript(committed, partial)

    def append_committed(self, text: str, partial: str, continues_word: bool = False) -> None:
        self.transcript.append_committed(text, partial, continues_word)
        self.text_shown.emit(f"{text} {partial}")

    def set_partial(self, text: str) -> None:
        self.transcript.set_partial(text)
        self.text_shown.emit(text)

    def show_level(self, rms_dbfs: float, peak_dbfs: float) -> None:
        self.meter.set_level(rms_dbfs, peak_dbfs)
        self.level_shown.emit(rms_dbfs, peak_dbfs)
        self.level_label.setText(f"{rms_dbfs:.0f} dB" if rms_dbfs > -60 else "–∞ dB")

    def show_live_stats(self, stats: LiveStats) -> None:
        self._stats = stats
        self._render_status()

    def show_live_error(self, message: str) -> None:
        self.error_banner.show_message(message, "error")

    def offer_restore(self, saved: SavedSession | None) -> None:
        if saved is None:
            self.restore_banner.show_message("")
            return
        when = time.strftime("%a %d %b %H:%M", time.localtime(saved.saved_at))
        preview = saved.text if len(saved.text) <= 80 else saved.text[:77] + "…"
        self.restore_banner.show_message(
            f"An unsaved transcript from {when} ({saved.word_count} words) was recovered: “{preview}”", "info"
        )

    # window --------------------------------------------------------------------------------

    def set_model_text(self, text: str) -> None:
        """'tiny.en · CPU · int8' or a loading/failed note, shown first on the status line."""
        self._model_text = text
        self._render_status()

    def _render_status(self) -> None:
        s = self._stats
        latency = f"{s.latency_s:.2f} s" if s.latency_s is not None else "–"
        rtf = f"{s.rtf:.2f}" if s.rtf is not None else "–"
        source = f"from {self._source}   ·   " if self._source else ""
        language = f"   ·   language {s.language}" if s.language else ""
        self.status_label.setText(f"{source}{self._model_text}{language}   ·   latency {latency}   ·   RTF {rtf}")

    def _update_controls(self) -> None:
        state = self.state
        self.start_button.setText(BUTTON_TEXT[state])
        self.start_button.setStyleSheet(STOP_STYLE if state in (RUNNING, STARTING) else START_STYLE)
        self.start_button.setEnabled(self._has_devices or state != IDLE)
        self.device_combo.setEnabled(self._has_devices and state == IDLE)

    def _button_clicked(self) -> None:
        (self.stop_now_requested if self.state == STOPPING else self.start_stop_requested).emit()

    def _device_changed(self, index: int) -> None:
        name = self.device_combo.itemData(index)
        if name:
            self.device_chosen.emit(name)
