"""The history view's logic: list past dictations, show one in full, copy it or insert it elsewhere.

Qt-free: it talks to the window only through HistoryView, reads the store, and hands the text to
callables the window passes in (the clipboard, the live transcript, typing into another app).
"""

from __future__ import annotations

from collections.abc import Callable

from app.services.history import HistoryRecord, HistoryStore, format_duration, format_started
from app.window.views import HistoryEntry, HistoryView

LIST_PREVIEW_CHARS = 200  # the list's text column is wide (and elides what does not fit)


def entry_of(record: HistoryRecord) -> HistoryEntry:
    return HistoryEntry(
        id=record.id,
        started=format_started(record.started_at),
        duration=format_duration(record.duration_s),
        words=record.word_count,
        preview=record.preview(LIST_PREVIEW_CHARS),
        text=record.text,
        status=record.status(),
    )


class HistoryController:
    """Keeps the history list in step with the folder; remembers the selected dictation."""

    def __init__(self, view: HistoryView, store: HistoryStore) -> None:
        self._view = view
        self.store = store
        self.entries: list[HistoryEntry] = []  # newest first
        self.selected: HistoryEntry | None = None

    def refresh(self) -> None:
        """Read the folder again (after a dictation began or ended, or when the view is shown)."""
        listing = self.store.load()
        self.entries = [entry_of(record) for record in reversed(listing.records)]
        chosen = self.selected.id if self.selected is not None else None
        self.selected = next((e for e in self.entries if e.id == chosen), None)
        self._view.set_entries(self.entries, self.selected.id if self.selected is not None else None)
        self._view.show_entry(self.selected)
        if listing.problems:
            count = len(listing.problems)
            self._view.show_history_problem(
                f"{count} history file{'s' if count != 1 else ''} could not be read and "
                f"{'are' if count != 1 else 'is'} not shown ({listing.problems[0]})"
            )
        else:
            self._view.show_history_problem("")

    def select(self, record_id: str | None) -> None:
        self.selected = next((e for e in self.entries if e.id == record_id), None)
        self._view.show_entry(self.selected)

    def selected_text(self) -> str:
        return self.selected.text if self.selected is not None else ""

    def send(self, deliver: Callable[[str], bool], nothing: str = "Select a dictation first") -> bool:
        """Hand the selected text to `deliver` (copy, insert, type); False with a message when there is none."""
        text = self.selected_text()
        if not text:
            self._view.show_history_problem(nothing)
            return False
        return deliver(text)
