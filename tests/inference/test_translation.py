"""Translation keeps to Latin letters: the tokens of other scripts (and partial UTF-8 bytes) are suppressed."""

from __future__ import annotations

import pytest

from inference.translation import _foreign, non_latin_tokens, translation_suppress_tokens


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        (" the", False),
        (" café", False),
        (" 2250", False),
        ("广州", True),
        (" Привет", True),
        ("\ufffd", True),
        ("...", False),
    ],
)
def test_foreign_means_a_letter_of_another_script(text, foreign):
    assert _foreign(text) is foreign


@pytest.mark.model
def test_suppression_list_keeps_english_tokens(tiny_model):
    """Every token of an English sentence stays allowed; faster-whisper's own -1 stays first."""
    tokenizer = tiny_model.model.hf_tokenizer
    suppressed = set(non_latin_tokens(tokenizer))
    english = tokenizer.encode(" Ask not what your country can do for you, café 1961.", add_special_tokens=False).ids
    assert not suppressed & set(english)
    assert set(tokenizer.encode("广州市", add_special_tokens=False).ids) <= suppressed
    assert translation_suppress_tokens(tokenizer)[0] == -1
