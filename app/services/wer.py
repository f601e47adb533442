"""Word error rate after Whisper's English text normalizer, as the issues ask."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import jiwer


@lru_cache(maxsize=1)
def _normalizer():
    from whisper_normalizer.english import EnglishTextNormalizer

    return EnglishTextNormalizer()


def normalize(text: str) -> str:
    """Whisper's English normalization (case, punctuation, numbers, spellings)."""
    return " ".join(_normalizer()(text).split())


def wer(reference: str, hypothesis: str) -> float:
    """WER of one hypothesis in [0, inf); an empty hypothesis against speech is 1.0."""
    return corpus_wer([reference], [hypothesis])


def corpus_wer(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """WER over a set: total errors / total reference words (not a mean of per-file WERs)."""
    refs = [normalize(r) for r in references]
    hyps = [normalize(h) for h in hypotheses]
    keep = [(r, h) for r, h in zip(refs, hyps, strict=True) if r]
    if not keep:
        raise ValueError("no non-empty reference to score against")
    return jiwer.wer([r for r, _ in keep], [h for _, h in keep])
