"""The live transcript model: commits, the partial tail, times across sessions, export cues, restore."""

from __future__ import annotations

from app.desktop.text_joiner import join_commits
from app.services.live_transcript import LiveTranscript, build_cues, continues_word
from inference.results import Segment, Word
from inference.stream_events import Commit, Partial


def _commit(text: str, start: float, end: float, words: tuple[Word, ...] = ()) -> Commit:
    return Commit(text, start, end, 0.0, 0.0, words)


def test_commits_append_and_trim_the_partial_they_confirm():
    """Committed words leave the partial tail; the rest of the tail stays until the next partial."""
    transcript = LiveTranscript()
    transcript.set_partial(Partial(" And so my fellow", 0.0, 1.5, 0.0, 0.0))
    assert transcript.add_commit(_commit(" And so,", 0.0, 0.8)).text == "And so,"
    assert transcript.partial == "my fellow"
    assert transcript.text == "And so," and transcript.full_text == "And so, my fellow"
    assert not transcript.add_commit(_commit("   ", 0.8, 0.9))


def test_a_partial_that_does_not_start_with_the_commit_is_dropped():
    """When the tail was revised, the stale partial is cleared rather than shown twice."""
    transcript = LiveTranscript()
    transcript.set_partial(Partial("ask knot", 1.0, 2.0, 0.0, 0.0))
    transcript.add_commit(_commit("ask not what", 1.0, 2.2))
    assert transcript.partial == ""


def test_a_new_session_continues_after_the_previous_one_in_time():
    """Session 2's audio time 0 is placed after session 1's end, words included, so exports stay monotonic."""
    transcript = LiveTranscript()
    transcript.add_commit(_commit("First.", 0.0, 2.0))
    transcript.begin_session()
    transcript.add_commit(_commit("Second.", 0.5, 1.5, (Word(0.5, 1.5, " Second.", 0.9),)))
    assert [(p.start, p.end) for p in transcript.pieces] == [(0.0, 2.0), (2.5, 3.5)]
    assert transcript.pieces[1].words[0].start == 2.5


def test_cues_break_at_sentence_ends_pauses_and_length():
    """Short commits merge into cues; a new cue starts after '.', after a pause, or past the length limit."""
    pieces = [
        Segment(0.0, 0.5, "one"),
        Segment(0.5, 1.0, "two."),
        Segment(1.0, 1.5, "three"),
        Segment(3.0, 3.5, "four"),
        Segment(3.5, 9.0, "five"),
        Segment(9.0, 11.0, "six"),
    ]
    cues = build_cues(pieces, max_cue_s=7.0, max_gap_s=1.2)
    assert [(c.text, c.start, c.end) for c in cues] == [
        ("one two.", 0.0, 1.0),
        ("three", 1.0, 1.5),
        ("four five", 3.0, 9.0),
        ("six", 9.0, 11.0),
    ]


def test_restore_puts_recovered_text_first_and_shifts_what_is_there():
    """Recovered pieces (and their partial, now final) come before text dictated since, which moves later."""
    transcript = LiveTranscript()
    transcript.add_commit(_commit("New words.", 0.0, 1.0))
    transcript.restore([Segment(0.0, 4.0, "Old words.")], partial="old tail")
    assert transcript.text == "Old words. old tail New words."
    assert [(p.start, p.end) for p in transcript.pieces] == [(0.0, 4.0), (4.0, 4.0), (4.0, 5.0)]
    transcript.begin_session()
    transcript.add_commit(_commit("Later.", 0.0, 1.0))
    assert transcript.pieces[-1].start == 5.0


def _words(*texts: str, start: float = 0.0) -> tuple[Word, ...]:
    return tuple(Word(start + i * 0.3, start + i * 0.3 + 0.3, t, 0.9) for i, t in enumerate(texts))


def test_a_commit_that_starts_inside_a_word_is_glued_onto_the_last_piece():
    """ "42" then "-line Bible" (the model's "-line" has no leading space): one piece "42-line Bible", and the
    text, the saved pieces and their words all say so; a commit whose first word has its space is apart."""
    transcript = LiveTranscript()
    first = transcript.add_commit(_commit("the 42", 0.0, 0.6, _words(" the", " 42")))
    glued = transcript.add_commit(_commit("-line Bible", 0.6, 1.2, _words("-line", " Bible", start=0.6)))
    apart = transcript.add_commit(_commit("was", 1.2, 1.5, _words(" was", start=1.2)))
    assert (first.continues_word, glued.continues_word, apart.continues_word) == (False, True, False)
    assert glued.text == "-line Bible"
    assert transcript.text == "the 42-line Bible was"
    assert [(p.text, p.start, p.end) for p in transcript.pieces] == [("the 42-line Bible", 0.0, 1.2), ("was", 1.2, 1.5)]
    assert [w.text for w in transcript.pieces[0].words] == [" the", " 42", "-line", " Bible"]


def test_continues_word_reads_the_models_first_word_only():
    """No words (a scripted commit), or a first word with its leading space: not a continuation."""
    assert continues_word(_commit("huts", 0.0, 0.3, _words("huts")))
    assert not continues_word(_commit("old huts", 0.0, 0.6, _words(" old", "huts")))
    assert not continues_word(_commit("-line", 0.0, 0.3))


def test_a_new_session_or_inserted_text_is_never_glued_onto():
    """A continuation can only go on from a piece of its own session: after begin_session, add_text or
    clear, a commit without a leading space starts a piece of its own."""
    transcript = LiveTranscript()
    transcript.add_commit(_commit("mud", 0.0, 0.3, _words(" mud")))
    transcript.begin_session()
    assert not transcript.add_commit(_commit("huts", 0.0, 0.3, _words("huts"))).continues_word
    transcript.add_text("inserted")
    assert not transcript.add_commit(_commit("more", 0.3, 0.6, _words("more"))).continues_word
    transcript.clear()
    assert not transcript.add_commit(_commit("alone", 0.0, 0.3, _words("alone"))).continues_word
    assert transcript.text == "alone"


def test_a_held_stop_released_on_its_own_ends_the_piece_before_it():
    """The engine releases a held full stop as a commit of its own ("." with no leading space) before the next
    sentence's words: it ends the last piece, so the cues still break after the sentence."""
    commits = [
        _commit("the art of printing", 0.0, 1.2, _words(" the", " art", " of", " printing")),
        _commit(".", 1.2, 1.2, (Word(1.2, 1.2, ".", 0.9),)),
        _commit("It came late", 2.0, 2.9, _words(" It", " came", " late", start=2.0)),
    ]
    transcript = LiveTranscript()
    added = [transcript.add_commit(c) for c in commits]
    assert [a.continues_word for a in added] == [False, True, False]
    assert [p.text for p in transcript.pieces] == ["the art of printing.", "It came late"]
    assert [c.text for c in build_cues(transcript.pieces)] == ["the art of printing.", "It came late"]
    typed = join_commits([c.text for c in commits], [i for i, c in enumerate(commits) if continues_word(c)])
    assert typed == "the art of printing. It came late"
