"""Export helpers: formats from file names, free names that never overwrite, atomic writes."""

from __future__ import annotations

from pathlib import Path

from app.services.export_files import export_transcript, format_of, free_path, with_format
from inference.results import Segment


def test_format_from_the_file_name():
    """The suffix picks the format; anything else falls back."""
    assert format_of("talk.SRT") == "srt" and format_of("talk.docx") == "txt" and format_of("talk", "") == ""
    assert with_format("talk", "vtt") == Path("talk.vtt") and with_format("a.vtt", "vtt") == Path("a.vtt")


def test_free_path_never_reuses_a_name(tmp_path: Path):
    """An existing file or a name already taken in this batch gets -2, -3..."""
    (tmp_path / "talk.srt").write_text("x")
    assert free_path(tmp_path, "talk", "srt") == tmp_path / "talk-2.srt"
    assert free_path(tmp_path, "talk", "srt", {tmp_path / "talk-2.srt"}) == tmp_path / "talk-3.srt"


def test_export_writes_the_chosen_format(tmp_path: Path):
    """The writer's text lands at the path, folders created."""
    target = export_transcript(tmp_path / "out" / "t.vtt", "vtt", [Segment(0.0, 1.5, " Hi.")])
    assert target.read_text(encoding="utf-8") == "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHi.\n\n"
