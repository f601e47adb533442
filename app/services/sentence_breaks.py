"""Sentence breaks one transcript puts where another does not.

WER cannot see them (the normalizer drops punctuation and case), but a dictating user corrects each
by hand: a live transcript that ends every phrase with a full stop types "circumstances. Which led me"
where the offline one has "circumstances which led me". The two transcripts are aligned word by word
(on lower-case letters and digits), and a break counts as shared where both end a sentence after the
same word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from inference.results import SENTENCE_END

_KEY = re.compile(r"[^\w']+")
_CLOSERS = "\"')]}"


@dataclass(frozen=True)
class SentenceBreaks:
    """Sentence ends in a reference and a hypothesis, and how many fall after the same word."""

    reference: int
    hypothesis: int
    shared: int

    @property
    def extra(self) -> int:
        """Breaks only the hypothesis has (a full stop and a capital inside a sentence)."""
        return self.hypothesis - self.shared

    @property
    def missed(self) -> int:
        return self.reference - self.shared


def _words(text: str) -> tuple[list[str], list[bool]]:
    """Comparison keys of the words, and whether a sentence ends after each."""
    keys: list[str] = []
    ends: list[bool] = []
    for token in text.split():
        key = _KEY.sub("", token.lower())
        stop = token.rstrip(_CLOSERS).endswith(SENTENCE_END)
        if key:
            keys.append(key)
            ends.append(stop)
        elif stop and ends:  # a stop standing alone ("word ." or "...") ends the word before it
            ends[-1] = True
    return keys, ends


def sentence_breaks(reference: str, hypothesis: str) -> SentenceBreaks:
    """Count the sentence ends of both texts and those after the same (aligned) word."""
    ref_keys, ref_ends = _words(reference)
    hyp_keys, hyp_ends = _words(hypothesis)
    matcher = SequenceMatcher(None, ref_keys, hyp_keys, autojunk=False)
    shared = sum(
        ref_ends[a + i] and hyp_ends[b + i] for a, b, size in matcher.get_matching_blocks() for i in range(size)
    )
    return SentenceBreaks(sum(ref_ends), sum(hyp_ends), shared)
