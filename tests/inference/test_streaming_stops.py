"""Which full stops a commit holds back, and what the next word decides (inference/streaming_stops.py)."""

from __future__ import annotations

import pytest

from inference.results import Word
from inference.stream_events import Commit
from inference.streaming_stops import continues_sentence, hold_stop


def word(text: str, start: float = 1.0, end: float = 1.4) -> Word:
    return Word(start, end, text, 0.9)


HELD = [(" printing.", " printing", "."), (" me...", " me", "..."), (" plowed?", " plowed", "?"), (" go!", " go", "!")]


@pytest.mark.parametrize(("text", "bare", "stop"), HELD)
def test_a_final_stop_is_held_as_a_word_of_its_own(text, bare, stop):
    kept, held = hold_stop(word(text))
    assert kept == word(bare)
    assert held == Word(1.4, 1.4, stop, 0.9)  # at the word's end, no leading space: it glues on when released


@pytest.mark.parametrize("text", [" printing", " printing,", " U.S.", " Mr.", " etc.", " 1455", " .", " ?"])
def test_nothing_else_is_held(text):
    assert hold_stop(word(text)) == (word(text), None)


def test_a_number_keeps_its_stop_held_like_a_word():
    assert hold_stop(word(" 1455."))[0].text == " 1455"


@pytest.mark.parametrize(("text", "goes_on"), [(" which", True), ("huts", True), (" The", False), (" I", False)])
def test_lower_case_means_the_sentence_goes_on(text, goes_on):
    assert continues_sentence(word(text)) is goes_on


def test_digits_and_quotes_do_not_continue_a_sentence():
    assert not continues_sentence(word(" 42"))
    assert not continues_sentence(word(' "Hello'))


def test_a_commit_of_punctuation_alone_has_no_words():
    def commit(text: str) -> Commit:
        return Commit(text, 0.0, 0.0, 0.0, 0.0)

    assert not commit(".").has_words and not commit("...").has_words
    assert commit(". The").has_words and commit("42").has_words
