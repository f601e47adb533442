"""Export helpers: formats from file names, free names that never overwrite, atomic writes."""

from __future__ import annotations

from pathlib import Path

from app.services.export_files import export_transcript, format_of, output_path, with_format
from inference.results import Segment


def test_format_from_the_file_name():
    """The suffix picks the format; anything else falls back."""
    assert format_of("talk.SRT") == "srt" and format_of("talk.docx") == "txt" and format_of("talk", "") == ""
    assert with_format("talk", "vtt") == Path("talk.vtt") and with_format("a.vtt", "vtt") == Path("a.vtt")


def test_output_path_never_reuses_a_name_of_this_batch(tmp_path: Path):
    """A name this batch already wrote gets -2, -3...; a file from an earlier run is replaced."""
    (tmp_path / "talk.srt").write_text("x")
    taken: set[Path] = set()
    assert output_path(tmp_path, "talk", "srt", taken) == tmp_path / "talk.srt"
    assert output_path(tmp_path, "talk", "srt", taken) == tmp_path / "talk-2.srt"
    assert output_path(tmp_path, "talk", "srt", taken) == tmp_path / "talk-3.srt"
    assert taken == {tmp_path / n for n in ("talk.srt", "talk-2.srt", "talk-3.srt")}


def test_export_writes_the_chosen_format(tmp_path: Path):
    """The writer's text lands at the path, folders created."""
    target = export_transcript(tmp_path / "out" / "t.vtt", "vtt", [Segment(0.0, 1.5, " Hi.")])
    assert target.read_text(encoding="utf-8") == "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHi.\n\n"
