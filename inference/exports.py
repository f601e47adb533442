"""Transcript writers (TXT, SRT, VTT, JSON) behind one factory, fed typed segments."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict

from inference.results import Segment

FORMATS = ("txt", "srt", "vtt", "json")


def _clock(seconds: float, decimal: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"


def write_txt(segments: Iterable[Segment], record: Mapping | None = None) -> str:
    """One line per segment."""
    return "".join(f"{s.text.strip()}\n" for s in segments if s.text.strip())


def write_srt(segments: Iterable[Segment], record: Mapping | None = None) -> str:
    """SubRip: numbered cues with comma-decimal times."""
    cues = [s for s in segments if s.text.strip()]
    return "".join(
        f"{i}\n{_clock(s.start, ',')} --> {_clock(s.end, ',')}\n{s.text.strip()}\n\n" for i, s in enumerate(cues, 1)
    )


def write_vtt(segments: Iterable[Segment], record: Mapping | None = None) -> str:
    """WebVTT: header, then cues with dot-decimal times."""
    cues = "".join(
        f"{_clock(s.start, '.')} --> {_clock(s.end, '.')}\n{s.text.strip()}\n\n" for s in segments if s.text.strip()
    )
    return "WEBVTT\n\n" + cues


def write_json(segments: Iterable[Segment], record: Mapping | None = None) -> str:
    """The full result record (file, pipeline, ...) with segments and words."""
    return json.dumps(dict(record or {"segments": [asdict(s) for s in segments]}), ensure_ascii=False, indent=2) + "\n"


Writer = Callable[[Iterable[Segment], Mapping | None], str]
_WRITERS: dict[str, Writer] = {"txt": write_txt, "srt": write_srt, "vtt": write_vtt, "json": write_json}


def get_writer(fmt: str) -> Writer:
    """The writer for `fmt` (txt, srt, vtt or json)."""
    try:
        return _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}") from None
