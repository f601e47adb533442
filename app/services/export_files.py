"""Writing transcripts to disk: the one atomic writer and the one output-naming rule, for the CLI and
both of the window's views."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from inference.exports import FORMATS, get_writer
from inference.results import Segment

_TEMP_NUMBERS = itertools.count()  # this process's temporary files (threads write concurrently)


def format_of(path: str | Path, fallback: str = "txt") -> str:
    """The export format a file name asks for (.srt -> srt); `fallback` when the suffix is not one."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else fallback


def with_format(path: str | Path, fmt: str) -> Path:
    """`path` with the suffix of `fmt` added unless it already has it."""
    path = Path(path)
    return path if path.suffix.lower() == f".{fmt}" else path.with_name(f"{path.name}.{fmt}")


def output_path(folder: Path, stem: str, fmt: str, taken: set[Path]) -> Path:
    """The one naming rule for transcripts written into a folder the user chose (CLI -o, Export all):
    folder/stem.fmt, or stem-2.fmt, stem-3.fmt... when this batch already wrote that name. `taken` is
    this batch's outputs and gets the new path; a file from an earlier run is replaced, as a rerun should."""
    candidate, n = folder / f"{stem}.{fmt}", 1
    while candidate in taken:
        n += 1
        candidate = folder / f"{stem}-{n}.{fmt}"
    taken.add(candidate)
    return candidate


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so a reader sees the old or the new file, never half of one:
    the one writer of every file whisperdesk saves (exports and autosave). The temporary file's name is
    short (a name the file system takes for `path` must not fail for it) and it is removed on failure;
    an OSError names `path`, not the temporary file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "a folder has that name", str(path))
        tmp = path.parent / f".wd-{os.getpid()}-{next(_TEMP_NUMBERS)}.tmp"
        out = open(tmp, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise _naming(exc, path) from None
    try:
        with out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _naming(exc, path) from None


def _naming(exc: OSError, path: Path) -> OSError:
    """`exc` as the same kind of OSError about `path` (mkdir's "File exists": a parent is a file)."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileExistsError) or (exc.errno == errno.ENOTDIR):
        reason = "a file is in the way of its folder"
    return type(exc)(exc.errno, reason, str(path))


def export_transcript(
    path: str | os.PathLike[str], fmt: str, segments: Iterable[Segment], record: Mapping | None = None
) -> Path:
    """Write `segments` as `fmt` to `path` atomically; returns the path written."""
    text = get_writer(fmt)(tuple(segments), record)
    target = Path(path)
    write_atomically(target, text)
    return target
