"""The inference boundary: the only place samples reach the model.

`run_model` checks the contract and refuses anything else with ContractError.
`run_model_unchecked_for_contract_demo` is the single, explicitly named bypass; only the
input-contract demo calls it, to show what a silent contract break produces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from faster_whisper import BatchedInferencePipeline
from faster_whisper.tokenizer import _LANGUAGE_CODES

from audio.contract import PcmAudio, check_contract
from inference.aligned_model import AlignedWhisperModel
from inference.errors import UnsupportedTaskError
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.results import Segment, Word
from inference.translation import translation_suppress_tokens

# Batched decoding cuts chunks at pauses of at least this long. faster-whisper's 160 ms cuts a long
# recording into many short chunks decoded without context: on 120 s of joined LibriSpeech and LJ Speech
# (tiny.en, 2-core AMD EPYC) WER 9.28% against 2.73% with 500 ms, at the same speed (0.6x sequential).
BATCH_MIN_SILENCE_MS = 500


def _inside(start: float, end: float, low: float, high: float) -> tuple[float, float]:
    """A word's (start, end) clamped into its segment's [low, high]; alignment can spill past it."""
    start = min(max(start, low), high)
    return start, min(max(end, start), high)


def _to_segment(raw) -> Segment:  # raw: faster_whisper.transcribe.Segment
    words = tuple(Word(*_inside(w.start, w.end, raw.start, raw.end), w.word, w.probability) for w in (raw.words or ()))
    return Segment(
        start=raw.start,
        end=raw.end,
        text=raw.text,
        words=words,
        avg_logprob=raw.avg_logprob,
        no_speech_prob=raw.no_speech_prob,
        compression_ratio=raw.compression_ratio,
    )


def check_language(loaded: LoadedModel, language: str | None, task: str = "transcribe") -> None:
    """Refuse a language or task the model cannot do, before any audio is decoded: an English-only model
    would quietly transcribe as English, and faster-whisper's own refusal comes as a traceback mid-queue."""
    name = loaded.info.name
    if not loaded.info.multilingual:
        if task != "transcribe":
            raise UnsupportedTaskError(f"{name} is English-only: translation needs a multilingual model")
        if language not in (None, "en"):
            raise UnsupportedTaskError(f"{name} is English-only: language {language!r} needs a multilingual model")
    elif language is not None and language not in _LANGUAGE_CODES:
        raise UnsupportedTaskError(f"{language!r} is not a language code Whisper knows (en, de, fr, zh, ...)")


def _engine(loaded: LoadedModel, options: TranscribeOptions) -> tuple[Callable, dict]:
    """The transcribe call for these options (sequential or batched) and its keyword arguments."""
    check_language(loaded, options.language, options.task)
    kwargs = options.to_kwargs()
    if not loaded.info.multilingual:
        kwargs["language"] = "en"
    if options.task == "translate":
        kwargs["suppress_tokens"] = translation_suppress_tokens(loaded.model.hf_tokenizer)
    if not options.batch_size:
        return loaded.model.transcribe, kwargs
    batched = {"batch_size": options.batch_size, "vad_parameters": {"min_silence_duration_ms": BATCH_MIN_SILENCE_MS}}
    return BatchedInferencePipeline(loaded.model).transcribe, {**kwargs, **batched}


def _run(loaded: LoadedModel, samples: np.ndarray, options: TranscribeOptions) -> tuple[Iterator[Segment], str, float]:
    call, kwargs = _engine(loaded, options)
    frames = options.encoder_frames(samples.size)
    model = loaded.model
    if not isinstance(model, AlignedWhisperModel):  # a plain engine (tests, the baseline view): its own window
        raw_segments, info = call(samples, **kwargs)
        return (_to_segment(s) for s in raw_segments), info.language, info.language_probability
    with model.encoder_frames(frames):  # language detection may encode here, eagerly
        raw_segments, info = call(samples, **kwargs)
    return _windowed(model, frames, raw_segments), info.language, info.language_probability


def _windowed(model: AlignedWhisperModel, frames: int | None, raw_segments) -> Iterator[Segment]:
    """The lazy segments, decoded with this run's encoder window whenever the caller pulls them."""
    iterator = iter(raw_segments)
    while True:
        with model.encoder_frames(frames):
            raw = next(iterator, None)
        if raw is None:
            return
        yield _to_segment(raw)


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
