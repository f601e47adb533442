"""Word-level streaming policy (agreement, edge de-duplication, repetition) on fake hypotheses."""

from __future__ import annotations

from inference.results import Word
from inference.streaming import StreamingOptions
from inference.streaming_words import (
    HypothesisBuffer,
    agreed_prefix,
    cut_repetition,
    cut_rushed_repeat,
    drop_before,
    drop_overlap,
    normalize_word,
    safe_boundary,
    words_text,
)


def hyp(text: str, start: float = 0.0, step: float = 0.4, prob: float = 0.9) -> list[Word]:
    """Words of `text`, one every `step` seconds from `start`, each with a leading space."""
    return [Word(start + i * step, start + (i + 1) * step, f" {t}", prob) for i, t in enumerate(text.split())]


def test_normalize_ignores_case_and_edge_punctuation():
    """'Hello,' and 'hello' are the same word for agreement; inner apostrophes stay."""
    assert normalize_word(" Hello,") == normalize_word("hello") == "hello"
    assert normalize_word(" don't.") == "don't"
    assert normalize_word(" ...") == ""


def test_agreed_prefix_stops_at_first_difference():
    """The longest common prefix is counted word by word."""
    assert agreed_prefix(hyp("the cat sat on"), hyp("the cat sat in the")) == 3
    assert agreed_prefix(hyp("a b"), hyp("x b")) == 0
    assert agreed_prefix(hyp("one two"), hyp("One, two.")) == 2


def test_local_agreement_commits_only_what_two_hypotheses_share():
    """LocalAgreement-2: the first hypothesis commits nothing; the second commits the shared prefix."""
    buf = HypothesisBuffer(agreement=2)
    first = buf.insert(hyp("the quick brown"))
    assert first.committed == () and words_text(first.pending) == "the quick brown"
    second = buf.insert(hyp("the quick brown fox jumps"))
    assert words_text(second.committed) == "the quick brown"
    assert words_text(second.pending) == "fox jumps"
    third = buf.insert(hyp("the quick brown fox leaps over"))
    assert words_text(third.committed) == "fox"
    assert words_text(third.pending) == "leaps over"


def test_committed_words_are_never_committed_twice():
    """A hypothesis that re-transcribes committed audio only adds the words after the committed end."""
    buf = HypothesisBuffer(agreement=2)
    buf.insert(hyp("one two three"))
    buf.insert(hyp("one two three four"))
    assert buf.committed_end == hyp("one two three")[-1].end
    later = buf.insert(hyp("one two three four five"))
    assert words_text(later.committed) == "four"


def test_unsure_words_need_one_more_agreeing_hypothesis():
    """With min_prob, a low-probability word waits for a third agreeing hypothesis."""
    buf = HypothesisBuffer(agreement=2, min_prob=0.5)
    unsure = [*hyp("the"), *hyp("acavas", start=0.4, prob=0.3), *hyp("eyes", start=0.8)]
    buf.insert(unsure)
    second = buf.insert(unsure)
    assert words_text(second.committed) == "the"
    third = buf.insert(unsure)
    assert words_text(third.committed) == "acavas eyes"


def test_unsure_word_replaced_by_context_is_not_committed():
    """A guess that a later hypothesis corrects never reaches the committed text."""
    buf = HypothesisBuffer(agreement=2, min_prob=0.5)
    guess = [*hyp("the"), *hyp("acavas", start=0.4, prob=0.3)]
    buf.insert(guess)
    buf.insert(guess)
    corrected = buf.insert(hyp("the ache of his eyes"))
    assert "acavas" not in words_text(corrected.committed)
    final = buf.insert(hyp("the ache of his eyes even"))
    assert words_text(final.committed) == "ache of his eyes"


def test_drop_before_removes_words_of_committed_audio():
    """Words ending before the committed end (plus tolerance) are old audio."""
    words = hyp("a b c d")  # ends 0.4, 0.8, 1.2, 1.6
    assert words_text(drop_before(words, committed_end=0.8, tolerance_s=0.05)) == "c d"
    assert words_text(drop_before(words, committed_end=0.78, tolerance_s=0.05)) == "c d"
    assert words_text(drop_before(words, committed_end=0.7, tolerance_s=0.05)) == "b c d"


def test_drop_overlap_removes_repeated_head_ngram_at_buffer_edge():
    """The head of a hypothesis repeating the committed tail is removed (longest match)."""
    committed = hyp("on the other hand", start=0.0)
    new = hyp("other hand we went", start=1.7)
    assert words_text(drop_overlap(committed, new, max_ngram=5)) == "we went"


def test_drop_overlap_catches_a_long_word_heard_again():
    """A long word re-heard with a later end ('1455.' then '1455,') is still recognized as committed."""
    committed = [Word(53.78, 54.12, " about", 0.9), Word(54.20, 55.26, " 1455.", 0.9)]
    again = [Word(54.20, 55.32, " 1455,", 0.9), Word(56.56, 56.82, " has", 0.9)]
    assert words_text(drop_overlap(committed, again, max_ngram=5)) == "has"


def test_a_whole_phrase_heard_again_is_dropped_with_the_default_ngram():
    """Seen live on the unseen set: "when you remember that it was" (6 words) committed, then re-heard at
    the buffer edge and committed again; the default n-gram length reaches the committed tail's 10 words."""
    committed = hyp("to understand when you remember that it was", start=0.0)
    again = hyp("when you remember that it was called into being", start=3.3)
    max_ngram = StreamingOptions().dedup_max_ngram
    assert words_text(drop_overlap(committed, again, max_ngram)) == "called into being"
    assert words_text(drop_overlap(committed, again, max_ngram=5)) != "called into being"  # the old default


def test_drop_overlap_keeps_far_away_repetitions():
    """A real repetition long after the committed end is kept."""
    committed = hyp("thank you", start=0.0)
    new = hyp("thank you all", start=5.0)
    assert words_text(drop_overlap(committed, new, max_ngram=5)) == "thank you all"


def test_cut_repetition_stops_hallucination_loops():
    """An n-gram repeated more than max_repeats times in a row is cut after max_repeats."""
    assert words_text(cut_repetition(hyp("the the the the end"), max_repeats=2)) == "the the"
    loop = hyp("I went home I went home I went home I went home")
    assert words_text(cut_repetition(loop, max_repeats=2)) == "I went home I went home"
    assert words_text(cut_repetition(hyp("that that is fine"), max_repeats=2)) == "that that is fine"


def test_a_phrase_said_again_faster_than_speech_is_cut_where_it_starts_again():
    """base, live (a paced replay of the shared set): a pause committed this hypothesis, its phrase twice,
    the second copy squeezed into 1.3 s; the copy goes, the words before it stay."""
    phrase = "it is worth mentioning in passing that as an example of fine"
    said = hyp(f"and {phrase} typography", start=100.0, step=0.3)  # a speaker's pace
    looped = said + hyp(f"{phrase} topography", start=said[-1].end, step=0.1)
    assert words_text(cut_rushed_repeat(looped)) == f"and {phrase} typography"
    assert cut_rushed_repeat(said) == said


def test_a_speakers_own_repeat_and_short_ones_stay():
    """JFK says "It is the American people themselves" three times in 20 s: at a speaker's pace it stays;
    a repeat shorter than six words is never cut, however fast; nor a run of one word."""
    jfk = hyp(
        "it is the american people themselves who are in the drivers seat "
        "it is the american people themselves who want the furrow plowed",
        step=0.25,
    )
    assert cut_rushed_repeat(jfk) == jfk
    short = hyp("thank you very much", step=0.3) + hyp("thank you very much", start=1.2, step=0.05)
    assert cut_rushed_repeat(short) == short
    run = hyp("no no no no no no no no no no", step=0.05)
    assert cut_rushed_repeat(run) == run  # the same 6 words overlapping themselves: cut_repetition's case


def test_safe_boundary_never_splits_a_word_or_a_growing_number():
    """A commit boundary before a continuation ('14' + '55') or after a trailing number moves back."""
    words = [Word(0, 0.3, " about", 0.9), Word(0.3, 0.6, " 14", 0.9), Word(0.6, 0.9, "55.", 0.9)]
    assert safe_boundary(words, 2) == 1
    assert safe_boundary(words[:2], 2) == 1
    assert safe_boundary(hyp("one two three"), 2) == 2


def test_commit_all_commits_the_pending_tail_and_resets():
    """At a pause the whole pending hypothesis is committed at once."""
    buf = HypothesisBuffer(agreement=2)
    buf.insert(hyp("hello there"))
    assert words_text(buf.commit_all()) == "hello there"
    assert buf.pending == ()
    assert buf.insert(hyp("hello there")).committed == ()
