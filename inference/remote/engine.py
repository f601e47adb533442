"""A server as a live session's engine: each step's buffer goes up as contract audio, words come back.

The streaming policy is the same as on the local model (inference/streaming.py); only the call
differs. The server's own settings (beam, VAD, encoder window) rule its decoding, which the
OpenAI API does not carry. The request asks for word timestamps, which LocalAgreement needs;
a server that gives none (faster-whisper-server 0.0.3, whisper.cpp without `-owts`) gets its
segment's words spread over the segment's time by their length: agreement compares words, so
commits still work, and the times are only as good as the segment's.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import replace

from audio.contract import PcmAudio
from inference.engine import Engine
from inference.options import TranscribeOptions
from inference.remote.client import run_server
from inference.remote.server import RemoteServer
from inference.results import Segment, Word

ENGLISH_ONLY_SUFFIX = ".en"  # tiny.en, Systran/faster-whisper-base.en: Whisper's English-only models


def spread_words(segment: Segment) -> Segment:
    """The segment with word times: its own when it has them, else its text's words spread over its span
    by their length (each with the segment's mean token probability)."""
    pieces = segment.text.split()
    if segment.words or not pieces:
        return segment
    probability = math.exp(segment.avg_logprob) if segment.avg_logprob else 0.0
    weights = [len(piece) + 1 for piece in pieces]  # the space before each word takes time too
    span, total = segment.end - segment.start, sum(weights)
    words, start, done = [], segment.start, 0
    for piece, weight in zip(pieces, weights, strict=True):
        done += weight
        end = segment.start + span * done / total
        words.append(Word(start, end, f" {piece}", probability))
        start = end
    return replace(segment, words=tuple(words))


def remote_engine(server: RemoteServer, multilingual: bool | None = None) -> Engine:
    """`server` as an Engine; multilingual unless said otherwise or the model's name ends in .en."""
    if multilingual is None:
        multilingual = not server.model.lower().endswith(ENGLISH_ONLY_SUFFIX)

    def run(
        audio: PcmAudio, options: TranscribeOptions, cancel: threading.Event | None = None
    ) -> tuple[Iterator[Segment], str, float]:
        segments, language, probability = run_server(server, audio, options, cancel)
        return (spread_words(s) for s in segments), language, probability

    return Engine(f"server {server.display} ({server.model})", multilingual, run, remote=True)
