"""Transcript writers: TXT, SRT and VTT cues with valid timestamps, JSON with segments and words."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

import pytest

from inference.exports import FORMATS, get_writer
from inference.results import Segment, Word

SEGMENTS = (
    Segment(0.0, 2.5, " Hello there.", (Word(0.0, 0.8, " Hello", 0.9), Word(0.9, 2.5, " there.", 0.8))),
    Segment(2.5, 2.5, "   "),  # blank segments are dropped from text formats
    Segment(3661.0015, 3725.25, " One hour in.", (Word(3661.0, 3662.0, " One", 0.7),)),
)
SRT_CUE = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.+)\n")
VTT_CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n(.+)\n")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def test_txt_is_one_line_per_spoken_segment():
    """TXT holds the stripped segment texts, blank ones left out."""
    assert get_writer("txt")(SEGMENTS, None) == "Hello there.\nOne hour in.\n"


def test_srt_cues_are_numbered_with_comma_times():
    """SRT: cues numbered from 1, HH:MM:SS,mmm times equal to the segment times (to the ms)."""
    cues = SRT_CUE.findall(get_writer("srt")(SEGMENTS, None))
    assert [c[0] for c in cues] == ["1", "2"]
    assert _seconds(*cues[1][1:5]) == pytest.approx(3661.002, abs=1e-9)
    assert _seconds(*cues[1][5:9]) == pytest.approx(3725.25)
    assert [c[9] for c in cues] == ["Hello there.", "One hour in."]


def test_vtt_has_header_and_dot_times():
    """VTT starts with WEBVTT and uses HH:MM:SS.mmm cue times."""
    text = get_writer("vtt")(SEGMENTS, None)
    assert text.startswith("WEBVTT\n\n")
    cues = VTT_CUE.findall(text)
    assert [(_seconds(*c[0:4]), _seconds(*c[4:8]), c[8]) for c in cues] == [
        (0.0, 2.5, "Hello there."),
        (3661.002, 3725.25, "One hour in."),
    ]


def test_json_without_record_holds_segments_and_words():
    """JSON of bare segments lists start/end/text/words for each."""
    data = json.loads(get_writer("json")(SEGMENTS, None))
    assert data["segments"][0] == asdict(SEGMENTS[0]) | {"words": [asdict(w) for w in SEGMENTS[0].words]}


def test_json_with_record_writes_the_whole_record():
    """Given a result record, JSON writes that record (file, pipeline, ...) as-is."""
    record = {"file": "a.wav", "text": "Hello", "segments": []}
    assert json.loads(get_writer("json")(SEGMENTS, record)) == record


def test_unknown_format_is_refused():
    """Asking for another format names the ones that exist."""
    with pytest.raises(ValueError, match="choose from txt, srt, vtt, json"):
        get_writer("docx")
    assert FORMATS == ("txt", "srt", "vtt", "json")
