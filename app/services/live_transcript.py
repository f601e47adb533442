"""A live dictation as data: the committed pieces in order, the partial tail, and the
subtitle cues made from them for export. Qt-free; fed Commit and Partial events.

A commit that starts inside a word ("42" then "-line") is glued onto the last piece ("42-line"), so
every join of pieces (the window, the autosave, the history, exports) keeps the word whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inference.results import SENTENCE_END, Segment, join_texts
from inference.stream_events import Commit, Partial
from inference.transcribe import shifted


class SavedText:
    """The text of a stored dictation (autosave file, history record): its committed pieces and the
    last partial, joined; the class using it has `pieces` and `partial`."""

    pieces: tuple[Segment, ...]
    partial: str

    @property
    def text(self) -> str:
        return join_texts([*(p.text for p in self.pieces), self.partial])

    @property
    def word_count(self) -> int:
        return len(self.text.split())


MAX_CUE_S = 7.0  # seconds: longest subtitle cue built from commits
MAX_CUE_GAP_S = 1.2  # seconds of silence that start a new cue


def _merge(pieces: list[Segment]) -> Segment:
    words = tuple(w for p in pieces for w in p.words)
    return Segment(pieces[0].start, pieces[-1].end, join_texts(p.text for p in pieces), words)


def build_cues(
    pieces: Iterable[Segment], max_cue_s: float = MAX_CUE_S, max_gap_s: float = MAX_CUE_GAP_S
) -> tuple[Segment, ...]:
    """Group committed pieces into readable cues: a new cue after a sentence end, a pause, or `max_cue_s`."""
    cues: list[Segment] = []
    current: list[Segment] = []
    for piece in pieces:
        if current and (
            piece.start - current[-1].end > max_gap_s
            or piece.end - current[0].start > max_cue_s
            or current[-1].text.rstrip().endswith(SENTENCE_END)
        ):
            cues.append(_merge(current))
            current = []
        current.append(piece)
    if current:
        cues.append(_merge(current))
    return tuple(cues)


def continues_word(commit: Commit) -> bool:
    """The commit's first word goes on from the word before it, as the model spelled it: Whisper's words
    carry their own leading space (" old" starts a word; "-line" or "huts" continues one)."""
    return bool(commit.words) and not commit.words[0].text[:1].isspace()


@dataclass(frozen=True)
class Added:
    """What a commit added to the transcript: its text, and whether it is glued onto the word before."""

    text: str
    continues_word: bool = False

    def __bool__(self) -> bool:
        return bool(self.text)


def _drop_prefix_words(text: str, prefix: str) -> str:
    """`text` without the leading words of `prefix` (compared case- and punctuation-blind)."""

    def norm(word: str) -> str:
        return "".join(ch for ch in word.lower() if ch.isalnum())

    words, gone = text.split(), prefix.split()
    if [norm(w) for w in words[: len(gone)]] == [norm(w) for w in gone]:
        return " ".join(words[len(gone) :])
    return ""


class LiveTranscript:
    """Committed pieces (never revised) plus the unconfirmed tail.

    Times of a later session continue after the earlier one, so one transcript can span
    several start/stop rounds and still export monotonic subtitles.
    """

    def __init__(self) -> None:
        self.pieces: list[Segment] = []
        self.partial = ""
        self._offset = 0.0  # seconds added to the current session's audio times
        self._session_pieces = 0  # pieces committed by the current session (a commit may continue only those)

    @property
    def text(self) -> str:
        """The committed text."""
        return join_texts(p.text for p in self.pieces)

    @property
    def full_text(self) -> str:
        """Committed text and the partial tail, as shown."""
        return join_texts([self.text, self.partial])

    @property
    def end_s(self) -> float:
        return self.pieces[-1].end if self.pieces else 0.0

    def is_empty(self) -> bool:
        return not self.pieces and not self.partial.strip()

    def begin_session(self) -> None:
        """A new capture starts: its audio time 0 follows the end of what is already here."""
        self._offset = self.end_s
        self.partial = ""
        self._session_pieces = 0

    def add_commit(self, commit: Commit) -> Added:
        """Append final words; returns what was added. The partial loses the words just committed. A commit
        that continues the last word of this session is glued onto the last piece (see the module's docstring)."""
        text = commit.text.strip()
        if not text:
            return Added("")
        piece = shifted(Segment(commit.audio_start, commit.audio_end, text, commit.words), self._offset)
        glued = continues_word(commit) and self._session_pieces > 0 and bool(self.pieces)
        if glued:
            last = self.pieces[-1]
            piece = Segment(last.start, max(last.end, piece.end), last.text + text, last.words + piece.words)
            self.pieces[-1] = piece
        else:
            self.pieces.append(piece)
            self._session_pieces += 1
        self.partial = _drop_prefix_words(self.partial, text)
        return Added(text, glued)

    def add_text(self, text: str) -> str:
        """Append text from elsewhere (a past dictation) as a final piece at the end; returns what was added."""
        text = text.strip()
        if text:
            self.pieces.append(Segment(self.end_s, self.end_s, text))
            self._session_pieces = 0  # nothing committed later is glued onto it
        return text

    def set_partial(self, partial: Partial) -> None:
        self.partial = partial.text.strip()

    def end_session(self) -> None:
        """Capture stopped: anything still unconfirmed is dropped (the engine flushes it as commits)."""
        self.partial = ""

    def segments(self) -> tuple[Segment, ...]:
        """Cues for export (TXT, SRT, VTT, JSON)."""
        return build_cues(self.pieces)

    def restore(self, pieces: Iterable[Segment], partial: str = "") -> None:
        """Put recovered pieces before what is here now; a recovered partial becomes a final piece."""
        recovered = list(pieces)
        if partial.strip():
            end = recovered[-1].end if recovered else 0.0
            recovered.append(Segment(end, end, partial.strip()))
        shift = recovered[-1].end if recovered else 0.0
        self.pieces = recovered + [shifted(p, shift) for p in self.pieces]
        self._offset += shift

    def clear(self) -> None:
        self.pieces = []
        self.partial = ""
        self._offset = 0.0
        self._session_pieces = 0
