"""The real whisperdesk window for the history Insert test, in its own process on the test's X server:
it appears over the focused application (remembering it, as on every show), takes the focus, and
Insert types the newest dictation of its history. OUT gets, as JSON, whether it had the focus, how many
key presses reached any of its own widgets, and the status line, once the typing is done.

    python tests/desktop/history_window.py OUT     (WHISPERDESK_DATA_DIR holds the history)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.gui.main_window import MainWindow, WindowDeps
from app.gui.settings_store import SettingsStore
from app.services.autosave import Autosaver
from app.services.history import HistoryStore, history_dir

SETTLE_MS = 700  # after the typing: time for stray key events to arrive, were any sent our way


class KeyCounter(QObject):
    """Counts key presses delivered to any widget of this process."""

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            self.presses += 1
        return False


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    app = QApplication([sys.argv[0]])
    keys = KeyCounter()
    app.installEventFilter(keys)
    deps = WindowDeps(autosaver=Autosaver(out.parent / "autosave"), history=HistoryStore(history_dir()))
    window = MainWindow(SettingsStore(), deps)
    window.bring_to_front()
    active = QTest.qWaitForWindowActive(window, 10000)
    window.show_view("history")
    window.history.refresh()
    window.history_panel.select_row(0)
    result = {
        "active_before_insert": bool(active),
        "focus_before_insert": window.desktop_focus.focused_window(),
        "our_window": int(window.winId()),
        "came_from": window.came_from,
    }

    def finish() -> None:
        result["key_presses_in_whisperdesk"] = keys.presses
        result["status"] = window.statusBar().currentMessage()
        result["focus_after_insert"] = window.desktop_focus.focused_window()
        out.write_text(json.dumps(result), encoding="utf-8")
        window.shutdown()
        app.quit()

    window.history_panel.type_button.click()
    window.dictation_output.after_typing(lambda: QTimer.singleShot(SETTLE_MS, finish))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
