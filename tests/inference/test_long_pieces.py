"""Long audio in pieces: cuts land in quiet places, the pieces cover the audio once, segments and words
come out in order with times in the whole recording, and a short file stays one engine call."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.services.wer import wer
from audio.constants import SAMPLE_RATE
from audio.contract import PcmAudio
from audio.decode import decode_to_contract
from inference import transcribe as transcribe_module
from inference.options import TranscribeOptions
from inference.transcribe import pieces, quietest_point, transcribe

GAP_S = 0.5


def piece_bounds(samples: np.ndarray, block_s: float | None = None) -> list[tuple[int, int]]:
    """(start, end) of the pieces `samples` is cut into, fed whole or in blocks of `block_s` seconds."""
    step = round(block_s * SAMPLE_RATE) if block_s else max(1, samples.size)
    blocks = (samples[i : i + step] for i in range(0, samples.size, step))
    return [(start, start + piece.size) for start, piece in pieces(blocks)]


def test_quietest_point_finds_the_pause():
    """A 0.5 s pause in loud noise is where the cut goes."""
    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.3, 10 * SAMPLE_RATE).astype(np.float32)
    samples[6 * SAMPLE_RATE : round(6.5 * SAMPLE_RATE)] = 0.0
    cut = quietest_point(samples)
    assert 6 * SAMPLE_RATE < cut < 6.5 * SAMPLE_RATE


def test_bounds_cover_the_audio_once(monkeypatch):
    """Pieces are contiguous, start at 0, end at the last sample, each near PIECE_S long, the same whole
    or fed in blocks; short audio is one piece."""
    monkeypatch.setattr(transcribe_module, "PIECE_S", 10.0)
    monkeypatch.setattr(transcribe_module, "CUT_SEARCH_S", 2.0)
    samples = np.random.default_rng(1).normal(0, 0.1, 47 * SAMPLE_RATE).astype(np.float32)
    bounds = piece_bounds(samples)
    assert bounds[0][0] == 0 and bounds[-1][1] == samples.size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(8 * SAMPLE_RATE <= end - start <= 12 * SAMPLE_RATE for start, end in bounds)
    assert piece_bounds(samples[: 12 * SAMPLE_RATE]) == [(0, 12 * SAMPLE_RATE)]
    assert piece_bounds(samples, block_s=0.37) == bounds  # a file decoded block by block is cut the same way


@pytest.fixture(scope="module")
def joined(english) -> tuple[PcmAudio, str]:
    """LibriSpeech utterances joined with 0.5 s pauses (about 70 s) and the reference."""
    gap = np.zeros(round(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts = []
    for row in [u for u in english if u.is_librispeech]:
        parts += [decode_to_contract(row.path)[0].samples, gap]
    reference = " ".join(u.reference for u in english if u.is_librispeech)
    return PcmAudio(np.concatenate(parts), SAMPLE_RATE, 1), reference


@pytest.mark.model
def test_pieces_give_one_ordered_transcript(monkeypatch, tiny_model, joined):
    """With 20 s pieces, the cuts fall in the pauses between utterances, segments and words are ordered
    and inside the audio, and the text still reads as the speech."""
    audio, reference = joined
    monkeypatch.setattr(transcribe_module, "PIECE_S", 20.0)
    monkeypatch.setattr(transcribe_module, "CUT_SEARCH_S", 8.0)
    bounds = piece_bounds(audio.samples)
    assert len(bounds) >= 3
    speech_rms = float(np.sqrt(np.mean(np.square(audio.samples))))
    half = round(0.1 * SAMPLE_RATE)
    for _, cut in bounds[:-1]:  # a cut sits in a pause: a pause between files or a file's own leading silence
        around = audio.samples[cut - half : cut + half]
        assert float(np.sqrt(np.mean(np.square(around)))) < 0.03 * speech_rms, cut / SAMPLE_RATE
    seen = []
    transcript = transcribe(tiny_model, audio, TranscribeOptions(temperature=(0.0,)), progress=seen.append)
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts) and transcript.segments[-1].end <= audio.duration_s + 0.1
    assert transcript.segments[-1].start > bounds[-1][0] / SAMPLE_RATE  # the last piece's times are offset
    words = [w for s in transcript.segments for w in s.words]
    assert all(s.start <= w.start <= w.end <= s.end for s in transcript.segments for w in s.words)
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert wer(reference, transcript.text) < 0.1, transcript.text


@pytest.mark.model
def test_a_long_file_is_transcribed_while_it_is_decoded(monkeypatch, tiny_model, joined, tmp_path):
    """A file longer than a piece never goes through decode_to_contract (never whole in memory): its
    pieces are transcribed as the decoder delivers them, with the file's duration and ordered times."""
    from app.services import file_jobs
    from tests.media import write_audio

    audio, reference = joined
    path = write_audio(tmp_path / "long.flac", audio.samples, SAMPLE_RATE)
    monkeypatch.setattr(transcribe_module, "PIECE_S", 20.0)
    monkeypatch.setattr(transcribe_module, "CUT_SEARCH_S", 8.0)
    monkeypatch.setattr(file_jobs, "decode_to_contract", lambda *a, **k: pytest.fail("decoded whole"))
    seen = []
    result = file_jobs.transcribe_file(path, tiny_model, TranscribeOptions(temperature=(0.0,)), progress=seen.append)
    assert result.transcript.duration_s == pytest.approx(audio.duration_s, abs=0.01)
    starts = [s.start for s in result.transcript.segments]
    assert starts == sorted(starts) and starts[-1] > 40
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3
    assert wer(reference, result.transcript.text) < 0.1, result.transcript.text
