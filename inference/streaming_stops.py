"""Sentence ends at the end of a commit, held until the next words show whether the sentence ended.

Whisper ends its output with a full stop (now and then a question mark) wherever the audio it was given
ends, so a live commit that ends at the buffer's end (a pause in mid-sentence, most of all) carries one
the offline transcript does not have: typed, "circumstances. Which led me" (the joiner capitalizes after
it). Commits are final, so the stop is held back instead: the next commit's first word decides. Lower
case there means the model heard the sentence go on and the stop is dropped; anything else (a capital, a
digit, the end of the session, a long silence) releases it in front of that word.
"""

from __future__ import annotations

from dataclasses import replace

from inference.results import Word

HOLD_MAX_S = 1.0  # silence after which a held stop is released with no next word
STOPS = ".?!…"
# Words whose full stop is part of the word, not a sentence end.
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "prof", "no", "vol", "fig"})


def hold_stop(word: Word) -> tuple[Word, Word | None]:
    """The word without its trailing sentence end (".", "...", "?", "!"), and that end as a word of its own
    (no leading space, at the word's end); the word unchanged and None when there is nothing to hold."""
    text = word.text
    bare = text.rstrip(STOPS)
    key = bare.strip().lower()
    if bare == text or not key or "." in key or key in ABBREVIATIONS or not key[-1].isalnum():
        return word, None
    stop = Word(word.end, word.end, text[len(bare) :], word.probability)
    return replace(word, text=bare), stop


def continues_sentence(word: Word) -> bool:
    """The model began this word in lower case: it heard the sentence before go on."""
    first = word.text.strip()[:1]
    return first.isalpha() and first.islower()
