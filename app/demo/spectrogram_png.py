"""The demo's picture: two log-mel spectrograms stacked on one time axis, labelled, as PNG bytes.

Qt-free (numpy + app.demo.png), so the CLI writes the same picture the window shows. Both panels
share one colour scale, so a level difference (the int16 mismatch) shows as well as a shape one.
"""

from __future__ import annotations

import numpy as np

from app.demo.bitmap_font import ADVANCE, GLYPH_HEIGHT, draw_text, text_width
from app.demo.png import encode_png

MARGIN = 8  # px around everything
TEXT_SCALE = 2  # font pixels per glyph pixel
LABEL_HEIGHT = GLYPH_HEIGHT * TEXT_SCALE
LABEL_GAP = 4  # px between a label and its panel
PANEL_GAP = 12  # px between the two panels
FOOTER_GAP = 6  # px between the lower panel and the footer line
TIME_POOL = 3  # mel frames averaged into one pixel column (3000 frames -> 1000 px)
MEL_ROW_PX = 2  # pixel rows per mel band

PADDING_NOTE = "padding: no audio"
BACKGROUND = (24, 24, 28)
TEXT_COLOR = (235, 235, 235)

# Anchor colours of a dark-to-bright ("inferno"-like) map, spaced evenly from low to high level.
_ANCHORS = np.array(
    [
        (0, 0, 4),
        (40, 11, 84),
        (101, 21, 110),
        (159, 42, 99),
        (212, 72, 66),
        (245, 125, 21),
        (250, 193, 39),
        (252, 255, 164),
    ],
    dtype=np.float64,
)


def _colormap(levels: int = 256) -> np.ndarray:
    positions = np.linspace(0.0, 1.0, len(_ANCHORS))
    steps = np.linspace(0.0, 1.0, levels)
    channels = [np.interp(steps, positions, _ANCHORS[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


COLORMAP = _colormap()


def panel_size(n_mels: int, frames: int) -> tuple[int, int]:
    """(width, height) in pixels of one spectrogram panel."""
    return frames // TIME_POOL, n_mels * MEL_ROW_PX


def picture_size(n_mels: int, frames: int) -> tuple[int, int]:
    """(width, height) of the whole picture for two (n_mels, frames) spectrograms."""
    width, height = panel_size(n_mels, frames)
    block = LABEL_HEIGHT + LABEL_GAP + height
    return 2 * MARGIN + width, MARGIN + 2 * block + PANEL_GAP + FOOTER_GAP + LABEL_HEIGHT + MARGIN


def _pixels(mel: np.ndarray, lo: float, hi: float) -> np.ndarray:
    n_mels, frames = mel.shape
    columns = frames // TIME_POOL
    pooled = mel[:, : columns * TIME_POOL].reshape(n_mels, columns, TIME_POOL).mean(axis=2)
    level = np.clip((pooled - lo) / (hi - lo), 0.0, 1.0)
    index = np.round(level * (len(COLORMAP) - 1)).astype(np.intp)
    rgb = COLORMAP[index[::-1]]  # low bands at the bottom
    return np.repeat(rgb, MEL_ROW_PX, axis=0)


def _fit(text: str, width: int) -> str:
    most = (width + TEXT_SCALE) // (ADVANCE * TEXT_SCALE)
    return text if len(text) <= most else text[: max(0, most - 3)] + "..."


def _mark_padding(image: np.ndarray, y: int, panel: np.ndarray, frames_with_audio: int) -> None:
    """Write PADDING_NOTE over the part of a panel after the audio, when it fits."""
    start = MARGIN + frames_with_audio // TIME_POOL
    free = MARGIN + panel.shape[1] - start
    width = text_width(PADDING_NOTE, TEXT_SCALE)
    if free >= width + 2 * MARGIN:
        x = start + (free - width) // 2
        draw_text(image, PADDING_NOTE, x, y + (panel.shape[0] - LABEL_HEIGHT) // 2, TEXT_COLOR, TEXT_SCALE)


def render_comparison(
    top: np.ndarray,
    bottom: np.ndarray,
    top_label: str,
    bottom_label: str,
    footer: str,
    frames_with_audio: tuple[int, int] | None = None,
) -> bytes:
    """PNG of two (n_mels, frames) log-mel arrays stacked, each under its label, on one colour scale.

    `frames_with_audio` (top, bottom) marks where each input's audio ends and the padding begins.
    """
    if top.shape != bottom.shape or top.ndim != 2:
        raise ValueError(f"spectrograms must have one 2-D shape, got {top.shape} and {bottom.shape}")
    n_mels, frames = top.shape
    width, height = picture_size(n_mels, frames)
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = BACKGROUND
    lo = float(min(top.min(), bottom.min()))
    hi = float(max(top.max(), bottom.max()))
    hi = hi if hi - lo > 1e-6 else lo + 1.0
    inner = width - 2 * MARGIN
    y = MARGIN
    ends = frames_with_audio or (frames, frames)
    for mel, label, end in ((top, top_label, ends[0]), (bottom, bottom_label, ends[1])):
        draw_text(image, _fit(label, inner), MARGIN, y, TEXT_COLOR, TEXT_SCALE)
        y += LABEL_HEIGHT + LABEL_GAP
        panel = _pixels(mel, lo, hi)
        image[y : y + panel.shape[0], MARGIN : MARGIN + panel.shape[1]] = panel
        _mark_padding(image, y, panel, end)
        y += panel.shape[0] + PANEL_GAP
    y += FOOTER_GAP - PANEL_GAP
    draw_text(image, _fit(footer, inner), MARGIN, y, TEXT_COLOR, TEXT_SCALE)
    return encode_png(image)
