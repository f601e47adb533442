"""Decoding options as one frozen value, shared by files, live and the demo."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TranscribeOptions:
    """What faster-whisper is asked to do; defaults suit file transcription."""

    language: str | None = None  # None = detect (English-only models always use "en")
    beam_size: int = 5
    vad_filter: bool = True  # Silero VAD skips silence in files
    word_timestamps: bool = True
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    no_speech_threshold: float = 0.6
    compression_ratio_threshold: float = 2.4
    log_prob_threshold: float = -1.0

    def to_kwargs(self) -> dict:
        """Keyword arguments for WhisperModel.transcribe."""
        return {
            "language": self.language,
            "beam_size": self.beam_size,
            "vad_filter": self.vad_filter,
            "word_timestamps": self.word_timestamps,
            "condition_on_previous_text": self.condition_on_previous_text,
            "initial_prompt": self.initial_prompt,
            "temperature": list(self.temperature),
            "no_speech_threshold": self.no_speech_threshold,
            "compression_ratio_threshold": self.compression_ratio_threshold,
            "log_prob_threshold": self.log_prob_threshold,
        }
