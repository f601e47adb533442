"""faster-whisper's model with word times that never change the words.

With `word_timestamps=True`, faster-whisper moves its 30 s window to the last aligned word's end
instead of the last timestamp token, so a phrase that straddles a window edge can fall out of the
transcript (upstream behaviour; measured here: 14 words lost on a 72 s recording). This model
decodes exactly as with word timestamps off, then aligns each window's decoded tokens with
faster-whisper's own `add_word_timestamps`, on the encoder output that window was decoded from
(kept as it is made, so no second encoder pass). The text is therefore the engine's default text,
word timestamps on or off.

Two more things live here because they hook the same methods:
- an optional shorter encoder window (`encoder_frames`): faster-whisper always pads the log-mel to
  30 s, and the encoder's cost grows with the frames it is given (tiny.en int8, 2 cores: 253 ms on
  30 s, 39 ms on 12 s). Live steps on a short buffer ask for the audio plus a margin; only the zero
  padding after the audio is dropped, never a frame of it. Files keep the 30 s window (None).
- a PhaseClock timing features, encoder, decoder and alignment, for the live benchmark's profile.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.feature_extractor import FeatureExtractor
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import Segment, TranscriptionOptions, Word

from inference.decoder_threads import unsplit
from inference.model_phases import PhaseClock, TimedFeatures

THREAD_STATE = ("_last_encoded", "_window", "phases")  # per-model additions a plain engine view must not share


class AlignedWhisperModel(WhisperModel):
    """A WhisperModel whose word timestamps are added after decoding, window by window."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_encoded = threading.local()  # per thread: one model serves the file queue and live
        self._window = threading.local()  # per thread: the encoder frames asked for (None: 30 s)
        self.phases = PhaseClock()
        self.feature_extractor: FeatureExtractor | TimedFeatures = TimedFeatures(self.feature_extractor, self.phases)

    @contextmanager
    def encoder_frames(self, frames: int | None) -> Iterator[None]:
        """Encode at most `frames` log-mel frames (rounded up to even) on this thread; None: the 30 s window."""
        previous = getattr(self._window, "frames", None)
        self._window.frames = None if frames is None else frames + frames % 2
        try:
            yield
        finally:
            self._window.frames = previous

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        frames = getattr(self._window, "frames", None)
        if frames is not None and features.shape[-1] > frames:
            features = np.ascontiguousarray(features[..., :frames])
        with self.phases.timing("encoder"):
            output = super().encode(features)
        self._last_encoded.output = output
        return output

    def generate_with_fallback(self, *args, **kwargs):
        with self.phases.timing("decoder"):
            return super().generate_with_fallback(*args, **kwargs)

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

    def find_alignment(self, tokenizer, text_tokens, encoder_output, num_frames, median_filter_width=7):
        """Upstream raises IndexError when CTranslate2 aligns over a single frame and returns an empty
        alignment (a window that starts a frame before the audio's end, after a hallucinated last
        timestamp; faster-whisper PR #1460). Seen here once in a live session, which it ended. Such a
        window has no speech left to time: its tokens get no words instead of a crash."""
        if isinstance(num_frames, int) and num_frames < 2:  # batched decoding passes one count per chunk
            return [[] for _ in text_tokens]
        return super().find_alignment(tokenizer, text_tokens, encoder_output, num_frames, median_filter_width)

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
        with self.phases.timing("alignment"):
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
    benchmarks and tests compare with, without loading the model again. On the CPU it runs as faster-whisper
    would, on the encoder's thread count throughout (not on our one-thread decoder)."""
    plain = object.__new__(WhisperModel)
    plain.__dict__.update({k: v for k, v in vars(model).items() if k not in THREAD_STATE})
    plain.model = unsplit(model.model)  # faster-whisper's own model: one thread count for everything
    features = plain.feature_extractor
    plain.feature_extractor = features.inner if isinstance(features, TimedFeatures) else features
    return plain
