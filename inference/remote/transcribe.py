"""Whole files through a server, in the same pieces as local transcription (inference/transcribe.py).

A short file goes up in one request; a long one in pieces of about 5 minutes cut at quiet moments,
each keeping the first piece's language, so an upload stays a few MB and segments arrive from the
first piece on. Progress, cancellation (between requests) and `on_segment` work as they do locally.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from audio.constants import SAMPLE_RATE
from audio.contract import PcmAudio
from audio.decode import ProgressFn
from inference.engine import is_language_code
from inference.errors import TranscriptionCancelled
from inference.options import TranscribeOptions
from inference.remote.client import run_server
from inference.remote.server import RemoteServer
from inference.results import Segment, Transcript, join_texts
from inference.transcribe import SegmentFn, pieces, shifted


def _cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise TranscriptionCancelled("cancelled")


def transcribe_remote_blocks(
    server: RemoteServer,
    blocks: Iterable[np.ndarray],
    expected_s: float | None,
    options: TranscribeOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_segment: SegmentFn | None = None,
) -> Transcript:
    """Contract samples arriving block by block, transcribed on `server` piece by piece."""
    options = options or TranscribeOptions()
    segments: list[Segment] = []
    language, language_probability = "", 1.0
    total = 0
    for index, (start, samples) in enumerate(pieces(blocks)):
        _cancelled(cancel)
        total = start + samples.size
        keep = index and is_language_code(language)
        piece_options = replace(options, language=language) if keep else options
        found, heard, probability = run_server(server, PcmAudio(samples, SAMPLE_RATE, 1), piece_options)
        if index == 0:
            language, language_probability = heard, probability
        for raw in found:
            segment = shifted(raw, start / SAMPLE_RATE)
            segments.append(segment)
            if on_segment:
                on_segment(segment)
        if progress and expected_s:
            progress(min(1.0, total / SAMPLE_RATE / expected_s))
    _cancelled(cancel)
    if progress:
        progress(1.0)
    frozen = tuple(segments)
    return Transcript(frozen, language, language_probability, total / SAMPLE_RATE, join_texts(s.text for s in frozen))


def transcribe_remote(
    server: RemoteServer,
    audio: PcmAudio,
    options: TranscribeOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_segment: SegmentFn | None = None,
) -> Transcript:
    """Transcribe contract audio on `server`; the remote twin of inference.transcribe.transcribe."""
    return transcribe_remote_blocks(server, [audio.samples], audio.duration_s, options, progress, cancel, on_segment)
