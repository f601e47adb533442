"""Cut points, phrase-ending pauses and stall detection on hand-made speech maps and words."""

from __future__ import annotations

import pytest

from inference.results import Word
from inference.streaming_cuts import finalizing_pause, gaps, safe_cuts, split_at, stall_point
from inference.streaming_vad import SpeechMap

# Buffer starting at session time 10 s: speech 0.5-3.0, pause, 3.6-6.0, pause, 7.2-8.0; 8.5 s long.
SPEECH = SpeechMap(((0.5, 3.0), (3.6, 6.0), (7.2, 8.0)), duration_s=8.5)
START = 10.0


def words(*spec: tuple[str, float, float]) -> list[Word]:
    return [Word(s, e, f" {t}", 0.9) for t, s, e in spec]


def test_gaps_lists_silences_between_spans():
    """Only silences of at least min_gap count."""
    assert gaps(SPEECH, 0.5) == [(3.0, 3.6), (6.0, 7.2)]
    assert gaps(SPEECH, 1.0) == [(6.0, 7.2)]


def test_safe_cuts_only_where_everything_before_is_committed():
    """A pause is a cut point only when the speech before it is committed; the cut stays near its start."""
    assert safe_cuts(SPEECH, START, settled=12.0, min_gap_s=0.2) == []
    assert safe_cuts(SPEECH, START, settled=13.0, min_gap_s=0.2) == [pytest.approx(13.3)]
    assert safe_cuts(SPEECH, START, settled=16.1, min_gap_s=0.2) == [pytest.approx(13.3), pytest.approx(16.3)]
    # trailing silence after committed speech is a cut point too
    assert safe_cuts(SPEECH, START, settled=18.0, min_gap_s=0.2)[-1] == pytest.approx(18.25)


def test_finalizing_pause_is_the_latest_long_pause_after_the_settled_point():
    """A long pause inside the buffer ends a phrase, as does long trailing silence."""
    assert finalizing_pause(SPEECH, START, settled=10.0, min_pause_s=0.8) == (pytest.approx(16.0), pytest.approx(17.2))
    assert finalizing_pause(SPEECH, START, settled=16.0, min_pause_s=0.8) is None
    assert finalizing_pause(SPEECH, START, settled=10.0, min_pause_s=0.5) == (pytest.approx(18.0), pytest.approx(18.5))
    assert finalizing_pause(SPEECH, START, settled=17.0, min_pause_s=0.5) == (pytest.approx(18.0), pytest.approx(18.5))
    assert finalizing_pause(SPEECH, START, settled=10.0, min_pause_s=1.5) is None


def test_split_at_uses_word_middles():
    """A word whose end runs into the pause still belongs before it."""
    ws = words(("a", 15.0, 16.3), ("b", 17.3, 17.6))
    before, after = split_at(ws, 16.6)
    assert [w.text for w in before] == [" a"] and [w.text for w in after] == [" b"]


def test_stall_point_finds_early_end_and_skipped_speech():
    """Unheard speech after the last word, or jumped over between words, is a stall."""
    following = words(("one", 10.5, 11.5), ("two", 11.5, 13.0), ("three", 13.6, 16.0), ("four", 17.2, 17.9))
    assert stall_point(following, SPEECH, START, heard_from=START, stall_s=2.0, skip_s=1.0) is None
    ended_early = words(("one", 10.5, 11.5), ("two", 11.5, 13.0))
    assert stall_point(ended_early, SPEECH, START, heard_from=START, stall_s=2.0, skip_s=1.0) == pytest.approx(13.0)
    jumped = words(("one", 10.5, 11.5), ("four", 17.2, 17.9))
    assert stall_point(jumped, SPEECH, START, heard_from=START, stall_s=2.0, skip_s=1.0) == pytest.approx(11.5)
    assert stall_point([], SPEECH, START, heard_from=16.5, stall_s=2.0, skip_s=1.0) is None
