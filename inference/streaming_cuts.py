"""Where the streaming buffer may be cut, where a phrase ends, and when Whisper stopped listening.

Pure functions of the VAD speech map (buffer-relative spans) and word times (session seconds),
so the policy is unit-tested without audio or a model.
"""

from __future__ import annotations

from collections.abc import Sequence

from inference.results import Word
from inference.streaming_vad import SpeechMap

PAUSE_CUT_MAX_S = 0.3  # a cut goes at most this far into a pause (keeps the next word's onset)
COMMITTED_SLACK_S = 0.2  # speech ending this close after the committed end counts as committed


def gaps(speech: SpeechMap, min_gap_s: float) -> list[tuple[float, float]]:
    """Silences of at least `min_gap_s` between speech spans (buffer-relative)."""
    return [
        (a_end, b_start)
        for (_, a_end), (b_start, _) in zip(speech.spans, speech.spans[1:], strict=False)
        if b_start - a_end >= min_gap_s
    ]


def safe_cuts(speech: SpeechMap, buffer_start: float, settled: float, min_gap_s: float) -> list[float]:
    """Session times inside pauses where all the speech before is already committed (`settled`).

    Cutting there loses no uncommitted word and never leaves a word fragment at the buffer start.
    """
    cuts = []
    for a, b in gaps(speech, min_gap_s):
        if buffer_start + a <= settled + COMMITTED_SLACK_S:
            cuts.append(buffer_start + a + min((b - a) / 2, PAUSE_CUT_MAX_S))
    trailing = speech.trailing_silence_s
    if speech.has_speech and trailing >= min_gap_s and buffer_start + speech.speech_end <= settled + COMMITTED_SLACK_S:
        cuts.append(buffer_start + speech.speech_end + min(trailing / 2, PAUSE_CUT_MAX_S))
    return cuts


def finalizing_pause(
    speech: SpeechMap, buffer_start: float, settled: float, min_pause_s: float
) -> tuple[float, float] | None:
    """The latest pause of at least `min_pause_s` (inside the buffer or at its end) that begins after
    `settled`: (start, end) in session time. Everything said before it can be committed at once."""
    found = None
    for a, b in gaps(speech, min_pause_s):
        if buffer_start + a > settled + 1e-6:
            found = (buffer_start + a, buffer_start + b)
    if speech.has_speech and speech.trailing_silence_s >= min_pause_s and buffer_start + speech.speech_end > settled:
        found = (buffer_start + speech.speech_end, buffer_start + speech.duration_s)
    return found


def split_at(words: Sequence[Word], time_s: float) -> tuple[list[Word], list[Word]]:
    """Words whose middle lies before `time_s`, and the rest."""
    before = [w for w in words if (w.start + w.end) / 2 < time_s]
    return before, list(words[len(before) :])


def speech_between(speech: SpeechMap, buffer_start: float, start: float, end: float) -> float:
    """Seconds of VAD speech between two session times."""
    lo, hi = start - buffer_start, end - buffer_start
    return sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in speech.spans)


def stall_point(
    words: Sequence[Word], speech: SpeechMap, buffer_start: float, heard_from: float, stall_s: float, skip_s: float
) -> float | None:
    """Where a hypothesis stopped following the speech, or None.

    Whisper sometimes ends its output early (a finished sentence earlier in the buffer, then
    nothing for the new speech), or jumps over a stretch of speech. Either way, more than
    `stall_s` of speech after the last word, or `skip_s` of speech between two words, is unheard.
    """
    previous_end = heard_from
    for word in words:
        if (
            word.start - previous_end > skip_s
            and speech_between(speech, buffer_start, previous_end, word.start) > skip_s
        ):
            return previous_end
        previous_end = max(previous_end, word.end)
    buffer_end = buffer_start + speech.duration_s
    if speech_between(speech, buffer_start, previous_end, buffer_end) > stall_s:
        return previous_end
    return None
