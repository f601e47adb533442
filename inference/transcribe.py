"""Whole-buffer transcription with progress and cancellation (files, offline runs)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from audio.contract import PcmAudio
from inference.boundary import run_model
from inference.errors import TranscriptionCancelled
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.results import Segment, Transcript

ProgressFn = Callable[[float], None]
SegmentFn = Callable[[Segment], None]


def transcribe(
    loaded: LoadedModel,
    audio: PcmAudio,
    options: TranscribeOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_segment: SegmentFn | None = None,
) -> Transcript:
    """Transcribe contract audio; progress gets the fraction of audio done (0..1).

    Raises TranscriptionCancelled when `cancel` is set; segments already decoded were
    passed to `on_segment`, so the caller keeps them.
    """
    segment_iter, language, language_probability = run_model(loaded, audio, options or TranscribeOptions())
    duration = audio.duration_s
    segments: list[Segment] = []
    for segment in segment_iter:
        if cancel is not None and cancel.is_set():
            raise TranscriptionCancelled("cancelled")
        segments.append(segment)
        if on_segment:
            on_segment(segment)
        if progress and duration > 0:
            progress(min(1.0, segment.end / duration))
    if cancel is not None and cancel.is_set():
        raise TranscriptionCancelled("cancelled")
    if progress:
        progress(1.0)
    frozen = tuple(segments)
    return Transcript(frozen, language, language_probability, duration, Transcript.join(frozen))
