"""A file cut short (an interrupted download or copy, a recorder that died) decodes without an error:
FFmpeg gives what is there, and for WAV even reports the cut length as the file's duration (it measures
the file, not the header). So the length the header declares is read here and compared with what
was decoded, and a cut file is said, never transcribed in part silently.

Only lengths a header really declares count: a WAV's data chunk size and an MP3's Xing/Info/VBRI frame
count (both read here), and the stream lengths FFmpeg reads from FLAC, AIFF and MP4 headers. A length
FFmpeg estimates from the bit rate (an MP3 without those tags, a concatenation of MP3s, Ogg) would
call whole files cut. RF64's length FFmpeg reads from its ds64 chunk. Not found: fragmented MP4 (no
declared length), Ogg and Opus.
"""

from __future__ import annotations

import struct
from pathlib import Path

HEADER_LENGTH_FORMATS = ("flac", "aiff", "mov,mp4,m4a,3gp,3g2,mj2")  # FFmpeg containers whose length is declared
MP3_TAGS = (b"Xing", b"Info")  # LAME's frame-count header (Info: constant bit rate), then flags, then frames
MP3_VBRI = b"VBRI"  # Fraunhofer's: the frame count 10 bytes after the tag's end
MP3_SEARCH_BYTES = 4096  # the tag sits in the first frame, after any ID3v2 tags
# Sizes recorders write while they cannot seek back (sox on a pipe: 0x7FFFF000; others 0x7FFFFFFF, 2**32 - 1).
WAV_PLACEHOLDER_MIN = 0x7FFFF000
MIN_MISSING_S = 0.5  # less than this short of a codec's declared length is encoder delay and padding
MIN_WAV_MISSING_S = 0.1  # a WAV's header is exact; this keeps the message's two lengths apart


def wav_declared_s(path: Path) -> float | None:
    """Seconds of audio a RIFF WAV's data chunk declares (None: not such a WAV, or a placeholder size)."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            frame_bytes = None  # sample rate x block align: the header's own byte-rate field may be wrong
            while True:
                chunk = file.read(8)
                if len(chunk) < 8:
                    return None
                name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if name == b"fmt " and size >= 16:
                    fmt = file.read(size + (size & 1))
                    rate, align = struct.unpack("<I", fmt[4:8])[0], struct.unpack("<H", fmt[12:14])[0]
                    frame_bytes = rate * align
                    continue
                if name == b"data":
                    if not frame_bytes or size == 0 or size >= WAV_PLACEHOLDER_MIN:
                        return None
                    return size / frame_bytes
                file.seek(size + (size & 1), 1)
    except (OSError, struct.error):
        return None


def _starts_with(path: Path, magic: tuple[bytes, ...]) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(4) in magic
    except OSError:
        return False


def _after_id3(data: bytes) -> int:
    """Offset of the first byte after the ID3v2 tags at the start of an MP3 (any number of them)."""
    offset = 0
    while data[offset : offset + 3] == b"ID3" and len(data) >= offset + 10:
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(data[offset + 6 : offset + 10]))
        footer = 10 if data[offset + 5] & 0x10 else 0
        offset += 10 + size + footer
    return offset


def mp3_declared_s(path: Path, sample_rate: int) -> float | None:
    """Seconds an MP3's Xing/Info or VBRI header declares (None: no such header, or no frame count)."""
    try:
        with path.open("rb") as file:
            head = file.read(64 * 1024)
            start = _after_id3(head)
            if start > len(head) - 4:  # a large picture in the tag: read on from its end
                file.seek(start)
                head, start = file.read(MP3_SEARCH_BYTES), 0
    except OSError:
        return None
    first = head[start : start + MP3_SEARCH_BYTES]
    sync = next((i for i in range(len(first) - 4) if first[i] == 0xFF and first[i + 1] & 0xE0 == 0xE0), None)
    if sync is None:
        return None
    mpeg1 = (first[sync + 1] >> 3) & 0x3 == 0x3
    frame = first[sync : sync + 400]
    frames, trimmed = None, 0
    for tag in MP3_TAGS:
        at = frame.find(tag)
        if at >= 0 and len(frame) >= at + 12:
            frames, trimmed = _xing_frames(frame[at:])
    at = frame.find(MP3_VBRI)
    if frames is None and at >= 0 and len(frame) >= at + 18:
        frames = struct.unpack(">I", frame[at + 14 : at + 18])[0]
    if not frames or not sample_rate:
        return None
    return (frames * (1152 if mpeg1 else 576) - trimmed) / sample_rate  # Layer III samples per frame


def _xing_frames(tag: bytes) -> tuple[int | None, int]:
    """(frame count, samples the decoder trims) from a Xing/Info tag: the count is there when flag 1 is set;
    the encoder delay and padding come from the LAME extension after the tag's fields, which FFmpeg trims."""
    flags = struct.unpack(">I", tag[4:8])[0]
    if not flags & 0x1:
        return None, 0
    frames = struct.unpack(">I", tag[8:12])[0]
    lame = 8 + sum(size for bit, size in ((0x1, 4), (0x2, 4), (0x4, 100), (0x8, 4)) if flags & bit)
    encoder = tag[lame : lame + 4]
    if len(tag) < lame + 24 or not (encoder.isascii() and encoder.isalpha()):  # "LAME", "Lavc", "Lavf"
        return frames, 0
    packed = int.from_bytes(tag[lame + 21 : lame + 24], "big")
    return frames, (packed >> 12) + (packed & 0xFFF)  # 12 bits of delay, 12 of padding


def missing_s(path: Path, container: str, sample_rate: int, stream_s: float | None, decoded_s: float) -> float | None:
    """Seconds of audio the file's header declares but the file does not hold; None when it is whole or
    declares nothing. `stream_s` is FFmpeg's length, trusted only where a header gave it."""
    if container == "wav":
        declared, least = wav_declared_s(path), MIN_WAV_MISSING_S
        if declared is None and _starts_with(path, (b"RF64", b"BW64")):  # 64-bit WAV: FFmpeg reads its ds64 chunk
            declared = stream_s
    elif container == "mp3":
        declared, least = mp3_declared_s(path, sample_rate), MIN_MISSING_S
    elif container in HEADER_LENGTH_FORMATS:
        declared, least = stream_s, MIN_MISSING_S
    else:
        return None
    if declared is None:
        return None
    missing = declared - decoded_s
    return missing if missing >= least else None


def truncation_problem(declared_missing_s: float | None, decoded_s: float) -> str | None:
    """One line for a cut file: how much it holds and how much its header says is missing."""
    if declared_missing_s is None:
        return None
    total = decoded_s + declared_missing_s
    return (
        f"truncated: its header says {total:.1f} s of audio but the file ends after {decoded_s:.1f} s "
        f"({declared_missing_s:.1f} s missing; the rest is transcribed)"
    )
