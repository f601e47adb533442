"""Where dictated words go besides the window's transcript (Settings "Output", `--output`):

- type: each commit typed into the focused application as it is committed, joined with the right
  spacing (app/desktop/text_joiner.py), on a worker thread (app/desktop/type_queue.py). A new dictation
  goes on from the last one ("...end. Next words": a space, and a capital after a sentence end) when
  it is typed into the window our last words went to, within two minutes; the first dictation of the
  session, or one in another window or after a longer pause, starts without a space, as the model wrote it;
- paste: the whole utterance put on the clipboard at the end, pasted with Ctrl+V, and the clipboard's
  previous content put back;
- window: only the window's transcript.

`insert` puts a past dictation (from the history) into the application the user was writing in, the same
way: typed (or pasted, in paste mode) by the same queue, after a focus step that gives that window the
focus back (app/desktop/focus.py), with the same fallback.

When typing is impossible (no display, Wayland without wtype/ydotool) the user is told once and the words
go on the clipboard instead; they are always in the window's transcript too. Qt-free: the window passes
its clipboard and a way to run code on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.desktop.text_joiner import CommitJoiner, standalone
from app.desktop.type_queue import Focus, TypingQueue
from app.window.settings_model import OUTPUT_MODES

TYPE, PASTE, WINDOW = OUTPUT_MODES
OUTPUT_LABELS = {
    TYPE: "Type into the focused window as I speak",
    PASTE: "Paste into the focused window when I stop",
    WINDOW: "Only in the whisperdesk window",
}

Post = Callable[[Callable[[], None]], None]  # run a callable on the GUI thread, from any thread


class Clipboard(Protocol):
    """The system clipboard (app/gui/clipboard_port.py)."""

    def put(self, text: str) -> None:
        """Put `text` on the clipboard, remembering what was there the first time (for `restore`)."""
        ...

    def restore(self) -> None:
        """Put the remembered content back, a moment from now (the target must read the text first)."""
        ...

    def keep(self) -> None:
        """Forget the remembered content: what is on the clipboard now stays."""
        ...


class DictationOutput:
    """Sends one dictation's commits where the Output setting says. Called on the GUI thread."""

    def __init__(
        self,
        mode: Callable[[], str],
        clipboard: Clipboard,
        notify: Callable[[str], None],
        post: Post,
        make_queue: Callable[..., TypingQueue] = TypingQueue,
    ) -> None:
        self._mode = mode
        self._clipboard = clipboard
        self._notify = notify
        self._post = post
        self._make_queue = make_queue
        self._queue: TypingQueue | None = None
        self._joiner = CommitJoiner()  # joins onto the last dictation typed or pasted, whatever its mode
        self._active = WINDOW  # the mode of the dictation now running (a change applies to the next one)
        self._first = True  # the running dictation has typed nothing yet
        self._pieces: list[str] = []  # this dictation's text on its own (what paste mode pastes), in pieces
        self._fallback: list[str] = []  # pieces that could not be typed: on the clipboard instead
        self._told = False

    @property
    def mode(self) -> str:
        return self._active

    def _typing(self) -> TypingQueue:
        if self._queue is None:
            self._queue = self._make_queue(self._failed_on_worker)
        return self._queue

    def begin(self) -> None:
        """A dictation starts."""
        mode = self._mode()
        self._active = mode if mode in OUTPUT_MODES else TYPE
        self._first = True
        self._pieces = []
        self._fallback = []
        if self._active != WINDOW:
            self._typing().retry()

    def commit(self, text: str, continues_word: bool = False) -> None:
        """Final words of the running dictation; `continues_word`: its first word goes on from the last word
        committed (the engine committed "42" and now "-line"), so it is typed with no space before it."""
        if self._active == WINDOW:
            return
        alone = standalone(text) if self._first else None  # the first piece, should it not go on from the last
        piece = self._joiner.next(text, continues_word and not self._first)
        if not piece:
            return
        self._first = False
        self._pieces.append(piece if alone is None else alone)
        if self._active == TYPE:
            self._typing().type(piece, alone=alone)

    def insert(self, text: str, focus: Focus) -> bool:
        """Type (paste, in paste mode) `text` where `focus` puts the keyboard focus first (it runs on the
        typing thread); False when a dictation is running (its words would mix) or there is no text."""
        piece = standalone(text)
        if self._active != WINDOW or not piece:
            return False
        queue = self._typing()
        queue.retry()
        self._fallback = []
        self._told = False  # the user asked for this one: say why it failed, if it does
        if self._mode() == PASTE:
            self._clipboard.put(piece)
            queue.paste(lambda ok, why: self._post(lambda: self._pasted(ok, why)), focus=focus)
        else:
            queue.type(self._joiner.next(piece), alone=piece, focus=focus)
        return True

    def after_typing(self, fn: Callable[[], None]) -> None:
        """Call `fn` on the GUI thread once everything queued so far is typed (tests, measurements)."""
        self._typing().after(lambda: self._post(fn))

    def end(self) -> None:
        """The dictation is over (its last commits are in): paste mode pastes it all now."""
        text = "".join(self._pieces).strip()
        if self._active == PASTE and text:
            self._clipboard.put(text)
            self._typing().paste(lambda ok, why: self._post(lambda: self._pasted(ok, why)))
        self._active = WINDOW

    def close(self) -> None:
        if self._queue is not None:
            self._queue.close()
            self._queue = None

    # failures (the worker reports them; they are handled on the GUI thread) ---------------------

    def _failed_on_worker(self, text: str, why: str) -> None:
        self._post(lambda: self._typing_failed(text, why))

    def _typing_failed(self, text: str, why: str) -> None:
        self._fallback.append(text)
        self._clipboard.put("".join(self._fallback).strip())
        self._clipboard.keep()
        self._tell(why)

    def _pasted(self, ok: bool, why: str) -> None:
        if ok:
            self._clipboard.restore()
        else:
            self._clipboard.keep()  # the words stay on the clipboard for the user to paste
            self._tell(why)

    def _tell(self, why: str) -> None:
        if not self._told:
            self._told = True
            self._notify(f"Cannot type into other windows: {why}. The dictated text is on the clipboard instead.")
