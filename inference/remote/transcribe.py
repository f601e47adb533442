"""Whole files through a server, in the same pieces as local transcription (inference/transcribe.py).

A short file goes up in one request; a long one in pieces of about 5 minutes cut at quiet moments,
each keeping the first piece's language, so an upload stays a few MB and segments arrive from the
first piece on. Progress, cancellation (also while a request waits for its reply) and `on_segment` work as
they do locally.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import partial

import numpy as np

from audio.contract import PcmAudio
from audio.decode import ProgressFn
from inference.options import TranscribeOptions
from inference.remote.client import run_server
from inference.remote.server import RemoteServer
from inference.results import Transcript
from inference.transcribe import SegmentFn, transcribe_pieces


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
    return transcribe_pieces(
        partial(run_server, server, cancel=cancel), blocks, expected_s, options, progress, cancel, on_segment
    )


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
