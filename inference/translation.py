"""Translation keeps to English's script.

Whisper's translate task sometimes answers in the source language's own script (base on the shared
Mandarin recording: "Guangzhou市房地产中间协会分析"). English text is written in Latin letters, so when
translating, every token that holds a letter of another script (or a partial UTF-8 byte, which only
other scripts need) is suppressed, as faster-whisper's `suppress_tokens` allows.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

REPLACEMENT = "\ufffd"  # what a token holding part of a multi-byte character decodes to


def _foreign(text: str) -> bool:
    return any(c == REPLACEMENT or (c.isalpha() and not unicodedata.name(c, "").startswith("LATIN")) for c in text)


@lru_cache(maxsize=4)
def non_latin_tokens(tokenizer) -> tuple[int, ...]:  # tokenizer: tokenizers.Tokenizer (hashable by identity)
    """Ids of the tokens that write letters of a script other than Latin."""
    return tuple(t for t in range(tokenizer.get_vocab_size()) if _foreign(tokenizer.decode([t])))


def translation_suppress_tokens(tokenizer) -> list[int]:
    """faster-whisper's default suppression (-1: its symbols list) plus every non-Latin token."""
    return [-1, *non_latin_tokens(tokenizer)]
