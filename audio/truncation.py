"""A file cut short (an interrupted download or copy, a recorder that died) decodes without an error:
FFmpeg gives what is there, and for WAV even reports the cut length as the file's duration (it measures
the file, not the header). So the length the header declares is read here and compared with what
was decoded, and a cut file is said, never transcribed in part silently.

Only lengths a header really declares count: the WAV data chunk's size, an MP3's Xing/Info/VBRI frame
count, MP4 and FLAC stream lengths. A length FFmpeg estimates from the bit rate (an MP3 without those
tags, a stream without a header) would warn about files that are whole.
"""

from __future__ import annotations

import struct
from pathlib import Path

HEADER_LENGTH_FORMATS = ("flac", "mov,mp4,m4a,3gp,3g2,mj2")  # FFmpeg container names that store the length
MP3_LENGTH_TAGS = (b"Xing", b"Info", b"VBRI")  # frame-count headers LAME and other encoders write
MP3_TAG_SEARCH_BYTES = 4096  # the tag sits in the first frame, after any ID3v2 tag
WAV_UNKNOWN_SIZES = (0, 0xFFFFFFFF)  # what streaming recorders write before the length is known
MIN_MISSING_S = 0.5  # less missing than this is codec padding, not a cut (a WAV's header is exact: 10 ms)
MIN_WAV_MISSING_S = 0.01
MIN_MISSING_SHARE = 0.02


def wav_missing_s(path: Path) -> float | None:
    """Seconds a RIFF WAV's data chunk declares beyond the end of the file (None: whole, or not a WAV
    whose header says its length)."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            byte_rate = None
            while True:
                chunk = file.read(8)
                if len(chunk) < 8:
                    return None
                name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if name == b"fmt " and size >= 16:
                    fmt = file.read(size + (size & 1))
                    byte_rate = struct.unpack("<I", fmt[8:12])[0]
                    continue
                if name == b"data":
                    if byte_rate in (None, 0) or size in WAV_UNKNOWN_SIZES:
                        return None
                    held = path.stat().st_size - file.tell()
                    missing = (size - held) / byte_rate
                    return missing if missing >= MIN_WAV_MISSING_S else None
                file.seek(size + (size & 1), 1)
    except OSError:
        return None


def declares_length(path: Path, container: str) -> bool:
    """Whether FFmpeg's duration for this file comes from its header rather than an estimate."""
    if container in HEADER_LENGTH_FORMATS:
        return True
    if container != "mp3":
        return False
    try:
        with path.open("rb") as file:
            head = file.read(10)
            skip = 0
            if head[:3] == b"ID3" and len(head) == 10:  # ID3v2: a 28-bit "syncsafe" size after the 10-byte header
                skip = 10 + sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(head[6:10]))
            file.seek(skip)
            first = file.read(MP3_TAG_SEARCH_BYTES)
    except OSError:
        return False
    return any(tag in first for tag in MP3_LENGTH_TAGS)


def missing_s(path: Path, container: str, declared_s: float | None, decoded_s: float) -> float | None:
    """Seconds of audio the file's header declares but the file does not hold; None when it is whole."""
    if container == "wav":
        return wav_missing_s(path)
    if declared_s is None or not declares_length(path, container):
        return None
    missing = declared_s - decoded_s
    return missing if missing > max(MIN_MISSING_S, MIN_MISSING_SHARE * declared_s) else None


def truncation_problem(declared_missing_s: float | None, decoded_s: float) -> str | None:
    """One line for a cut file: how much it holds and how much its header says is missing."""
    if declared_missing_s is None:
        return None
    total = decoded_s + declared_missing_s
    return (
        f"truncated: its header says {total:.1f} s of audio but the file ends after {decoded_s:.1f} s "
        "(only that part is transcribed)"
    )
