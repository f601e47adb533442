"""The main window: the live and files views in tabs, menus and shortcuts, drops anywhere,
the model state banner, settings, and the input-contract demo in a dock (off until switched on).

It builds the controllers, connects the views' signals to them and shows what they report;
the logic itself is in app/controllers.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib.resources import files as package_files
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.desktop.autostart import autostart_enabled, set_autostart
from app.desktop.focus import DesktopFocus
from app.desktop.instance import ControlServer
from app.gui.clipboard_port import ClipboardPort
from app.gui.contract_demo_panel import ContractDemoPanel, GuiPost
from app.gui.desktop_bridge import DesktopBridge, print_problem
from app.gui.files_panel import FilesPanel
from app.gui.history_panel import HistoryPanel
from app.gui.live_panel import LivePanel
from app.gui.overlay import DictationOverlay, overlay_possible
from app.gui.qt_runner import QtTaskRunner
from app.gui.settings_dialog import SettingsDialog
from app.gui.settings_store import SettingsStore
from app.gui.tray import IDLE as TRAY_IDLE
from app.gui.tray import LISTENING, TRANSCRIBING, Tray
from app.gui.widgets import Banner
from app.services.api_keys import KeyStore
from app.services.autosave import Autosaver
from app.services.export_files import format_of, with_format
from app.services.file_queue import MEDIA_SUFFIXES, JobState
from app.services.history import HistoryStore
from app.services.model_manager import ModelManager
from app.window.contract_demo_controller import ContractDemoController
from app.window.dictation_output import DictationOutput
from app.window.files_controller import FilesController
from app.window.history_controller import HistoryController
from app.window.live_controller import IDLE, RUNNING, STARTING, STOPPING, LiveBackends, LiveController
from app.window.model_controller import ModelController
from app.window.settings_model import AppSettings
from app.window.views import ModelPhase, ModelState
from audio.errors import first_line
from inference.exports import FORMATS
from inference.models import list_models

LIVE_TAB, FILES_TAB, HISTORY_TAB = 0, 1, 2
VIEW_TABS = {"live": LIVE_TAB, "files": FILES_TAB, "history": HISTORY_TAB}
EXPORT_FILTERS = {
    "txt": "Plain text (*.txt)",
    "srt": "SubRip subtitles (*.srt)",
    "vtt": "WebVTT subtitles (*.vtt)",
    "json": "JSON with timings (*.json)",
}
MEDIA_FILTER = f"Audio and video ({' '.join(f'*{s}' for s in sorted(MEDIA_SUFFIXES))});;All files (*)"
LAST_PASS_WAIT_S = 3.0  # seconds the live session's last pass may take when the window closes
SHUTDOWN_WAIT_S = 10.0  # seconds to let running work stop when the window closes
DEMO_DOCK_SHARE = 0.55  # share of the window's width the contract demo takes when it opens...
DEMO_DOCK_PX = 1080  # ...or more, up to the width that shows its spectrogram unscrolled,
VIEWS_MIN_PX = 640  # while the live and files views keep at least this much


def app_icon() -> QIcon:
    """The window icon from app/resources (loadable from a PyInstaller bundle too)."""
    resources = package_files("app") / "resources"
    icon = QIcon()
    for size in (48, 128, 256):
        png = resources / f"whisperdesk-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon


@dataclass(frozen=True)
class WindowDeps:
    """What the window runs on; tests pass their own (a temporary autosave folder, fake devices)."""

    models: ModelManager = field(default_factory=ModelManager)
    autosaver: Autosaver | None = None
    live: LiveBackends = field(default_factory=LiveBackends)
    history: HistoryStore | None = None  # None: data_dir()/history
    keys: KeyStore = field(default_factory=KeyStore)  # the transcription server's API key (system keyring)


# The tray shows dictation as listening while capture runs, transcribing while the last words finish.
TRAY_STATE = {STARTING: LISTENING, RUNNING: LISTENING, STOPPING: TRANSCRIBING, IDLE: TRAY_IDLE}


class MainWindow(QMainWindow):
    """Live and files views over one shared model."""

    model_state_changed = Signal(object)

    def __init__(self, store: SettingsStore, deps: WindowDeps | None = None) -> None:
        super().__init__()
        deps = deps or WindowDeps()
        self.store = store
        self.settings = store.load()
        self.autosaver = deps.autosaver or Autosaver()
        self.model_state: ModelState | None = None
        self._shut_down = False
        self.desktop: DesktopBridge | None = None  # the control socket and global shortcut, once enabled
        self._hotkey_override: str | None = None  # --hotkey, over the setting for this run
        self.setWindowTitle("whisperdesk")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1040, 720)
        geometry = store.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)

        self.runner = QtTaskRunner(self)
        self.keys = deps.keys
        self.live_panel = LivePanel()
        self.files_panel = FilesPanel()
        self.models = ModelController(deps.models, self.runner, self, self.settings.model_spec())
        self.files = FilesController(
            self.files_panel,
            self.models,
            self.runner,
            lambda: self.settings.transcribe_options(),
            lambda: self.settings.remote_server(self.keys.api_key),  # None: on this computer
        )
        self.history_store = deps.history or HistoryStore()
        self.live = LiveController(
            self.live_panel,
            self.models,
            self.runner,
            self.autosaver,
            lambda: self.settings,
            deps.live,
            history=self.history_store,
            server=lambda: self.settings.remote_server(self.keys.api_key),  # None: on this computer
        )
        self.history_panel = HistoryPanel()
        self.history = HistoryController(self.history_panel, self.history_store)
        self.live.on_history_changed = self.history.refresh
        self.contract_demo_panel = ContractDemoPanel()
        self.contract_demo = ContractDemoController(
            self.contract_demo_panel,
            self.models,
            self.runner,
            lambda: self.settings.transcribe_options(),
            GuiPost(self).post,
            lambda: ([piece.text for piece in self.live.transcript.pieces], self.live.transcript.partial),
        )
        self.files.on_done = self.contract_demo.file_done
        self.live.block_tap = self.contract_demo
        self.output_override: str | None = None  # --output, over the setting for this run
        self.dictation_output = DictationOutput(
            lambda: self.output_override or self.settings.output,
            ClipboardPort(self),
            self._output_problem,
            GuiPost(self).post,
        )
        self.live.output = self.dictation_output
        self.desktop_focus = DesktopFocus()
        self.came_from: int | None = None  # the window that had the focus before ours was shown (history's Insert)

        self.model_banner = Banner()
        self.model_banner.add_button("Settings…").clicked.connect(self.open_settings)
        self.model_banner.add_button("Retry").clicked.connect(self.models.load)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.live_panel, "Live dictation")
        self.tabs.addTab(self.files_panel, "Files")
        self.tabs.addTab(self.history_panel, "History")
        self.tabs.currentChanged.connect(lambda index: self.history.refresh() if index == HISTORY_TAB else None)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.model_banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.contract_demo_dock = QDockWidget("Input-contract demo: converted vs raw audio", self)
        self.contract_demo_dock.setObjectName("contract_demo_dock")
        self.contract_demo_dock.setWidget(self.contract_demo_panel)
        # No close button: the switch (View menu, status bar, Ctrl+Shift+D) is the one way to end the demo.
        features = QDockWidget.DockWidgetFeature
        self.contract_demo_dock.setFeatures(features.DockWidgetMovable | features.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.contract_demo_dock)
        self.contract_demo_dock.hide()
        self.contract_demo_switch = QCheckBox("Input-contract demo")
        self.contract_demo_switch.setToolTip(
            "Also feed the audio to the model raw, skipping the conversion step, and compare (Ctrl+Shift+D)"
        )
        self.contract_demo_switch.clicked.connect(self.set_contract_demo_visible)
        self.statusBar().addPermanentWidget(self.contract_demo_switch)

        self._build_menus()
        self._connect_views()
        self.overlay = DictationOverlay()
        self.tray: Tray | None = None
        self._quitting = False
        self.live_panel.state_changed.connect(self._show_live_state)
        self.live_panel.level_shown.connect(self.overlay.show_level)
        self.live_panel.text_shown.connect(self.overlay.show_text)

    # tray and overlay ----------------------------------------------------------------------

    def enable_tray(self) -> bool:
        """Put whisperdesk in the system tray when the desktop has one; False where it has none."""
        if self.tray is None and Tray.available():
            self.tray = Tray(self.windowIcon(), self)
            self.tray.toggle_requested.connect(self.live.toggle)
            self.tray.show_requested.connect(self.bring_to_front)
            self.tray.settings_requested.connect(self.open_settings)
            self.tray.quit_requested.connect(self.quit)
            self.tray.show()
        return self.tray is not None

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def quit(self) -> None:
        """Close for real (the window's close button only hides it while a tray icon is there)."""
        self._quitting = True
        self.close()
        QApplication.quit()

    def _show_live_state(self, state: str) -> None:
        if self.tray is not None:
            self.tray.set_state(TRAY_STATE.get(state, TRAY_IDLE))
        wanted = self.settings.overlay and overlay_possible()
        if state in (STARTING, RUNNING) and wanted and not self.isActiveWindow():
            if not self.overlay.isVisible():
                self.overlay.appear()
        elif state == IDLE:
            self.overlay.hide()

    # startup -------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin loading the model, look for microphones, offer a recovered transcript."""
        self.models.load()
        self.live.refresh_devices()
        self.live.check_recovery()
        self.history.refresh()

    def enable_desktop(self, server: ControlServer | None, hotkey: str | None = None) -> None:
        """Answer `whisperdesk dictate` on `server` and grab the global shortcut (`hotkey` over the setting;
        "none": no shortcut). A shortcut that cannot be had is one line on stderr and in the status bar."""

        def report(line: str) -> None:
            print_problem(line)
            self.statusBar().showMessage(line.removeprefix("whisperdesk: "), 15000)

        self.desktop = DesktopBridge(self, self.live, report)
        if server is not None:
            self.desktop.serve(server)
        self._hotkey_override = hotkey
        self.desktop.start_hotkey(hotkey if hotkey is not None else self.settings.hotkey, self.settings.hotkey_mode)

    # ModelView -----------------------------------------------------------------------------

    def show_model_state(self, state: ModelState) -> None:
        self.model_state = state
        if state.phase is ModelPhase.LOADING:
            text = f"{state.name} · loading…"
            self.model_banner.show_message(
                f"Loading model {state.name}… Dictation and file transcription start as soon as it is ready.",
                "info",
                buttons=False,
            )
        elif state.phase is ModelPhase.READY and state.info is not None:
            info = state.info
            device = "GPU" if info.device == "cuda" else info.device.upper()
            text = f"{info.name} · {device} · {info.compute_type}"
            self.model_banner.show_message(info.fallback or "", "warning" if info.fallback else "info", buttons=False)
        else:
            text = f"{state.name} · not available"
            self.model_banner.show_message(f"Model '{state.name}' cannot be used: {state.message}", "error")
        self.live_panel.set_model_text(text)
        self.model_state_changed.emit(state)

    # menus ---------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[..., object], shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&Open files…", self.open_files, "Ctrl+O"))
        file_menu.addAction(self._action("Add &folder…", self.open_folder))
        file_menu.addAction(self._action("&Export all transcripts…", lambda: self.export_all(), "Ctrl+Shift+E"))
        file_menu.addAction(self._action("&Retry failed files", self.files.retry_failed))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Settings…", self.open_settings, "Ctrl+,"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, "Ctrl+Q"))

        live_menu = bar.addMenu("&Dictation")
        self.start_stop_action = self._action("&Start / stop", self.live.toggle, "Ctrl+R")
        live_menu.addAction(self.start_stop_action)
        live_menu.addAction(self._action("Dictate from &file…", self.dictate_from_file))
        live_menu.addSeparator()
        live_menu.addAction(self._action("&Copy all", self.copy_live_text, "Ctrl+Shift+C"))
        live_menu.addAction(self._action("C&lear", self.clear_live))
        live_menu.addAction(self._action("Save &as…", self.save_live, "Ctrl+S"))

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self._action("&Live dictation", lambda: self.show_view("live"), "Ctrl+1"))
        view_menu.addAction(self._action("&Files", lambda: self.show_view("files"), "Ctrl+2"))
        view_menu.addAction(self._action("&History", lambda: self.show_view("history"), "Ctrl+3"))
        view_menu.addSeparator()
        self.contract_demo_action = self._action("Input-&contract demo", self.set_contract_demo_visible, "Ctrl+Shift+D")
        self.contract_demo_action.setCheckable(True)
        view_menu.addAction(self.contract_demo_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&About whisperdesk", self.show_about))

    def _connect_views(self) -> None:
        live = self.live_panel
        live.start_stop_requested.connect(self.live.toggle)
        live.stop_now_requested.connect(self.live.stop_now)
        live.device_chosen.connect(self.choose_device)
        live.refresh_requested.connect(self.live.refresh_devices)
        live.copy_requested.connect(self.copy_live_text)
        live.clear_requested.connect(self.clear_live)
        live.save_requested.connect(self.save_live)
        live.restore_requested.connect(self.live.restore)
        live.discard_requested.connect(self.live.discard_recovery)
        files = self.files_panel
        files.open_requested.connect(self.open_files)
        files.folder_requested.connect(self.open_folder)
        files.cancel_requested.connect(self.files.cancel)
        files.cancel_all_requested.connect(self.files.cancel_all)
        files.clear_finished_requested.connect(self.files.clear_finished)
        files.selected.connect(self.files.select)
        files.export_requested.connect(self.export_file)
        files.export_all_requested.connect(self.export_all)
        self.contract_demo_panel.mismatch_chosen.connect(self.contract_demo.set_mismatch)
        self.contract_demo_panel.run_selected_requested.connect(self.run_contract_demo_on_selected)
        live.transcript.updated.connect(self.contract_demo.live_text_changed)
        history = self.history_panel
        history.selected.connect(self.history.select)
        history.refresh_requested.connect(self.history.refresh)
        history.copy_requested.connect(self.copy_history_text)
        history.insert_requested.connect(self.insert_history_text)
        history.type_requested.connect(self.type_history_text)

    # views ---------------------------------------------------------------------------------

    def show_view(self, name: str) -> None:
        """Switch to the 'live', 'files' or 'history' view."""
        self.tabs.setCurrentIndex(VIEW_TABS.get(name, LIVE_TAB))

    def set_contract_demo_visible(self, visible: bool) -> None:
        """Switch the input-contract demo on (panel shown, raw path runs) or off (hidden, nothing of it runs):
        View menu, Ctrl+Shift+D, or the status bar's switch."""
        was_visible = self.contract_demo_dock.isVisible()
        self.contract_demo_dock.setVisible(visible)
        self.contract_demo_action.setChecked(visible)
        self.contract_demo_switch.setChecked(visible)
        self.contract_demo.set_enabled(visible)
        if visible and not was_visible and not self.contract_demo_dock.isFloating():
            width = min(DEMO_DOCK_PX, max(round(self.width() * DEMO_DOCK_SHARE), self.width() - VIEWS_MIN_PX))
            self.resizeDocks([self.contract_demo_dock], [width], Qt.Orientation.Horizontal)

    def install_contract_demo(self, widget: QWidget) -> None:
        """Put another widget in the demo's panel (the demo itself still runs into its own panel)."""
        self.contract_demo_dock.setWidget(widget)

    def run_contract_demo_on_selected(self) -> None:
        """Run the demo on the finished file shown in the files view (e.g. after picking another mismatch)."""
        job_id = self.files_panel.shown_job()
        job = self.files.queue.jobs.get(job_id) if job_id is not None else None
        if not self.contract_demo.enabled or job is None or job.state is not JobState.DONE:
            self.statusBar().showMessage("Select a transcribed file in the Files view first", 5000)
            return
        self.contract_demo.run_file(job.path)

    # files ---------------------------------------------------------------------------------

    def add_files(self, paths: list[str]) -> list[int]:
        """Queue files or folders and show the files view."""
        ids = self.files.add_paths(paths)
        self.show_view("files")
        if ids:
            self.statusBar().showMessage(f"Added {len(ids)} file{'s' if len(ids) != 1 else ''}", 5000)
        else:
            self.statusBar().showMessage("No new audio or video files in what was dropped", 5000)
        return ids

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add audio or video files", "", MEDIA_FILTER)
        if paths:
            self.add_files(paths)

    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add every audio or video file in a folder")
        if folder:
            self.add_files([folder])

    def export_file(self, job_id: int, fmt: str) -> None:
        job = self.files.queue.get(job_id)
        suggested = Path(self.settings.export_dir()) / f"{job.path.stem}.{fmt}"
        path = self._ask_save_path(f"Export {job.name}", suggested, fmt)
        if path:
            self._report_export(lambda: [self.files.export_job(job_id, format_of(path, fmt), path)])

    def export_all(self, fmt: str | None = None) -> None:
        fmt = fmt or self.files_panel.export_format()
        if not self.files.queue.done():
            self.statusBar().showMessage("No finished transcripts to export yet", 5000)
            return
        folder = QFileDialog.getExistingDirectory(self, "Export all transcripts to", self.settings.export_dir())
        if folder:
            self._report_export(lambda: self.files.export_all(fmt, folder))

    # live ----------------------------------------------------------------------------------

    def choose_device(self, name: str) -> None:
        self.live.select_device(name)
        self._save_settings(replace(self.settings, input_device=name))

    def dictate_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Dictate from a file (played as a microphone)", "", MEDIA_FILTER)
        if path:
            self.show_view("live")
            self.live.start_file(path, realtime=True)

    def copy_history_text(self) -> None:
        """The selected past dictation onto the clipboard."""

        def copy(text: str) -> bool:
            QApplication.clipboard().setText(text)
            self.statusBar().showMessage("Dictation copied", 3000)
            return True

        self.history.send(copy)

    def insert_history_text(self) -> None:
        """The selected past dictation appended to the live transcript (shown there)."""
        if self.history.send(self.live.insert_text):
            self.show_view("live")
            self.statusBar().showMessage("Dictation inserted into the live transcript", 5000)

    def type_history_text(self) -> None:
        """The selected past dictation typed (or pasted) into the application the user was writing in:
        whisperdesk hides, that window gets the focus back (app/desktop/focus.py), the output types it."""
        if self.live.state != IDLE:
            self.statusBar().showMessage("Stop dictating before inserting a past dictation", 5000)
            return
        came_from, ours = self.came_from, [int(self.winId())]

        def focus() -> object:
            return self.desktop_focus.give_back(came_from, ours)

        if self.history.send(lambda text: self.dictation_output.insert(text, focus)):
            if self.tray is not None:
                self.hide()
            else:
                self.showMinimized()

    def showEvent(self, event: QShowEvent) -> None:
        """Remember which window had the focus before ours appears: history's Insert gives it back."""
        if not self.isActiveWindow():
            focused = self.desktop_focus.focused_window()
            if focused is not None and focused != int(self.winId()):
                self.came_from = focused
        super().showEvent(event)

    def copy_live_text(self) -> None:
        QApplication.clipboard().setText(self.live.copy_text())
        self.statusBar().showMessage("Transcript copied", 3000)

    def clear_live(self) -> None:
        if self.live.unsaved:
            yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
            answer = QMessageBox.question(
                self, "Clear transcript", "Clear the transcript? It was not saved.", yes | no, no
            )
            if answer != yes:
                return
        self.live.clear()

    def save_live(self) -> None:
        if self.live.transcript.is_empty():
            self.statusBar().showMessage("Nothing to save yet", 5000)
            return
        stamp = time.strftime("%Y-%m-%d %H%M")
        suggested = Path(self.settings.export_dir()) / f"Dictation {stamp}.txt"  # the dialog asks before replacing
        path = self._ask_save_path("Save transcript", suggested, "txt")
        if path:
            self._report_export(lambda: [self.live.export(path, format_of(path))])

    def _output_problem(self, message: str) -> None:
        """Typing into other windows is impossible (said once): the words went on the clipboard."""
        print(f"whisperdesk: {message}", file=sys.stderr)
        self.statusBar().showMessage(message, 20000)

    # settings ------------------------------------------------------------------------------

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, list_models(), self, keys=self.keys, runner=self.runner)
        if dialog.exec():
            self.apply_settings(dialog.settings())
            if self.keys.problem and self.settings.engine == "server":
                self.statusBar().showMessage(self.keys.problem, 15000)

    def apply_settings(self, settings: AppSettings) -> None:
        """Save new settings and load the model they name (freeing the old one)."""
        shortcut_was = (self.settings.hotkey, self.settings.hotkey_mode)
        self._save_settings(settings)
        self.models.set_spec(settings.model_spec())
        self.files.retry()
        if settings.autostart != autostart_enabled():
            try:
                set_autostart(settings.autostart)
            except OSError as exc:
                self.statusBar().showMessage(f"cannot change start at login: {first_line(exc)}", 10000)
        changed = shortcut_was != (settings.hotkey, settings.hotkey_mode)
        if self.desktop is not None and self._hotkey_override is None and changed:
            self.desktop.start_hotkey(settings.hotkey, settings.hotkey_mode)

    def _save_settings(self, settings: AppSettings) -> None:
        self.settings = settings
        self.store.save(settings)

    # helpers -------------------------------------------------------------------------------

    def _ask_save_path(self, title: str, suggested: Path, fmt: str) -> str:
        filters = ";;".join(EXPORT_FILTERS[f] for f in FORMATS)
        path, chosen = QFileDialog.getSaveFileName(self, title, str(suggested), filters, EXPORT_FILTERS[fmt])
        if not path:
            return ""
        chosen_fmt = next((f for f, text in EXPORT_FILTERS.items() if text == chosen), fmt)
        return str(path if format_of(path, "") else with_format(path, chosen_fmt))

    def _report_export(self, write: Callable[[], list[Path]]) -> None:
        try:
            written = write()
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export failed", str(exc))
            return
        where = written[0] if len(written) == 1 else f"{len(written)} files in {written[0].parent}"
        self.statusBar().showMessage(f"Saved {where}", 8000)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About whisperdesk",
            "<b>whisperdesk</b><p>Streaming speech transcription, offline, on frozen and quantized "
            "Whisper models (faster-whisper / CTranslate2).</p>"
            f"<p>Settings: {self.store.location}<br>Autosave: {self.autosaver.folder}"
            f"<br>History: {self.history_store.folder}</p>",
        )

    def shutdown(self) -> None:
        """Stop capture and file work, wait for the threads, keep an unsaved transcript on disk."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.desktop is not None:
            self.desktop.stop()
        self.live.stop()
        self.files.cancel_all()
        self.contract_demo.shutdown()
        if not self.runner.wait_all(LAST_PASS_WAIT_S):
            self.live.stop_now()  # a last pass still running after this (a stalled server) is dropped
        self.runner.wait_all(SHUTDOWN_WAIT_S)
        self.live.shutdown()
        self.dictation_output.close()
        self.overlay.close()
        if self.tray is not None:
            self.tray.hide()
        self.autosaver.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.tray is not None and not self._quitting:
            self.hide()  # the tray icon stays; its menu's Quit ends whisperdesk
            event.ignore()
            return
        self.store.save_geometry(self.saveGeometry())
        self.shutdown()
        super().closeEvent(event)
