"""The live transcript model: commits, the partial tail, times across sessions, export cues, restore."""

from __future__ import annotations

from app.services.live_transcript import LiveTranscript, build_cues
from inference.results import Segment, Word
from inference.stream_events import Commit, Partial


def _commit(text: str, start: float, end: float, words: tuple[Word, ...] = ()) -> Commit:
    return Commit(text, start, end, 0.0, 0.0, words)


def test_commits_append_and_trim_the_partial_they_confirm():
    """Committed words leave the partial tail; the rest of the tail stays until the next partial."""
    transcript = LiveTranscript()
    transcript.set_partial(Partial(" And so my fellow", 0.0, 1.5, 0.0, 0.0))
    assert transcript.add_commit(_commit(" And so,", 0.0, 0.8)) == "And so,"
    assert transcript.partial == "my fellow"
    assert transcript.text == "And so," and transcript.full_text == "And so, my fellow"
    assert transcript.add_commit(_commit("   ", 0.8, 0.9)) == ""


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
