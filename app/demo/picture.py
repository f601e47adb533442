"""The demo picture for one pair of inputs: the model's own log-mel of each, labelled for the mismatch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.demo.features import audio_frames, model_log_mel
from app.demo.mismatch import CONTRACT_FORMAT, Mismatch, describe_format
from app.demo.spectrogram_png import render_comparison

if TYPE_CHECKING:
    from faster_whisper.feature_extractor import FeatureExtractor


def picture_labels(mismatch: Mismatch, sample_rate: int, channels: int) -> tuple[str, str]:
    """Short (converted, raw) labels that fit above the panels."""
    converted = f"Converted: {CONTRACT_FORMAT} (what the model was trained on)"
    if mismatch is Mismatch.INTERLEAVED:
        raw = f"Raw: {describe_format(sample_rate, channels)} fed as {CONTRACT_FORMAT} (contract broken)"
    elif mismatch is Mismatch.NO_RESAMPLE:
        raw = f"Raw: {describe_format(sample_rate, 1)}, not resampled, fed as {CONTRACT_FORMAT} (contract broken)"
    else:
        raw = "Raw: int16 values, not scaled to [-1, 1] (contract broken)"
    return converted, raw


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
    footer = f"Time: first {extractor.chunk_length} s window as the model sees it. Height: mel bands, low at bottom."
    return render_comparison(
        model_log_mel(extractor, converted),
        model_log_mel(extractor, raw),
        top_label,
        bottom_label,
        footer,
        (audio_frames(extractor, converted.size), audio_frames(extractor, raw.size)),
    )
