"""Whole audio through a server (real socket on 127.0.0.1): long audio goes up in the same pieces as
local transcription, times come back shifted to the whole file, the first piece's language is kept."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.contract import PcmAudio
from inference.errors import TranscriptionCancelled
from inference.options import TranscribeOptions
from inference.remote.server import RemoteServer
from inference.remote.transcribe import transcribe_remote, transcribe_remote_blocks
from inference.transcribe import PIECE_S, in_pieces
from tests.remote_http import json_answer, scripted_server, silent_server, stalled_reply_server, verbose_json

LONG_S = 340.0  # seconds: over PIECE_S plus the cut search, so two pieces


def piece_reply(request, number):
    """One segment over the whole upload, named after the request's number."""
    samples = request.decoded()[0]
    return json_answer(verbose_json(f" piece {number}.", samples.size / SAMPLE_RATE, words=False))


def test_long_audio_goes_up_in_pieces_with_shifted_times():
    """340 s of audio: two uploads that together hold every sample once; the second reply's segment
    starts where the first piece ended, and the second request asks for the first piece's language."""
    assert in_pieces(LONG_S)
    rng = np.random.default_rng(7)
    samples = (0.01 * rng.standard_normal(round(LONG_S * SAMPLE_RATE))).astype(np.float32)
    blocks = [samples[i : i + SAMPLE_RATE] for i in range(0, samples.size, SAMPLE_RATE)]
    seen: list[float] = []
    with scripted_server(piece_reply) as server:
        transcript = transcribe_remote_blocks(RemoteServer(server.url), blocks, LONG_S, progress=seen.append)
    first, second = server.requests
    sizes = [first.decoded()[0].size, second.decoded()[0].size]
    assert sum(sizes) == samples.size and PIECE_S - 30 <= sizes[0] / SAMPLE_RATE <= PIECE_S
    assert first.field("language") == [] and second.field("language") == ["en"]
    assert [s.text for s in transcript.segments] == [" piece 0.", " piece 1."]
    assert transcript.segments[1].start == pytest.approx(sizes[0] / SAMPLE_RATE)
    assert transcript.segments[1].end == pytest.approx(LONG_S)
    assert transcript.duration_s == pytest.approx(LONG_S) and transcript.text == "piece 0. piece 1."
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_cancel_stops_before_the_next_request():
    """A set cancel event raises TranscriptionCancelled and nothing more is sent."""
    cancel = threading.Event()
    cancel.set()
    audio = PcmAudio(np.zeros(SAMPLE_RATE, np.float32), SAMPLE_RATE, 1)
    with scripted_server(piece_reply) as server, pytest.raises(TranscriptionCancelled):
        transcribe_remote(RemoteServer(server.url), audio, TranscribeOptions(), cancel=cancel)
    assert server.requests == []


def seconds_until_cancelled(url: str, cancel_after_s: float) -> float:
    """Transcribe 1 s on the server at `url` (30 s time-out), cancel after `cancel_after_s`; the seconds it took
    to end in TranscriptionCancelled."""
    cancel = threading.Event()
    audio = PcmAudio(np.zeros(SAMPLE_RATE, np.float32), SAMPLE_RATE, 1)
    timer = threading.Timer(cancel_after_s, cancel.set)
    started = time.monotonic()
    timer.start()
    with pytest.raises(TranscriptionCancelled):
        transcribe_remote(RemoteServer(url, timeout_s=30.0), audio, TranscribeOptions(), cancel=cancel)
    return time.monotonic() - started


def test_cancel_ends_a_request_that_waits_for_its_reply():
    """A server that accepts and never answers: cancelling half a second in ends the wait at once
    (TranscriptionCancelled, not the 30 s time-out and not a ServerError), with the socket closed."""
    with silent_server() as url:
        waited = seconds_until_cancelled(url, cancel_after_s=0.5)
    assert 0.5 <= waited < 2.0, waited


def test_cancel_while_a_reply_without_length_is_read_is_a_cancel_not_a_bad_reply():
    """A reply without Content-Length is read until the connection closes; cancelling while it trickles
    closes our end, so the read returns the part that came. That is the user's cancel, not a server
    sending invalid JSON (which would count against the server and could move the session off it)."""
    with stalled_reply_server() as url:
        waited = seconds_until_cancelled(url, cancel_after_s=0.5)
    assert 0.5 <= waited < 2.0, waited
