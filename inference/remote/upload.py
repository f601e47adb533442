"""What goes up: contract audio as 16-bit FLAC (lossless, about half of WAV) or WAV, in a multipart form.

Both carry 16 kHz mono, so the server neither resamples nor downmixes: conversion stays here, shared
with local transcription, and the upload is 3-6x smaller than most native files.
"""

from __future__ import annotations

import io
import secrets
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from audio.constants import SAMPLE_RATE

UPLOAD_FORMATS = ("flac", "wav")
_INT16_SCALE = 32767  # float [-1, 1] to 16-bit PCM
_BLOCK = SAMPLE_RATE * 10  # samples per encoded frame batch (10 s)
_CONTENT_TYPES = {"flac": "audio/flac", "wav": "audio/wav"}


@dataclass(frozen=True)
class Upload:
    """One encoded audio file, ready for the form."""

    data: bytes
    filename: str
    content_type: str


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Contract samples (float32 in [-1, 1]) as 16-bit PCM, rounded."""
    return np.clip(np.round(samples * _INT16_SCALE), -32768, 32767).astype(np.int16)


def _wav(pcm: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.astype("<i2").tobytes())
    return buffer.getvalue()


def _flac(pcm: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="flac") as out:
        stream = out.add_stream("flac", rate=SAMPLE_RATE, layout="mono")
        for start in range(0, pcm.size, _BLOCK):
            frame = av.AudioFrame.from_ndarray(pcm[start : start + _BLOCK].reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts, frame.time_base = start, Fraction(1, SAMPLE_RATE)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def encode(samples: np.ndarray, fmt: str = "flac") -> Upload:
    """Contract samples (already checked) as an upload in `fmt` (flac or wav)."""
    if fmt not in UPLOAD_FORMATS:
        raise ValueError(f"upload format must be one of {', '.join(UPLOAD_FORMATS)}, not {fmt!r}")
    pcm = to_int16(samples)
    data = _flac(pcm) if fmt == "flac" else _wav(pcm)
    return Upload(data, f"audio.{fmt}", _CONTENT_TYPES[fmt])


def multipart(fields: Iterable[tuple[str, str]], upload: Upload) -> tuple[bytes, str]:
    """A multipart/form-data body with the text `fields` and the file; returns (body, content type)."""
    boundary = f"whisperdesk-{secrets.token_hex(12)}"
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{upload.filename}"\r\n'
        f"Content-Type: {upload.content_type}\r\n\r\n".encode()
    )
    parts += [upload.data, f"\r\n--{boundary}--\r\n".encode()]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
