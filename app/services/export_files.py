"""Writing transcripts to disk for the window's Save/Export actions (one place for both views)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from app.services.autosave import write_atomically
from inference.exports import FORMATS, get_writer
from inference.results import Segment


def format_of(path: str | Path, fallback: str = "txt") -> str:
    """The export format a file name asks for (.srt -> srt); `fallback` when the suffix is not one."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else fallback


def with_format(path: str | Path, fmt: str) -> Path:
    """`path` with the suffix of `fmt` added unless it already has it."""
    path = Path(path)
    return path if path.suffix.lower() == f".{fmt}" else path.with_name(f"{path.name}.{fmt}")


def free_path(folder: Path, stem: str, fmt: str, taken: set[Path] | None = None) -> Path:
    """folder/stem.fmt, or stem-2.fmt, stem-3.fmt... when that name is on disk or in `taken`."""
    taken = taken or set()
    candidate = folder / f"{stem}.{fmt}"
    n = 2
    while candidate.exists() or candidate in taken:
        candidate = folder / f"{stem}-{n}.{fmt}"
        n += 1
    return candidate


def export_transcript(
    path: str | os.PathLike[str], fmt: str, segments: Iterable[Segment], record: Mapping | None = None
) -> Path:
    """Write `segments` as `fmt` to `path` atomically; returns the path written."""
    text = get_writer(fmt)(tuple(segments), record)
    target = Path(path)
    write_atomically(target, text)
    return target
