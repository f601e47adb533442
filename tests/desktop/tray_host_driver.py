"""whisperdesk's tray (app/gui/tray.py) in its own process on the test's X server, where `trayer` is the
tray host. Commands come on stdin, one a line, and each answer is one JSON line on stdout:

    available   -> {"available": bool}            (QSystemTrayIcon.isSystemTrayAvailable())
    show        -> {"geometry": [x, y, w, h]}     (the icon's place, once the host gave it one)
    state NAME  -> {"state": NAME}                (idle, listening, transcribing)
    grab X Y W H PATH -> {"saved": PATH}          (a screenshot of that part of the root window)
    seen        -> {"seen": [signal names]}       (the tray's signals fired so far, in order)
    quit

    python tests/gui/tray_host_driver.py     (DISPLAY is the test's Xvfb; QT_QPA_PLATFORM=xcb)
"""

from __future__ import annotations

import json
import sys
import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.gui.main_window import app_icon
from app.gui.tray import Tray

GEOMETRY_WAIT_MS = 10000  # how long the host may take to embed the icon and give it a place


class Commands(QObject):
    """Stdin lines, read on a thread and handed to the GUI thread."""

    line = Signal(str)


def main() -> int:
    app = QApplication([sys.argv[0]])
    tray = Tray(app_icon())
    seen: list[str] = []
    for name in ("toggle_requested", "show_requested", "settings_requested", "quit_requested"):
        getattr(tray, name).connect(lambda name=name: seen.append(name))

    def answer(data: dict) -> None:
        print(json.dumps(data), flush=True)

    def show(waited_ms: int = 0) -> None:
        rect = tray.icon.geometry()
        if (rect.width() <= 1 or rect.x() < 0) and waited_ms < GEOMETRY_WAIT_MS:
            QTimer.singleShot(50, lambda: show(waited_ms + 50))
            return
        answer({"geometry": [rect.x(), rect.y(), rect.width(), rect.height()]})

    def run(line: str) -> None:
        words = line.split()
        if not words:
            return
        if words[0] == "available":
            answer({"available": Tray.available()})
        elif words[0] == "show":
            tray.show()
            show()
        elif words[0] == "state":
            tray.set_state(words[1])
            answer({"state": tray.state, "tooltip": tray.icon.toolTip(), "toggle": tray.toggle_action.text()})
        elif words[0] == "grab":
            x, y, w, h = (int(v) for v in words[1:5])
            screen = QGuiApplication.primaryScreen()
            screen.grabWindow(0, x, y, w, h).save(words[5])
            answer({"saved": words[5]})
        elif words[0] == "seen":
            answer({"seen": seen})
        elif words[0] == "quit":
            tray.hide()
            app.quit()

    commands = Commands()
    commands.line.connect(run)

    def read() -> None:
        for raw in sys.stdin:
            commands.line.emit(raw.strip())
        commands.line.emit("quit")

    threading.Thread(target=read, daemon=True).start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
