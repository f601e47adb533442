"""The transcript widget: committed words in the normal style, the grey tail replaced in place."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor

from app.gui.transcript_view import TranscriptView

pytestmark = [pytest.mark.gui]


def _format_at(view: TranscriptView, position: int):
    cursor = QTextCursor(view.document())
    cursor.setPosition(position + 1)
    return cursor.charFormat()


def test_tail_is_replaced_in_place_after_the_committed_words(qtbot):
    """Partials replace only the tail; a commit appends and the new tail follows it; styles differ."""
    view = TranscriptView()
    qtbot.addWidget(view)
    view.set_partial("and so my")
    view.set_partial("and so my fellow")
    assert view.toPlainText() == "and so my fellow" and view.committed_text() == ""
    view.append_committed("And so my", "fellow Americans")
    assert view.toPlainText() == "And so my fellow Americans"
    assert view.committed_text() == "And so my" and view.partial_text() == "fellow Americans"
    committed, tail = _format_at(view, 0), _format_at(view, len("And so my "))
    assert not committed.fontItalic() and tail.fontItalic()
    assert tail.foreground().color().alphaF() < committed.foreground().color().alphaF()
    view.set_partial("")
    assert view.toPlainText() == "And so my"
    view.set_transcript("Restored text.", "")
    assert view.committed_text() == "Restored text." and view.partial_text() == ""


def test_every_change_is_announced_once_when_complete(qtbot):
    """`updated` fires once per change, never with a half-applied state."""
    view = TranscriptView()
    qtbot.addWidget(view)
    seen: list[tuple[str, str]] = []
    view.updated.connect(lambda: seen.append((view.committed_text(), view.partial_text())))
    view.set_partial("do for")
    view.append_committed("do for you.", "")
    assert seen == [("", "do for"), ("do for you.", "")]


def test_a_commit_that_continues_a_word_is_appended_without_a_space(qtbot):
    """ "the 42" then "-line Bible" flagged as continuing the word: "the 42-line Bible", the tail after it."""
    view = TranscriptView()
    qtbot.addWidget(view)
    view.append_committed("the 42", "-line")
    view.append_committed("-line Bible", "was", continues_word=True)
    view.append_committed("was", "")
    assert view.committed_text() == "the 42-line Bible was"
