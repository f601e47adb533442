"""The inference boundary: the only place samples reach the model.

`run_model` checks the contract and refuses anything else with ContractError.
`run_model_unchecked_for_contract_demo` is the single, explicitly named bypass; only the
input-contract demo calls it, to show what a silent contract break produces.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from audio.contract import PcmAudio, check_contract
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.results import Segment, Word


def _to_segment(raw) -> Segment:  # raw: faster_whisper.transcribe.Segment
    words = tuple(Word(w.start, w.end, w.word, w.probability) for w in (raw.words or ()))
    return Segment(
        start=raw.start,
        end=raw.end,
        text=raw.text,
        words=words,
        avg_logprob=raw.avg_logprob,
        no_speech_prob=raw.no_speech_prob,
        compression_ratio=raw.compression_ratio,
    )


def _run(loaded: LoadedModel, samples: np.ndarray, options: TranscribeOptions) -> tuple[Iterator[Segment], str, float]:
    kwargs = options.to_kwargs()
    if not loaded.info.multilingual:
        kwargs["language"] = "en"
    raw_segments, info = loaded.model.transcribe(samples, **kwargs)
    return (_to_segment(s) for s in raw_segments), info.language, info.language_probability


def run_model(loaded: LoadedModel, audio: PcmAudio, options: TranscribeOptions) -> tuple[Iterator[Segment], str, float]:
    """Transcribe contract audio: (lazy segments, language, language probability).

    Raises ContractError for anything but 16 kHz mono float32 finite samples in [-1, 1].
    """
    return _run(loaded, check_contract(audio), options)


def run_model_unchecked_for_contract_demo(
    loaded: LoadedModel, raw_samples: np.ndarray, options: TranscribeOptions
) -> tuple[Iterator[Segment], str, float]:
    """Feed raw samples past the contract check, as if they were 16 kHz mono. Contract demo only.

    The only caller is app/demo/bypass.py (tests/app/test_contract_demo_refusal.py enforces it);
    the samples are flattened as they are (no downmix, resampling or scaling): the output is the lesson.
    """
    flat = np.ascontiguousarray(raw_samples, dtype=np.float32).reshape(-1)
    return _run(loaded, flat, options)
