"""Word-level streaming policy, free of models and audio so it is unit-tested with fake hypotheses.

- LocalAgreement-n (as in whisper_streaming): a word is committed once n consecutive hypotheses
  agree on it, i.e. the longest common prefix of the last hypotheses beyond the committed text.
- Buffer-edge guards: hypothesis words that start before the committed end are dropped, and an
  n-gram at the head of a hypothesis that repeats the committed tail is removed.
- Repetition guard: a hypothesis that loops on an n-gram is cut where the loop starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from inference.results import Segment, Word

_EDGE_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")


def normalize_word(text: str) -> str:
    """Comparison key of a word: lower case without surrounding punctuation ('Hello,' == 'hello')."""
    return _EDGE_PUNCT.sub("", text.strip().lower())


def words_text(words: Sequence[Word]) -> str:
    """Words joined as Whisper spells them (each word carries its own leading space)."""
    return "".join(w.text for w in words).strip()


def agreed_prefix(*hypotheses: Sequence[Word]) -> int:
    """Length of the longest common prefix (by normalized text) of all hypotheses."""
    if not hypotheses:
        return 0
    count = 0
    for column in zip(*hypotheses, strict=False):
        key = normalize_word(column[0].text)
        if any(normalize_word(w.text) != key for w in column[1:]):
            break
        count += 1
    return count


def committed_split(words: Sequence[Word], committed: Sequence[Word], max_ngram: int = 3, slack: int = 2) -> int | None:
    """Where the commits end in a hypothesis that re-heard them: after a head repeating all of them, or
    after the latest repeat of their last 3 (else 2) words among its first len(committed)+slack words (the
    model may have heard the older words differently); None when it repeats neither."""
    count = agreed_prefix(committed, words)
    if count == len(committed):
        return count
    keys, done = [normalize_word(w.text) for w in words], [normalize_word(w.text) for w in committed]
    for n in range(min(max_ngram, len(done)), 1 if len(done) > 1 else 0, -1):
        tail = done[-n:]
        for j in range(min(len(keys), len(done) + slack), n - 1, -1):
            if keys[j - n : j] == tail:
                return j
    return None


def after_commits(words: Sequence[Word], committed: Sequence[Word], min_word_s: float = 0.1) -> list[Word]:
    """A hypothesis whose word times may be guesses (a server without word timestamps) made consistent
    with the commits in its buffer: the words up to where it repeats the commits (`committed_split`)
    end by the committed end, and the rest is stretched to start there; with no repeat it is kept as is.

    With guessed times a committed word can seem to end after the committed end (and be committed
    twice) or a new one before it (and be dropped); the committed words' own text decides instead.
    """
    split = committed_split(words, committed) if committed else None
    if split is None:
        return list(words)
    end = committed[-1].end
    if split == len(committed) and agreed_prefix(committed, words) == split:
        head = [replace(w, start=c.start, end=c.end) for w, c in zip(words[:split], committed, strict=False)]
    else:
        head = [replace(w, start=min(w.start, end), end=min(w.end, end)) for w in words[:split]]
    rest = list(words[split:])
    if not rest or rest[0].start >= end:
        return head + rest
    low, high = rest[0].start, rest[-1].end
    if high <= low:  # no time to stretch: give each word min_word_s after the committed end
        return head + [
            replace(w, start=end + min_word_s * i, end=end + min_word_s * (i + 1)) for i, w in enumerate(rest)
        ]
    scale = (max(high, end + min_word_s * len(rest)) - end) / (high - low)
    stretched = [replace(w, start=end + (w.start - low) * scale, end=end + (w.end - low) * scale) for w in rest]
    return head + stretched


def shifted_word(word: Word, by_s: float) -> Word:
    return replace(word, start=word.start + by_s, end=word.end + by_s)


def segments_after_commits(segments: Sequence[Segment], committed: Sequence[Word]) -> list[Segment]:
    """`after_commits` over the words of a run's segments (times relative to the buffer, as both are)."""
    words = [w for s in segments for w in s.words]
    moved = iter(after_commits(words, committed))
    return [replace(s, words=tuple(next(moved) for _ in s.words)) for s in segments]


def drop_before(words: Sequence[Word], committed_end: float, tolerance_s: float) -> list[Word]:
    """Words that end after the committed end (plus a timestamp tolerance): the rest is old audio.

    Word ends move less between runs than word starts (a start can jump back into a pause), so
    the end decides; a committed word re-heard with a later end is caught by `drop_overlap`.
    """
    return [w for w in words if w.end > committed_end + tolerance_s]


def drop_overlap(
    committed_tail: Sequence[Word], words: Sequence[Word], max_ngram: int, within_s: float = 1.0
) -> list[Word]:
    """Remove the longest head n-gram of `words` that repeats the end of the committed text.

    Only applies when the hypothesis starts before or within `within_s` after the committed end,
    where the same spoken words can be transcribed twice across a buffer edge.
    """
    words = list(words)
    if not committed_tail or not words or words[0].start > committed_tail[-1].end + within_s:
        return words
    tail_keys = [normalize_word(w.text) for w in committed_tail]
    head_keys = [normalize_word(w.text) for w in words]
    for n in range(min(max_ngram, len(tail_keys), len(head_keys)), 0, -1):
        if tail_keys[-n:] == head_keys[:n]:
            return words[n:]
    return words


def cut_repetition(words: Sequence[Word], max_repeats: int, max_ngram: int = 4) -> list[Word]:
    """Cut a hypothesis where an n-gram (n <= max_ngram) repeats more than `max_repeats` times in a row.

    Keeps the first `max_repeats` occurrences: 'the the the the' -> 'the the' for max_repeats=2.
    """
    words = list(words)
    keys = [normalize_word(w.text) for w in words]
    for start in range(len(keys)):
        for n in range(1, max_ngram + 1):
            gram = keys[start : start + n]
            if len(gram) < n or not all(gram):
                break
            repeats = 1
            while keys[start + repeats * n : start + (repeats + 1) * n] == gram:
                repeats += 1
            if repeats > max_repeats:
                return words[: start + max_repeats * n]
    return words


def cut_rushed_repeat(words: Sequence[Word], min_words: int = 6, max_word_s: float = 0.15) -> list[Word]:
    """Cut a hypothesis where it says again `min_words` or more words it said before, faster than anyone speaks.

    Whisper can loop over a whole phrase and squeeze the second copy into the audio that is left (base,
    live: "... as an example of fine typography, it is worth mentioning in passing that, as an example of
    fine Topography", its last 12 words in 1.3 s), which a pause then commits at once. A speaker's own
    repeat ("It is the American people themselves ...", three times in 20 s) takes a speaker's time,
    more than `max_word_s` a word, and stays.
    """
    words = list(words)
    keys = [normalize_word(w.text) for w in words]
    seen: dict[tuple[str, ...], int] = {}
    for start in range(len(keys) - min_words + 1):
        gram = tuple(keys[start : start + min_words])
        first = seen.setdefault(gram, start)
        if first == start or first + min_words > start:  # the first time, or overlapping it ('a a a a a a a')
            continue
        span = words[start + min_words - 1].end - words[start].start
        if span < min_words * max_word_s:
            return words[:start]
    return words


def safe_boundary(words: Sequence[Word], count: int) -> int:
    """Move a commit boundary back so it never splits what may still be one word.

    Whisper spells a word that continues the previous one without a leading space ('14' then
    '55'), and a number at the very end of a hypothesis may still grow ('14' -> '1455').
    """
    while 0 < count < len(words) and not words[count].text.startswith(" "):
        count -= 1
    if count and count == len(words) and words[count - 1].text.strip()[-1:].isdigit():
        count -= 1
    return count


@dataclass(frozen=True)
class AgreementResult:
    """What one hypothesis changed: newly committed words and the still-unconfirmed rest."""

    committed: tuple[Word, ...]
    pending: tuple[Word, ...]


class HypothesisBuffer:
    """The committed end and the last unconfirmed hypotheses, updated once per model step.

    `insert` takes the words of a new hypothesis (absolute times), strips what was already
    committed, and commits the prefix the last `agreement` hypotheses share. With `min_prob`,
    a word the model is unsure of (probability below it) is only committed once one more
    hypothesis agrees (agreement + 1): consecutive steps share most of their audio, so two of
    them can agree on the same early guess before the rest of the word is heard.
    """

    def __init__(
        self,
        agreement: int = 2,
        tolerance_s: float = 0.1,
        max_ngram: int = 5,
        min_prob: float | None = None,
        tail_words: int = 10,
    ) -> None:
        if agreement < 1:
            raise ValueError(f"agreement must be at least 1, not {agreement}")
        self.agreement = agreement
        self.tolerance_s = tolerance_s
        self.max_ngram = max_ngram
        self.min_prob = min_prob
        self.tail_words = tail_words
        self.committed_end = 0.0
        self.committed_tail: list[Word] = []
        self._history: list[list[Word]] = []  # last hypotheses beyond the committed end, oldest first
        self.pending: tuple[Word, ...] = ()

    def fresh_words(self, words: Sequence[Word]) -> list[Word]:
        """The part of a hypothesis that is not already committed (both edge guards)."""
        return drop_overlap(
            self.committed_tail, drop_before(words, self.committed_end, self.tolerance_s), self.max_ngram
        )

    def _commit(self, words: Sequence[Word]) -> None:
        if words:
            self.committed_end = max(self.committed_end, words[-1].end)
            self.committed_tail = (self.committed_tail + list(words))[-self.tail_words :]

    def _agreed_count(self, fresh: list[Word]) -> int:
        history = self._history
        if len(history) < self.agreement:
            return 0
        agreed = agreed_prefix(*history[-self.agreement :])
        if self.min_prob is None:
            return agreed
        longer = agreed_prefix(*history) if len(history) > self.agreement else 0
        unsure = (i for i in range(longer, agreed) if fresh[i].probability < self.min_prob)
        return next(unsure, agreed)

    def insert(self, words: Sequence[Word]) -> AgreementResult:
        """Add one hypothesis; commit what the last hypotheses agree on."""
        fresh = self.fresh_words(words)
        keep = self.agreement + (1 if self.min_prob is not None else 0)
        self._history = [*self._history, fresh][-keep:]
        count = safe_boundary(fresh, self._agreed_count(fresh))
        committed = fresh[:count]
        self._commit(committed)
        # Earlier hypotheses lose the committed words too (those that disagree on them are dropped).
        self._history = [h[count:] for h in self._history if agreed_prefix(h, fresh) >= count]
        self.pending = tuple(fresh[count:])
        return AgreementResult(tuple(committed), self.pending)

    def commit_all(self, words: Sequence[Word] | None = None) -> tuple[Word, ...]:
        """Commit a whole hypothesis at once (a pause, the end of input); `None` = the pending words."""
        chosen = list(self.pending) if words is None else self.fresh_words(words)
        self._commit(chosen)
        self.reset()
        return tuple(chosen)

    def commit_pending(self, until_s: float) -> tuple[Word, ...]:
        """Commit the pending words up to the first that ends after `until_s` (it may be cut off by the
        buffer's end: stopped at once, no run will hear it whole); forget the rest."""
        count = next((i for i, word in enumerate(self.pending) if word.end > until_s), len(self.pending))
        chosen = self.pending[:count]
        self._commit(chosen)
        self.reset()
        return chosen

    def reset(self) -> None:
        """Forget unconfirmed hypotheses (after a pause or a forced cut); the committed end stays."""
        self._history = []
        self.pending = ()
