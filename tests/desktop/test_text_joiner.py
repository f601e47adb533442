"""Commits joined as they are typed into another app: spacing and capitals across commits, nothing invented."""

from __future__ import annotations

from app.desktop.text_joiner import CommitJoiner, join_commits, standalone


def test_space_between_commits_and_capital_after_a_sentence_end() -> None:
    assert join_commits(["hello", "world.", "How"]) == "hello world. How"
    assert join_commits(["it ends.", "and goes on"]) == "it ends. And goes on"
    assert join_commits(["what?", "yes"]) == "what? Yes"


def test_no_space_before_punctuation() -> None:
    assert join_commits(["so", ", well", "."]) == "so, well."
    assert join_commits(["fifty", "% more"]) == "fifty% more"


def test_first_commit_keeps_the_models_case_and_gets_no_leading_space() -> None:
    assert join_commits(["  hello there  ", "you"]) == "hello there you"
    assert join_commits(["Hello"]) == "Hello"


def test_mid_sentence_case_is_left_alone() -> None:
    assert join_commits(["I think", "I can", "see Paris"]) == "I think I can see Paris"


def test_each_piece_only_adds_and_a_new_dictation_starts_fresh() -> None:
    joiner = CommitJoiner()
    pieces = [joiner.next(c) for c in ["one.", "", "two"]]
    assert pieces == ["one.", "", " Two"]
    joiner.reset()
    assert joiner.next("three") == "three"


def test_the_next_dictation_joins_onto_the_last_and_standalone_is_the_model_text() -> None:
    """Without a reset the joiner goes on across dictations; `standalone` is what a fresh start types."""
    joiner = CommitJoiner()
    assert joiner.next("The first one ends.") == "The first one ends."
    assert joiner.next("and the second begins") == " And the second begins"
    assert joiner.next(", then goes on") == ", then goes on"
    assert standalone("  and the second   begins ") == "and the second begins"
    assert standalone("   ") == ""


def test_a_commit_that_continues_a_word_is_glued_on() -> None:
    """ "42" then "-line", "mud" then "huts": no space and no capital, even after a sentence end ("U." "S.")."""
    assert join_commits(["the 42", "-line Bible"], continuing={1}) == "the 42-line Bible"
    assert join_commits(["mud", "huts and", "more"], continuing={1}) == "mudhuts and more"
    assert join_commits(["the U.", "S. army"], continuing={1}) == "the U.S. army"
    joiner = CommitJoiner()
    assert joiner.next("huts", continues_word=True) == "huts"  # nothing typed before: nothing to glue onto


def test_the_same_text_without_the_flag_is_spaced() -> None:
    """The flag, not the characters, decides: "-line" not flagged is a word of its own."""
    assert join_commits(["the 42", "-line Bible"]) == "the 42 -line Bible"
