"""End-of-utterance latency (app/bench/utterance_ends.py): where the VAD puts each utterance's speech end in
a real session file, and which commit finishes each utterance."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bench.live_corpus import CorpusPart, build_session
from app.bench.utterance_ends import speech_ends, utterance_end_latencies
from audio.decode import decode_to_contract

PARTS = (CorpusPart("a", 1.0, 3.0, "a"), CorpusPart("b", 4.0, 6.0, "b"), CorpusPart("c", 7.0, 8.0, "c"))


def test_the_last_commit_holding_an_utterance_ends_it() -> None:
    """A commit counts for every utterance whose speech it holds (one spanning the pause for both); one that
    starts after an utterance's speech end is not that utterance's; an utterance nothing was committed for
    is left out, not counted as instant."""
    commits = [
        (1.0, 2.0, 0.5),  # out at 2.5
        (2.0, 2.7, 0.6),  # out at 3.3
        (2.6, 4.5, 0.3),  # a's last word and b's first, out at 4.8
        (3.2, 3.5, 2.0),  # a stray word in the pause, out at 5.5: neither's
        (3.9, 4.3, 2.5),  # b's first word, timed early into the pause, out at 6.8
        (4.5, 5.7, 0.9),  # out at 6.6
    ]
    latencies = utterance_end_latencies(commits, PARTS, [2.8, 5.7, 7.9])
    assert latencies == pytest.approx([4.8 - 2.8, 6.8 - 5.7])


def test_speech_ends_fall_at_the_end_of_each_utterance_s_speech(utterance, tmp_path: Path) -> None:
    """On real speech written as a 44.1 kHz stereo session: each end lies inside its utterance, after most
    of it, where the speech stops: the audio just before it is voiced, the audio after it quiet (the
    LibriSpeech file ends in 0.4 s of silence, which is not speech)."""
    names = ["ljspeech_LJ001-0006.wav", "librispeech_test-clean_1089-134686-0001.flac"]
    corpus = build_session([utterance(name) for name in names], tmp_path / "s.wav", 44100, 2, gap_s=1.0)
    samples = decode_to_contract(corpus.path)[0].samples
    ends = speech_ends(samples, corpus.parts)
    for part, end in zip(corpus.parts, ends, strict=True):
        assert part.start_s + 0.8 * (part.end_s - part.start_s) < end <= part.end_s, (part, end)
        before = samples[round((end - 0.2) * 16000) : round(end * 16000)]
        assert float(abs(before).max()) > 0.02, (part.name, end)
        after = samples[round(end * 16000) + 1600 : round((part.end_s + 0.9) * 16000)]  # 0.1 s on, into the gap
        assert float(abs(after).max()) < 0.1, (part.name, end)


@pytest.mark.model
def test_a_real_time_replay_reports_its_end_of_utterance(utterance, tiny_model, tmp_path: Path) -> None:
    """`bench live`'s row for ours on one utterance in real time: its end of utterance is measured, at least
    the VAD's 0.1 s of silence after the speech end, and well before the file's end 2 s after the speech
    (a session that only committed the phrase at its end would give 2.4 s or more)."""
    from app.bench.live import run_live
    from inference.streaming import StreamingOptions

    corpus = build_session([utterance("ljspeech_LJ001-0006.wav")], tmp_path / "s.wav", 44100, 2, gap_s=2.0)
    ends = speech_ends(decode_to_contract(corpus.path)[0].samples, corpus.parts)
    row = run_live(tiny_model, corpus, StreamingOptions(), "ours", ends)
    assert row.wer < 0.15
    assert row.utterance_end_median_s is not None and 0.1 < row.utterance_end_median_s < 1.8
    assert row.utterance_end_p95_s == row.utterance_end_median_s  # one utterance
