"""faster-whisper's model with word times that never change the words.

With `word_timestamps=True`, faster-whisper moves its 30 s window to the last aligned word's end
instead of the last timestamp token, so a phrase that straddles a window edge can fall out of the
transcript (upstream behaviour; measured here: 14 words lost on a 72 s recording). This model
decodes exactly as with word timestamps off, then aligns each window's decoded tokens with
faster-whisper's own `add_word_timestamps`, on the encoder output that window was decoded from
(kept as it is made, so no second encoder pass). The text is therefore the engine's default text,
word timestamps on or off.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable
from dataclasses import replace

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import Segment, TranscriptionOptions, Word


class AlignedWhisperModel(WhisperModel):
    """A WhisperModel whose word timestamps are added after decoding, window by window."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_encoded = threading.local()  # per thread: one model serves the file queue and live

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        output = super().encode(features)
        self._last_encoded.output = output
        return output

    def generate_segments(
        self,
        features: np.ndarray,
        tokenizer: Tokenizer,
        options: TranscriptionOptions,
        log_progress,
        encoder_output: ctranslate2.StorageView | None = None,
    ) -> Iterable[Segment]:
        if not options.word_timestamps:
            yield from super().generate_segments(features, tokenizer, options, log_progress, encoder_output)
            return
        decoded = super().generate_segments(
            features, tokenizer, replace(options, word_timestamps=False), log_progress, encoder_output
        )
        content_frames = features.shape[-1] - 1
        last_speech = 0.0
        window: list[Segment] = []
        window_output = None
        for segment in decoded:
            if window and segment.seek != window[0].seek:
                timed = self._timed(window, window_output, tokenizer, options, content_frames, last_speech)
                last_speech = yield from timed
                window = []
            if not window:  # the generator encoded this window just before yielding its first segment
                window_output = self._last_encoded.output
            window.append(segment)
        if window:
            yield from self._timed(window, window_output, tokenizer, options, content_frames, last_speech)

    def _timed(
        self,
        window: list[Segment],
        encoder_output: ctranslate2.StorageView,
        tokenizer: Tokenizer,
        options: TranscriptionOptions,
        content_frames: int,
        last_speech: float,
    ) -> Generator[Segment, None, float]:
        """One window's segments with words aligned on its encoder output; returns the last speech time."""
        frames = min(self.feature_extractor.nb_max_frames, content_frames - window[0].seek)
        parts = [{"seek": s.seek, "start": s.start, "end": s.end, "tokens": s.tokens} for s in window]
        ended = self.add_word_timestamps(
            [parts],
            tokenizer,
            encoder_output,
            frames,
            options.prepend_punctuations,
            options.append_punctuations,
            last_speech_timestamp=last_speech,
        )
        for segment, part in zip(window, parts, strict=True):
            words = [Word(**word) for word in part.get("words", ())]
            yield replace(segment, start=part["start"], end=part["end"], words=words)
        return last_speech if ended is None else ended


def engine_view(model: WhisperModel) -> WhisperModel:
    """The same loaded weights behind faster-whisper's own, unmodified decoding loop: the baseline that
    benchmarks and tests compare with, without loading the model twice."""
    plain = object.__new__(WhisperModel)
    plain.__dict__.update({k: v for k, v in vars(model).items() if k != "_last_encoded"})
    return plain
