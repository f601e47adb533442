"""Whole-buffer transcription with progress and cancellation (files, offline runs).

Audio up to PIECE_S (5 min, plus the cut search) goes to the engine in one call, exactly as faster-whisper
would take it. Longer audio (a two-hour recording) goes in pieces of about PIECE_S cut at the
quietest moment near each piece's end: the engine computes its features for the whole audio it is
given at once (several GB for two hours), so pieces keep memory flat and the first segments come
after the first piece, not after the whole file. Each piece keeps the language found in the first
one and starts without the previous piece's text as a prompt: prompted so, tiny.en fell into 30 s
segments without timestamps and skipped speech (21 min of joined speech: WER 12.9% prompted, 3.4%
unprompted, 3.6% as one engine call).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial

import numpy as np

from audio.constants import SAMPLE_RATE, seconds_to_samples
from audio.contract import PcmAudio
from audio.decode import ProgressFn
from inference.boundary import run_model
from inference.engine import is_language_code
from inference.errors import TranscriptionCancelled
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.results import Segment, Transcript, join_texts

SegmentFn = Callable[[Segment], None]
# sends one piece to an engine: (segments, language, language probability)
RunFn = Callable[[PcmAudio, TranscribeOptions], tuple[Iterable[Segment], str, float]]

PIECE_S = 300.0  # seconds: longer audio is transcribed in pieces of about this length
CUT_SEARCH_S = 30.0  # seconds: a piece ends at the quietest moment of its last CUT_SEARCH_S
QUIET_WINDOW_S = 0.4  # seconds: the stretch whose energy picks the cut


def quietest_point(samples: np.ndarray) -> int:
    """Index of the middle of the lowest-energy QUIET_WINDOW_S stretch of `samples`."""
    window = max(1, seconds_to_samples(QUIET_WINDOW_S))
    if samples.size <= window:
        return samples.size // 2
    energy = np.cumsum(np.square(samples, dtype=np.float64))
    sums = energy[window:] - energy[:-window]
    return int(np.argmin(sums)) + window // 2


def in_pieces(duration_s: float | None) -> bool:
    """Whether audio this long is transcribed in more than one piece."""
    return duration_s is not None and duration_s > PIECE_S + CUT_SEARCH_S


def _cut(samples: np.ndarray) -> int | None:
    """Where the first piece of `samples` ends, or None while it is short enough to be one piece."""
    piece, search = seconds_to_samples(PIECE_S), seconds_to_samples(CUT_SEARCH_S)
    if samples.size <= piece + search:
        return None
    return piece - search + quietest_point(samples[piece - search : piece])


def pieces(blocks: Iterable[np.ndarray]) -> Iterator[tuple[int, np.ndarray]]:
    """(start sample, piece samples) as enough blocks arrive: only one piece and the blocks after it
    are held, so a file being decoded is transcribed without ever being whole in memory."""
    pending: list[np.ndarray] = []
    start = size = 0
    for block in blocks:
        pending.append(block)
        size += block.size
        if size <= seconds_to_samples(PIECE_S + CUT_SEARCH_S):
            continue
        held = pending[0] if len(pending) == 1 else np.concatenate(pending)
        while (cut := _cut(held)) is not None:
            yield start, held[:cut]
            start, held = start + cut, held[cut:]
        pending, size = [held], held.size
    if size or not start:
        yield start, pending[0] if len(pending) == 1 else np.concatenate(pending or [np.zeros(0, np.float32)])


def shifted(segment: Segment, offset: float) -> Segment:
    """A piece's segment moved to file time (its words too)."""
    if not offset:
        return segment
    words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words)
    return replace(segment, start=segment.start + offset, end=segment.end + offset, words=words)


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
    return transcribe_blocks(loaded, [audio.samples], audio.duration_s, options, progress, cancel, on_segment)


def transcribe_blocks(
    loaded: LoadedModel,
    blocks: Iterable[np.ndarray],
    expected_s: float | None,
    options: TranscribeOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_segment: SegmentFn | None = None,
) -> Transcript:
    """Transcribe contract samples arriving block by block (a long file as it is decoded), piece by
    piece; progress is measured against `expected_s`, the duration the container announced."""
    return transcribe_pieces(partial(run_model, loaded), blocks, expected_s, options, progress, cancel, on_segment)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise TranscriptionCancelled("cancelled")


def transcribe_pieces(
    run: RunFn,
    blocks: Iterable[np.ndarray],
    expected_s: float | None,
    options: TranscribeOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_segment: SegmentFn | None = None,
) -> Transcript:
    """The piece loop shared by the local model and a server (`run` sends one piece): cancellation is
    checked before each piece and between segments, progress moves with each segment and piece."""
    options = options or TranscribeOptions()
    segments: list[Segment] = []
    language, language_probability = "", 1.0
    total = 0
    done_s = 0.0

    def advance(seconds: float) -> None:
        nonlocal done_s
        done_s = max(done_s, seconds)
        if progress and expected_s:
            progress(min(1.0, done_s / expected_s))

    for index, (start, samples) in enumerate(pieces(blocks)):
        _check(cancel)
        total = start + samples.size
        keep = index and is_language_code(language)  # a server may name no language
        segment_iter, found, probability = run(
            PcmAudio(samples, SAMPLE_RATE, 1), replace(options, language=language) if keep else options
        )
        if index == 0:
            language, language_probability = found, probability
        for raw in segment_iter:
            _check(cancel)
            segment = shifted(raw, start / SAMPLE_RATE)
            segments.append(segment)
            if on_segment:
                on_segment(segment)
            advance(segment.end)
        advance(total / SAMPLE_RATE)
    _check(cancel)
    if progress:
        progress(1.0)
    frozen = tuple(segments)
    return Transcript(frozen, language, language_probability, total / SAMPLE_RATE, join_texts(s.text for s in frozen))
