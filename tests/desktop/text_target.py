"""A stand-in for the user's application in the desktop tests: one window titled TITLE with an
ordinary text field, its text written to OUT every 100 ms and on exit (and the clipboard's text to
OUT.clipboard), so a test in another process sees what was typed or pasted into it.

    python tests/desktop/text_target.py TITLE OUT [CLIPBOARD_TEXT]
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit


def _write(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def main(argv: list[str]) -> int:
    title, out = argv[0], Path(argv[1])
    app = QApplication([sys.argv[0]])
    if len(argv) > 2:
        app.clipboard().setText(argv[2])  # "what the user had copied" before dictating
    field = QPlainTextEdit()
    field.setWindowTitle(title)
    field.resize(800, 400)
    field.show()

    def save() -> None:
        _write(out, field.toPlainText())
        _write(out.with_name(out.name + ".clipboard"), app.clipboard().text())

    timer = QTimer()
    timer.timeout.connect(save)
    timer.start(100)
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    app.aboutToQuit.connect(save)
    code = app.exec()
    save()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
