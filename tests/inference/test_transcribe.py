"""Whole-buffer transcription: segments with word timestamps, progress to 1.0, cancellation keeps what was done."""

from __future__ import annotations

import threading

import pytest

from app.services.wer import wer
from audio.decode import decode_to_contract
from inference.errors import TranscriptionCancelled
from inference.options import TranscribeOptions
from inference.results import Segment
from inference.transcribe import transcribe

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def long_audio(audio_dir):
    """The 49 s LJ Speech recording: long enough for several segments."""
    audio, _ = decode_to_contract(audio_dir / "long_ljspeech_LJ023-0051_to_LJ023-0058.mp3")
    return audio


def test_segments_have_ordered_word_timestamps(tiny_model, utterance):
    """Segments and their words carry times inside the audio, in order, with text matching the reference."""
    row = utterance("librispeech_test-clean_1089-134686-0000.flac")
    audio, _ = decode_to_contract(row.path)
    transcript = transcribe(tiny_model, audio)
    assert transcript.language == "en"
    assert transcript.duration_s == pytest.approx(row.duration_s, abs=0.01)
    assert wer(row.reference, transcript.text) < 0.2
    words = [w for s in transcript.segments for w in s.words]
    assert words, "word timestamps are on by default"
    assert all(0 <= w.start <= w.end <= audio.duration_s + 0.5 for w in words)
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert transcript.text == " ".join(s.text.strip() for s in transcript.segments)


def test_progress_rises_to_one(tiny_model, long_audio):
    """Progress reports fractions of audio done, non-decreasing, ending at exactly 1.0."""
    seen: list[float] = []
    transcribe(tiny_model, long_audio, TranscribeOptions(beam_size=1), progress=seen.append)
    assert len(seen) >= 3
    assert seen == sorted(seen)
    assert all(0 <= f <= 1 for f in seen)
    assert seen[-1] == 1.0


def test_cancel_stops_and_keeps_finished_segments(tiny_model, long_audio):
    """Setting the event after the first segment raises TranscriptionCancelled; that segment was delivered."""
    cancel = threading.Event()
    delivered: list[Segment] = []

    def on_segment(segment: Segment) -> None:
        delivered.append(segment)
        cancel.set()

    with pytest.raises(TranscriptionCancelled):
        transcribe(tiny_model, long_audio, TranscribeOptions(beam_size=1), cancel=cancel, on_segment=on_segment)
    assert len(delivered) == 1
    assert delivered[0].end < long_audio.duration_s - 5  # stopped early, not at the end


def test_cancel_before_start_decodes_nothing(tiny_model, long_audio):
    """An already-set cancel event stops before the first segment is kept."""
    cancel = threading.Event()
    cancel.set()
    delivered: list[Segment] = []
    with pytest.raises(TranscriptionCancelled):
        transcribe(tiny_model, long_audio, cancel=cancel, on_segment=delivered.append)
    assert delivered == []
