"""A server's transcription reply as the engine's own Segment and Word values.

`verbose_json` holds segments with their times and, where the server offers word timestamps,
words: OpenAI puts them in a top-level `words` list, faster-whisper servers (speaches) also inside
each segment. A server that only answers `{"text": ...}` gives one segment over the whole audio.
OpenAI's words carry no probability; such a word gets its segment's mean token probability
(exp of `avg_logprob`), or 0.0 when the segment has none either: never a made-up certainty.
OpenAI's words also come bare ("Ask", "you"): they get back the space before them and the punctuation
after them from the segment's text (" Ask", " you."), as Whisper writes its words, so words joined
into a live transcript read as the text does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inference.results import Segment, Word


class ReplyError(ValueError):
    """A reply that is not the JSON a transcription endpoint gives; the message says what is wrong."""


@dataclass(frozen=True)
class Reply:
    """What the server heard in one upload (times in seconds from the upload's start)."""

    segments: tuple[Segment, ...]
    language: str | None
    language_probability: float | None


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ReplyError(f"{name} is not a number: {value!r}"[:120])
    return float(value)


def _optional_number(item: Mapping, key: str, default: float = 0.0) -> float:
    value = item.get(key)
    return default if value is None else _number(value, key)


def _word(item: object, fallback_probability: float) -> Word:
    if not isinstance(item, Mapping) or not isinstance(item.get("word", item.get("text")), str):
        raise ReplyError(f"a word is not an object with a 'word' text: {item!r}"[:120])
    text = item.get("word", item.get("text"))
    start, end = _number(item.get("start"), "word start"), _number(item.get("end"), "word end")
    probability = _optional_number(item, "probability", fallback_probability)
    return Word(start, max(start, end), str(text), probability)


_OPENING = " \t\n\"'“‘(¿¡«["  # what may stand between two words besides spaces: opening quotes and brackets


def _surface(words: list[Word], text: str) -> list[Word]:
    """Bare words as Whisper writes them: each with the text's gap before it and the punctuation after it.
    Words that already carry their spaces are kept; a word the text does not hold (in that order) gets a
    space."""
    if not words or any(w.text[:1].isspace() for w in words):
        return words
    out, at = [], 0
    for word in words:
        found = text.find(word.text, at) if word.text else -1
        if found < 0 or text[at:found].strip(_OPENING):
            out.append(Word(word.start, word.end, f" {word.text.strip()}", word.probability))
            continue
        end = found + len(word.text)
        while end < len(text) and not text[end].isspace() and not text[end].isalnum():
            end += 1
        gap = text[at:found]
        lead = f" {gap.strip()}" if gap or at == 0 else ""  # words the text writes together (Chinese) stay so
        out.append(Word(word.start, word.end, lead + text[found:end], word.probability))
        at = end
    return out


def _inside(word: Word, low: float, high: float) -> Word:
    """A word clamped into its segment, as the local engine's words are."""
    start = min(max(word.start, low), high)
    return Word(start, min(max(word.end, start), high), word.text, word.probability)


def _mean_probability(item: Mapping) -> float:
    value = item.get("avg_logprob")
    return math.exp(_number(value, "avg_logprob")) if value is not None else 0.0


def _segment(item: object, words: Sequence[object]) -> Segment:
    if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
        raise ReplyError(f"a segment is not an object with a 'text': {item!r}"[:120])
    start, end = _number(item.get("start"), "segment start"), _number(item.get("end"), "segment end")
    end = max(start, end)
    fallback = _mean_probability(item)
    own = item.get("words") or words
    if not isinstance(own, Sequence):
        raise ReplyError("a segment's words are not a list")
    return Segment(
        start=start,
        end=end,
        text=item["text"],
        words=tuple(_surface([_inside(_word(w, fallback), start, end) for w in own], item["text"])),
        avg_logprob=_optional_number(item, "avg_logprob"),
        no_speech_prob=_optional_number(item, "no_speech_prob"),
        compression_ratio=_optional_number(item, "compression_ratio"),
    )


def _midpoint(item: object) -> float:
    if not isinstance(item, Mapping):
        raise ReplyError(f"a word is not an object: {item!r}"[:120])
    return (_number(item.get("start"), "word start") + _number(item.get("end"), "word end")) / 2


def _share_words(segments: Sequence[Mapping], words: Sequence[object]) -> list[list[object]]:
    """Top-level words given to the segment whose time holds their middle (else the nearest one)."""
    shares: list[list[object]] = [[] for _ in segments]
    bounds = [(_number(s.get("start"), "segment start"), _number(s.get("end"), "segment end")) for s in segments]
    for word in words:
        middle = _midpoint(word)
        nearest = min(range(len(bounds)), key=lambda i: max(bounds[i][0] - middle, middle - bounds[i][1], 0.0))
        shares[nearest].append(word)
    return shares


def parse_reply(body: bytes, duration_s: float) -> Reply:
    """The reply body as segments; `duration_s` (the upload's length) times a text-only reply.

    Raises ReplyError for anything but a JSON object with a text or segments.
    """
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReplyError(f"the reply is not JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if not isinstance(data, Mapping):
        raise ReplyError(f"the reply is JSON but not an object: {str(data)[:80]!r}")
    raw_segments = data.get("segments")
    language = data.get("language") if isinstance(data.get("language"), str) else None
    probability = data.get("language_probability")
    probability = _number(probability, "language_probability") if probability is not None else None
    if raw_segments is None:
        text = data.get("text")
        if not isinstance(text, str):
            raise ReplyError("the reply has neither 'segments' nor 'text'")
        segments = (Segment(0.0, duration_s, text),) if text.strip() else ()
        return Reply(segments, language, probability)
    if not isinstance(raw_segments, list) or not all(isinstance(s, Mapping) for s in raw_segments):
        raise ReplyError("the reply's 'segments' is not a list of objects")
    words = data.get("words") or []
    if not isinstance(words, list):
        raise ReplyError("the reply's 'words' is not a list")
    shares = _share_words(raw_segments, words) if words and raw_segments else [[] for _ in raw_segments]
    return Reply(tuple(_segment(s, w) for s, w in zip(raw_segments, shares, strict=True)), language, probability)
