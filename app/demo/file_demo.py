"""The contract demo for one file: the normal pipeline and the raw path, run on the same audio with
the same options, then compared.

Both sides use the same TranscribeOptions, VAD included (on for files, as in normal use). The VAD
therefore also sees the broken input and may find no speech in it at all: that is part of the
lesson, since a pipeline that skips conversion feeds its VAD the same wrong samples.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np

from app.demo.bypass import transcribe_raw
from app.demo.mismatch import CONTRACT_FORMAT, Mismatch, RawStream, describe_format
from app.demo.picture import comparison_png
from app.demo.result import DemoResult, DemoSide, NativeAudio, raw_vs_converted_wer
from audio.constants import CHANNELS, DTYPE, SAMPLE_RATE, seconds_to_samples
from audio.contract import PcmAudio
from audio.decode import decode_to_contract, iter_native_blocks
from audio.errors import DecodeError
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.transcribe import transcribe

# The demo uses at most this much of a file: the raw path makes audio last up to ~12x longer
# (48 kHz stereo), and a demo should answer in minutes, not hours.
DEFAULT_MAX_SECONDS = 300.0


def _converted_side(
    path: str | os.PathLike[str],
    loaded: LoadedModel,
    options: TranscribeOptions,
    max_seconds: float | None,
    cancel: threading.Event | None,
) -> tuple[DemoSide, PcmAudio, NativeAudio]:
    """The normal pipeline: decode_to_contract (shared converter) then inference.transcribe."""
    started = time.perf_counter()
    audio, native = decode_to_contract(path)
    limit = None if max_seconds is None else seconds_to_samples(max_seconds)
    truncated = limit is not None and audio.samples.size > limit
    if limit is not None and truncated:
        audio = PcmAudio(audio.samples[:limit], SAMPLE_RATE, CHANNELS)
    transcript = transcribe(loaded, audio, options, cancel=cancel)
    source = describe_format(native.sample_rate, native.channels)
    side = DemoSide(
        text=transcript.text,
        sample_rate_fed=SAMPLE_RATE,
        channels_fed=CHANNELS,
        received=f"{CONTRACT_FORMAT} float32 in [-1, 1], converted from {source}",
        seconds_as_seen=audio.duration_s,
        processing_s=time.perf_counter() - started,
    )
    return side, audio, NativeAudio(native.sample_rate, native.channels, audio.duration_s, truncated)


def read_raw_stream(
    path: str | os.PathLike[str], mismatch: Mismatch, max_seconds: float | None = None
) -> tuple[np.ndarray, RawStream]:
    """The file's native blocks (at most `max_seconds`) turned into the raw stream for `mismatch`."""
    stream: RawStream | None = None
    parts: list[np.ndarray] = []
    limit: int | None = None
    for fmt, block in iter_native_blocks(path):
        if stream is None:
            stream = RawStream(mismatch, fmt.sample_rate, fmt.channels)
            limit = None if max_seconds is None else round(max_seconds * fmt.sample_rate)
        if limit is not None:
            block = block[: max(0, limit - stream.frames_in)]
        parts.append(stream.process(block))
        if limit is not None and stream.frames_in >= limit:
            break
    if stream is None or stream.frames_in == 0:
        raise DecodeError("contains no audio samples (zero-length audio)")
    parts.append(stream.flush())
    return np.concatenate(parts).astype(DTYPE, copy=False), stream


def _raw_side(
    path: str | os.PathLike[str],
    loaded: LoadedModel,
    mismatch: Mismatch,
    options: TranscribeOptions,
    max_seconds: float | None,
    cancel: threading.Event | None,
) -> tuple[DemoSide, np.ndarray]:
    """The broken path: native samples made raw for `mismatch`, fed through the demo's bypass."""
    started = time.perf_counter()
    raw, stream = read_raw_stream(path, mismatch, max_seconds)
    text = transcribe_raw(loaded, raw, options, cancel)
    side = DemoSide(
        text=text,
        sample_rate_fed=SAMPLE_RATE,  # what the model was told, whatever the samples really are
        channels_fed=CHANNELS,
        received=mismatch.received(stream.sample_rate, stream.channels),
        seconds_as_seen=raw.size / SAMPLE_RATE,
        processing_s=time.perf_counter() - started,
    )
    return side, raw


def run_file_demo(
    path: str | os.PathLike[str],
    loaded: LoadedModel,
    mismatch: Mismatch | str = Mismatch.INTERLEAVED,
    options: TranscribeOptions | None = None,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
    cancel: threading.Event | None = None,
) -> DemoResult:
    """Transcribe the first `max_seconds` of a file both ways and compare; raises the usual
    AudioError for unreadable files and TranscriptionCancelled when `cancel` is set."""
    mismatch = Mismatch(mismatch)
    options = options or TranscribeOptions()
    converted, audio, native = _converted_side(path, loaded, options, max_seconds, cancel)
    raw_side, raw = _raw_side(path, loaded, mismatch, options, max_seconds, cancel)
    picture = comparison_png(
        loaded.model.feature_extractor, audio.samples, raw, mismatch, native.sample_rate, native.channels
    )
    return DemoResult(
        source=str(path),
        mismatch=mismatch,
        native=native,
        converted=converted,
        raw=raw_side,
        wer_raw_vs_converted=raw_vs_converted_wer(converted.text, raw_side.text),
        spectrogram_png=picture,
    )
