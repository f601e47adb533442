"""Commits as they should be typed one after another into another application: a space between
commits, none before punctuation, and a capital after a sentence end. Pure text, no desktop.

Typed text can never be taken back (no backspaces into someone else's field), so each commit's
piece is final: what follows only ever adds to it.
"""

from __future__ import annotations

NO_SPACE_BEFORE = (".", ",", ";", ":", "!", "?", "…", ")", "]", "}", "%", "'s", "n't")
SENTENCE_END = (".", "?", "!", "…")  # the same as inference.results.SENTENCE_END (desktop stays below inference)


class CommitJoiner:
    """The text to type for each commit of one dictation, in order."""

    def __init__(self) -> None:
        self._typed = ""  # the tail of what this dictation has typed (enough to decide the next join)

    def reset(self) -> None:
        """A new dictation starts: its first commit gets no leading space, and keeps the model's case."""
        self._typed = ""

    def next(self, commit: str) -> str:
        """What to type for `commit` (may be "" for an empty commit)."""
        text = " ".join(commit.split())
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
