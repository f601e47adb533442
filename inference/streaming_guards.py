"""Guards against Whisper's known failures on live audio, applied to each hypothesis.

- Hallucination on silence: segments the model itself thinks are not speech (high
  no_speech_prob with low avg_logprob), looping segments (high compression ratio), and words
  that fall where the VAD heard no speech are dropped.
- Loops inside a hypothesis: cut by streaming_words.cut_repetition, and a whole phrase said again
  faster than speech by streaming_words.cut_rushed_repeat.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from inference.results import SENTENCE_END, Segment, Word
from inference.streaming_vad import SpeechMap
from inference.streaming_words import cut_repetition, cut_rushed_repeat, normalize_word


@dataclass(frozen=True)
class GuardOptions:
    """Thresholds; the same meaning as Whisper's own (None turns a guard off)."""

    no_speech_threshold: float | None = 0.6
    log_prob_threshold: float | None = -1.0
    compression_ratio_threshold: float | None = 2.4
    max_repeats: int | None = 2  # consecutive repeats of one n-gram allowed in a hypothesis
    rushed_repeat_words: int | None = 6  # a phrase this long said again in under 0.15 s a word is a loop
    speech_margin_s: float | None = 0.3  # words this far from any VAD speech are dropped
    new_sentence_min_prob: float | None = 0.1  # an unlikely word after a full stop starts a hallucination


def keep_segment(segment: Segment, guards: GuardOptions) -> bool:
    """False for segments that look like hallucination or a decoding loop."""
    if (
        guards.compression_ratio_threshold is not None
        and segment.compression_ratio > guards.compression_ratio_threshold
    ):
        return False
    if guards.no_speech_threshold is not None and segment.no_speech_prob > guards.no_speech_threshold:
        return guards.log_prob_threshold is not None and segment.avg_logprob >= guards.log_prob_threshold
    return True


def hypothesis_words(
    segments: Iterable[Segment], offset_s: float, guards: GuardOptions, speech: SpeechMap | None = None
) -> tuple[list[Word], list[float]]:
    """Words of the kept segments in session time, and the kept segments' end times.

    `offset_s` is the session time of the buffer start; `speech` (buffer-relative spans)
    removes words the VAD did not hear.
    """
    words: list[Word] = []
    ends: list[float] = []
    for segment in segments:
        if not keep_segment(segment, guards):
            continue
        for w in segment.words:
            if not normalize_word(w.text):  # empty or punctuation alone ('.', '...')
                continue
            if (
                speech is not None
                and guards.speech_margin_s is not None
                and not speech.overlaps_speech(w.start, w.end, guards.speech_margin_s)
            ):
                continue
            words.append(replace(w, start=float(w.start + offset_s), end=float(w.end + offset_s)))
        ends.append(float(segment.end + offset_s))
    if guards.max_repeats is not None:
        words = cut_repetition(words, guards.max_repeats)
    if guards.rushed_repeat_words is not None:
        words = cut_rushed_repeat(words, guards.rushed_repeat_words)
    if guards.new_sentence_min_prob is not None:
        words = cut_unlikely_sentence(words, guards.new_sentence_min_prob)
    return words, ends


def cut_unlikely_sentence(words: list[Word], min_prob: float) -> list[Word]:
    """Cut where a sentence starts with a word the model itself doubts.

    Whisper's classic hallucinations on trailing audio ('Thank you.', 'As always, we'll see
    you next time.') begin right after a full stop with a near-zero probability first word,
    then continue confidently.
    """
    for i in range(1, len(words)):
        if words[i - 1].text.rstrip().endswith(SENTENCE_END) and words[i].probability < min_prob:
            return words[:i]
    return words
