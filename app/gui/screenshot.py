"""`whisperdesk --screenshot PATH [--view live|files|history] [--file AUDIO] [--contract-demo]`: run real
work in the window, save it as a PNG, print the event-loop lateness measured meanwhile, exit.
The history view dictates each --file in turn (as fast as it is transcribed), then shows the history.

With --contract-demo the window is larger, the demo is switched on first, and the picture waits
for the demo's result (files) or its last raw update (live) as well.

Uses default settings and a throw-away autosave folder, never the user's own. Works
offscreen and on a real or virtual X display (xvfb-run -a).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer, SignalInstance
from PySide6.QtGui import QImage

from app.gui.event_loop_probe import EventLoopProbe
from app.gui.main_window import MainWindow, WindowDeps
from app.gui.settings_store import SettingsStore
from app.services.autosave import Autosaver
from app.services.history import HistoryStore
from app.window.live_controller import IDLE
from app.window.views import ModelPhase

WORK_TIMEOUT_S = 300.0  # seconds the work may take before the picture is taken anyway
LIVE_SHOT_WORDS = 14  # committed words shown before the live picture is taken (with a grey tail)
DEMO_WINDOW_SIZE = (1720, 1000)  # room for the files list beside both demo panes and the whole spectrogram
POLL_MS = 100  # how often to look at work that reports through no window signal (the demo)


def wait_for(signals: SignalInstance | list[SignalInstance], done: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until `done()` holds (checked whenever a signal fires); False on timeout."""
    if done():
        return True
    signals = signals if isinstance(signals, list) else [signals]
    loop = QEventLoop()

    def check(*_: object) -> None:
        if done():
            loop.quit()

    for signal in signals:
        signal.connect(check)
    QTimer.singleShot(round(timeout_s * 1000), loop.quit)
    loop.exec()
    for signal in signals:
        signal.disconnect(check)
    return done()


def save_png(image: QImage, path: str) -> None:
    """Save with a 256-colour palette: a fraction of the size, no visible loss for a UI picture."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    small = image.convertToFormat(QImage.Format.Format_Indexed8)
    if not small.save(path, "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; the binding takes str
        raise OSError(f"cannot write {path}")


def _wait_for_demo(window: MainWindow) -> None:
    """Let the contract demo finish its file run or close its raw worker."""
    poll = QTimer(window)
    poll.start(POLL_MS)
    wait_for(poll.timeout, lambda: not window.contract_demo.busy, WORK_TIMEOUT_S)
    poll.stop()


def _capture_files(window: MainWindow, files: list[str]) -> QImage:
    window.show_view("files")
    window.add_files(files)
    wait_for(window.files_panel.idle, lambda: not window.files.busy, WORK_TIMEOUT_S)
    if window.contract_demo.enabled:
        _wait_for_demo(window)
    done = window.files.queue.done()
    if done:
        window.files.select(done[0].id)
    return window.grab().toImage()


def _capture_live(window: MainWindow, file: str) -> QImage:
    window.show_view("live")
    view = window.live_panel.transcript
    shot: list[QImage] = []

    def moment() -> bool:
        words = len(view.committed_text().split())
        if not shot and words >= LIVE_SHOT_WORDS and view.partial_text():
            shot.append(window.grab().toImage())
        return bool(shot) or window.live.state == IDLE

    window.live.start_file(file, realtime=False)
    wait_for([view.updated, window.live_panel.state_changed], moment, WORK_TIMEOUT_S)
    window.live.stop()
    wait_for(window.live_panel.state_changed, lambda: window.live.state == IDLE, WORK_TIMEOUT_S)
    if window.contract_demo.enabled:
        _wait_for_demo(window)
        return window.grab().toImage()  # the demo's last raw update comes after the session
    return shot[0] if shot else window.grab().toImage()


def _capture_history(window: MainWindow, files: list[str]) -> QImage:
    for file in files:
        window.live.start_file(file, realtime=False)
        wait_for(window.live_panel.state_changed, lambda: window.live.state == IDLE, WORK_TIMEOUT_S)
    window.show_view("history")
    window.history.refresh()
    window.history_panel.select_row(0)
    return window.grab().toImage()


def take_screenshot(path: str, view: str, files: list[str], contract_demo: bool = False) -> int:
    """Do the work for `view` (with the contract demo on if asked), save the window to `path`;
    returns the exit status."""
    if contract_demo and view == "files":
        files = files[:1]  # the demo panes show one file
    if not files:
        print("whisperdesk: error: no audio for the screenshot: pass --file AUDIO", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="whisperdesk-shot-") as tmp:
        store = SettingsStore(QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat))
        deps = WindowDeps(autosaver=Autosaver(Path(tmp) / "autosave"), history=HistoryStore(Path(tmp) / "history"))
        window = MainWindow(store, deps)
        if contract_demo:
            window.resize(*DEMO_WINDOW_SIZE)
        window.show()
        window.start()
        if contract_demo:
            window.set_contract_demo_visible(True)
        loaded = wait_for(
            window.model_state_changed,
            lambda: window.model_state is not None and window.model_state.phase is not ModelPhase.LOADING,
            WORK_TIMEOUT_S,
        )
        probe = EventLoopProbe(parent=window)
        probe.start()  # measures the work, not the one-off model load
        if view == "history":
            image = _capture_history(window, files)
        else:
            image = _capture_files(window, files) if view == "files" else _capture_live(window, files[0])
        stats = probe.stop()
        problems = _problems(window, view, contract_demo) if loaded else ["the model did not load in time"]
        window.close()
        save_png(image, path)
    demo = ", input-contract demo" if contract_demo else ""
    print(f"saved {path} ({image.width()}x{image.height()}, {view} view{demo})")
    print(f"{stats} (during the work, after the model loaded)")
    for problem in problems:
        print(f"whisperdesk: error: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _problems(window: MainWindow, view: str, contract_demo: bool = False) -> list[str]:
    """What went wrong in the work shown (a failed file, a live run with no text, no demo result), as lines."""
    if contract_demo and view == "files" and window.contract_demo.last_result is None:
        return [window.contract_demo_panel.view.status.text() or "the contract demo produced no result"]
    if view == "history":
        return [] if window.history.entries else ["no dictation reached the history"]
    if view == "files":
        return [f"{job.path}: {job.message}" for job in window.files.queue.jobs.values() if job.result is None]
    if window.live.transcript.is_empty():
        return [window.live_panel.error_banner.text() or "the live session produced no text"]
    return []
