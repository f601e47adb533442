"""Sentence breaks against the offline transcript: what WER, blind to punctuation, cannot see."""

from __future__ import annotations

from app.services.sentence_breaks import sentence_breaks


def test_a_stop_inside_a_sentence_is_extra_and_a_lost_one_missed():
    offline = "It was the art of printing which we know. It came late."
    breaks = sentence_breaks(offline, "It was the art of printing. Which we know, it came late.")
    assert (breaks.reference, breaks.hypothesis, breaks.shared) == (2, 2, 1)
    assert (breaks.extra, breaks.missed) == (1, 1)


def test_the_same_breaks_under_other_words_and_case_count_as_shared():
    offline = "The cud on his chest is still dripping blood! The ache of his eyes?"
    live = "the cut on his chest still dripping blood. The ache of his eyes..."
    assert sentence_breaks(offline, live).shared == 2


def test_a_stop_standing_alone_ends_the_word_before_it():
    assert sentence_breaks("one two. three", "one two . three").shared == 1
    assert sentence_breaks('said "no." then', 'said "no." then').shared == 1
