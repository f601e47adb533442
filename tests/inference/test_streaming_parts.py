"""The streaming buffer, capture clock, VAD speech map and hallucination guards, without a model."""

from __future__ import annotations

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE, seconds_to_samples
from inference.results import Segment, Word
from inference.streaming_buffer import AudioBuffer, CaptureClock
from inference.streaming_guards import GuardOptions, cut_unlikely_sentence, hypothesis_words, keep_segment
from inference.streaming_vad import SpeechMap, analyze


def test_audio_buffer_appends_trims_and_keeps_session_time():
    """Trimming moves the start in session time; the kept samples are the latest ones, in order."""
    buf = AudioBuffer(capacity_s=1.0)
    data = np.arange(seconds_to_samples(3.0), dtype=np.float32) / 1e6
    for chunk in np.array_split(data, 37):
        buf.append(chunk)
    assert buf.duration_s == pytest.approx(3.0)
    buf.trim_to(1.25)
    assert buf.start_s == pytest.approx(1.25)
    assert np.array_equal(buf.samples, data[seconds_to_samples(1.25) :])
    buf.append(data[:10])
    assert buf.end_s == pytest.approx(3.0 + 10 / SAMPLE_RATE)
    assert buf.trim_to(-5.0) == pytest.approx(1.25)  # never moves backwards


def test_audio_buffer_memory_stays_bounded_when_trimmed():
    """An hour of audio fed and trimmed keeps the backing array small."""
    buf = AudioBuffer(capacity_s=2.0)
    block = np.zeros(seconds_to_samples(0.5), dtype=np.float32)
    for _ in range(7200):
        buf.append(block)
        buf.trim_to(buf.end_s - 5.0)
    assert buf.duration_s == pytest.approx(5.0)
    assert buf._data.size <= seconds_to_samples(20.0)


def test_capture_clock_interpolates_between_marks():
    """Audio time maps back to capture wall time at the audio rate; beyond the last mark, the last mark."""
    clock = CaptureClock()
    clock.mark(1.0, 100.0)
    clock.mark(2.0, 101.5)  # captured late: wall time moves faster than audio here
    assert clock.wall_time(0.5) == pytest.approx(99.5)
    assert clock.wall_time(1.75) == pytest.approx(101.25)
    assert clock.wall_time(9.0) == pytest.approx(101.5)
    clock.prune(1.9)
    assert clock.wall_time(1.75) == pytest.approx(101.25)


def test_speech_map_measures_trailing_silence_and_pauses():
    """Trailing silence, pause midpoints and speech overlap come from the spans."""
    speech = SpeechMap(((0.5, 2.0), (2.6, 4.0)), duration_s=5.0)
    assert speech.has_speech and speech.speech_end == 4.0
    assert speech.trailing_silence_s == pytest.approx(1.0)
    assert speech.pauses(min_gap_s=0.5) == [pytest.approx(2.3)]
    assert speech.pauses(min_gap_s=0.7) == []
    assert speech.overlaps_speech(2.1, 2.5, margin_s=0.2)
    assert not speech.overlaps_speech(4.4, 4.9, margin_s=0.3)
    assert SpeechMap((), 3.0).trailing_silence_s == 3.0


@pytest.mark.model
def test_silero_hears_speech_and_not_silence(utterance):
    """The Silero detector finds speech in a real recording and none in low noise."""
    from audio.decode import decode_to_contract
    from inference.streaming_vad import silero_detector

    detect = silero_detector()
    audio, _ = decode_to_contract(utterance("librispeech_test-clean_1089-134686-0001.flac").path)
    assert analyze(audio.samples, detect).has_speech
    noise = np.random.default_rng(0).normal(0, 1e-3, seconds_to_samples(3.0)).astype(np.float32)
    assert not analyze(noise, detect).has_speech


def seg(words: list[Word], **kwargs) -> Segment:
    return Segment(words[0].start, words[-1].end, "".join(w.text for w in words), tuple(words), **kwargs)


def test_keep_segment_drops_silence_and_loops():
    """no_speech with low log-prob, and a high compression ratio, mark a segment as hallucinated."""
    guards = GuardOptions()
    words = [Word(0, 1, " hi", 0.9)]
    assert keep_segment(seg(words, avg_logprob=-0.3, no_speech_prob=0.1, compression_ratio=1.2), guards)
    assert not keep_segment(seg(words, avg_logprob=-1.5, no_speech_prob=0.9, compression_ratio=1.2), guards)
    assert keep_segment(seg(words, avg_logprob=-0.2, no_speech_prob=0.9, compression_ratio=1.2), guards)
    assert not keep_segment(seg(words, avg_logprob=-0.3, no_speech_prob=0.1, compression_ratio=3.1), guards)


def test_hypothesis_words_offsets_and_filters():
    """Words get session times; punctuation-only words and words where the VAD heard nothing are dropped."""
    words = [
        Word(0.0, 0.4, " Hello", 0.9),
        Word(0.4, 0.5, " .", 0.9),
        Word(0.5, 0.9, " world.", 0.9),
        Word(3.0, 3.3, " Thanks", 0.9),
    ]
    speech = SpeechMap(((0.0, 1.0),), 4.0)
    got, ends = hypothesis_words([seg(words)], offset_s=10.0, guards=GuardOptions(), speech=speech)
    assert [w.text for w in got] == [" Hello", " world."]
    assert got[0].start == pytest.approx(10.0)
    assert ends == [pytest.approx(13.3)]


def test_unlikely_word_after_full_stop_cuts_the_hallucinated_tail():
    """'modern. Thank you.' with a near-zero 'Thank' keeps only 'modern.'."""
    words = [Word(0, 0.5, " modern.", 0.98), Word(0.5, 0.6, " Thank", 0.01), Word(0.6, 0.7, " you.", 0.98)]
    assert [w.text for w in cut_unlikely_sentence(words, 0.1)] == [" modern."]
    confident = [Word(0, 0.5, " modern.", 0.98), Word(0.5, 0.9, " Then", 0.8)]
    assert len(cut_unlikely_sentence(confident, 0.1)) == 2
