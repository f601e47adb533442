"""The demo picture for one pair of inputs: the model's own log-mel of each, titled for the mismatch.

The titles are the window's pane titles (app.demo.mismatch), so the picture and the panes it sits
under name each input the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.demo.features import audio_frames, model_log_mel
from app.demo.mismatch import CONVERTED_TITLE, Mismatch, raw_title
from app.demo.spectrogram_png import render_comparison

if TYPE_CHECKING:
    from faster_whisper.feature_extractor import FeatureExtractor


def picture_labels(mismatch: Mismatch, sample_rate: int, channels: int) -> tuple[str, str]:
    """The (converted, raw) panel titles: the same words as the demo's panes."""
    return CONVERTED_TITLE, raw_title(mismatch, sample_rate, channels)


def comparison_png(
    extractor: FeatureExtractor,
    converted: np.ndarray,
    raw: np.ndarray,
    mismatch: Mismatch,
    sample_rate: int,
    channels: int,
) -> bytes:
    """PNG: the log-mel the model computes for the first window of each input, converted above raw."""
    top_label, bottom_label = picture_labels(mismatch, sample_rate, channels)
    footer = f"time as the model sees it (s): its first {extractor.chunk_length} s window"
    return render_comparison(
        model_log_mel(extractor, converted),
        model_log_mel(extractor, raw),
        top_label,
        bottom_label,
        footer,
        (audio_frames(extractor, converted.size), audio_frames(extractor, raw.size)),
        seconds_per_frame=extractor.hop_length / extractor.sampling_rate,
        max_hz=extractor.sampling_rate / 2,
    )
