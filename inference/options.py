"""Decoding options as one frozen value, shared by files, live and the demo."""

from __future__ import annotations

import math
from dataclasses import dataclass

BATCH_SIZE = 8  # chunks decoded together when batched decoding is asked for without a number
# Wider beams gain nothing measurable on Whisper and their memory grows with the width (100000 took 23 GB
# before the kernel killed the process).
MAX_BEAM_SIZE = 32
TASKS = ("transcribe", "translate")  # translate: speech in any language to English text (multilingual models)


def vocabulary_hotwords(terms: tuple[str, ...] | list[str]) -> str | None:
    """The user's names and terms as faster-whisper hotwords (a prompt given to every window)."""
    joined = ", ".join(t.strip() for t in terms if t.strip())
    return joined or None


def check_beam_size(beam_size: int) -> None:
    """The one bound on beam widths, for files and live steps alike."""
    if not 1 <= beam_size <= MAX_BEAM_SIZE:
        raise ValueError(f"beam size must be between 1 and {MAX_BEAM_SIZE}, not {beam_size}")


@dataclass(frozen=True)
class TranscribeOptions:
    """What faster-whisper is asked to do; defaults suit file transcription."""

    language: str | None = None  # None = detect (English-only models always use "en")
    task: str = "transcribe"
    beam_size: int = 5
    vad_filter: bool = True  # Silero VAD skips silence in files
    word_timestamps: bool = True  # added after decoding: never changes the words (inference/aligned_model.py)
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    hotwords: str | None = None  # the user's vocabulary: names and terms the decoder should prefer
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    no_speech_threshold: float = 0.6
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0
    batch_size: int = 0  # 0: the engine's sequential 30 s windows; N: VAD-cut chunks decoded N at a time
    # Live steps: encode the audio plus `encoder_margin_s`, at least `encoder_min_s`, instead of Whisper's
    # padded 30 s window (None: the full window, as files use). See inference/aligned_model.py.
    encoder_min_s: float | None = None
    encoder_margin_s: float = 2.0

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, not {self.task!r}")
        check_beam_size(self.beam_size)
        if self.batch_size < 0:
            raise ValueError(f"batch size cannot be negative, not {self.batch_size}")
        if self.encoder_min_s is not None and not (0 < self.encoder_min_s <= 30 and self.encoder_margin_s >= 0):
            raise ValueError(f"need 0 < encoder_min_s <= 30 and encoder_margin_s >= 0, got {self.encoder_min_s}")
        if self.batch_size and not self.vad_filter:
            raise ValueError("batched decoding cuts the audio at the pauses the VAD finds: it needs the VAD on")

    def encoder_frames(self, samples: int) -> int | None:
        """Log-mel frames the encoder is given for `samples` of 16 kHz audio (None: the padded 30 s)."""
        if self.encoder_min_s is None:
            return None
        seconds = max(samples / 16000 + self.encoder_margin_s, self.encoder_min_s)
        return min(3000, math.ceil(seconds * 100))

    def to_kwargs(self) -> dict:
        """Keyword arguments for WhisperModel.transcribe (and BatchedInferencePipeline.transcribe)."""
        return {
            "language": self.language,
            "task": self.task,
            "beam_size": self.beam_size,
            "vad_filter": self.vad_filter,
            "word_timestamps": self.word_timestamps,
            "condition_on_previous_text": self.condition_on_previous_text,
            "initial_prompt": self.initial_prompt,
            "hotwords": self.hotwords,
            "temperature": list(self.temperature),
            "no_speech_threshold": self.no_speech_threshold,
            "compression_ratio_threshold": self.compression_ratio_threshold,
            "log_prob_threshold": self.log_prob_threshold,
        }
