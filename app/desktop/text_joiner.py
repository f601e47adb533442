"""Commits as they should be typed one after another into another application: a space between
commits, none before punctuation, and a capital after a sentence end. Pure text, no desktop.

Typed text can never be taken back (no backspaces into someone else's field), so each commit's
piece is final: what follows only ever adds to it. A new dictation is joined onto the last one the
same way (" Next words" after "...end."), because it usually goes on in the same field; whether it
really does is only known where the text is typed (app/desktop/type_queue.py), which types the
commit `standalone` instead when it does not.

A commit can start inside a word: the engine commits "42" and then "-line", or "mud" and then "huts".
Whether it does is told by the model, not guessed from characters: Whisper's words carry their own
leading space (" old" starts a word, "huts" continues one). This module stays below inference, so the
caller passes that as `continues_word` (app/services/live_transcript.continues_word reads it off a
Commit); such a commit is glued on, with no space and no capital.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

NO_SPACE_BEFORE = (".", ",", ";", ":", "!", "?", "…", ")", "]", "}", "%", "'s", "n't")
SENTENCE_END = (".", "?", "!", "…")  # the same as inference.results.SENTENCE_END (desktop stays below inference)


def standalone(commit: str) -> str:
    """A commit typed where nothing of ours precedes it: no leading space, the model's own case."""
    return " ".join(commit.split())


class CommitJoiner:
    """The text to type for each commit, in order, following what was typed before (across dictations
    too: `reset` only when nothing typed before may precede the next commit)."""

    def __init__(self) -> None:
        self._typed = ""  # the tail of what has been typed (enough to decide the next join)

    def reset(self) -> None:
        """Nothing precedes the next commit: it gets no leading space, and keeps the model's case."""
        self._typed = ""

    def next(self, commit: str, continues_word: bool = False) -> str:
        """What to type for `commit` after what came before (may be "" for an empty commit);
        `continues_word`: its first word goes on from the last word typed (no space, no capital)."""
        text = standalone(commit)
        if not text:
            return ""
        if self._typed and not continues_word:
            if self._typed.rstrip().endswith(SENTENCE_END) and text[0].islower():
                text = text[0].upper() + text[1:]
            if not text.startswith(NO_SPACE_BEFORE):
                text = " " + text
        self._typed = (self._typed + text)[-64:]
        return text


def join_commits(commits: Iterable[str], continuing: Collection[int] = ()) -> str:
    """All of one dictation's commits joined as they would be typed; `continuing` holds the indexes of the
    commits whose first word continues the word before."""
    joiner = CommitJoiner()
    return "".join(joiner.next(c, i in continuing) for i, c in enumerate(commits))
