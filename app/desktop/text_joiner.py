"""Commits as they should be typed one after another into another application: a space between
commits, none before punctuation, and a capital after a sentence end. Pure text, no desktop.

Typed text can never be taken back (no backspaces into someone else's field), so each commit's
piece is final: what follows only ever adds to it. A new dictation is joined onto the last one the
same way (" Next words" after "...end."), because it usually goes on in the same field; whether it
really does is only known where the text is typed (app/desktop/type_queue.py), which types the
commit `standalone` instead when it does not.
"""

from __future__ import annotations

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

    def next(self, commit: str) -> str:
        """What to type for `commit` after what came before (may be "" for an empty commit)."""
        text = standalone(commit)
        if not text:
            return ""
        if self._typed:
            if self._typed.rstrip().endswith(SENTENCE_END) and text[0].islower():
                text = text[0].upper() + text[1:]
            if not text.startswith(NO_SPACE_BEFORE):
                text = " " + text
        self._typed = (self._typed + text)[-64:]
        return text


def join_commits(commits: list[str]) -> str:
    """All of one dictation's commits joined as they would be typed."""
    joiner = CommitJoiner()
    return "".join(joiner.next(c) for c in commits)
