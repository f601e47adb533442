"""The demo's picture: two log-mel spectrograms on one time axis, as a labelled figure in PNG bytes.

Drawn with Pillow, not Qt (the CLI `whisperdesk contract-demo` is headless and never imports Qt) and not
matplotlib (far too large for the bundle). So that the picture reads like a figure: real typography
(Pillow's scalable default font, needs FreeType), a time axis in seconds, a frequency axis in Hz placed
on the model's own mel bands, one shared colour scale with its bar in dB, and magma, a perceptually
uniform colour map. Both panels share the scale, so a level difference (the int16 mismatch) shows as
well as a shape one.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.demo.features import mel_band_position

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

PANEL_WIDTH = 880  # px for the whole window (3000 frames: about 3.4 frames, 34 ms, per column)
MEL_ROW_PX = 2  # pixel rows per mel band
TITLE_SIZE = 15  # px font sizes
LABEL_SIZE = 13
TICK_SIZE = 12
TICK_LENGTH = 5
MINOR_TICK_LENGTH = 3
PAD = 10  # px around everything
TITLE_GAP = 5  # title baseline area to its panel
PANEL_GAP = 12  # lower panel's title below the upper panel's tick marks
LABEL_GAP = 4  # tick label to its tick, axis title to the tick labels
COLORBAR_GAP = 16  # panels to the colour bar
COLORBAR_WIDTH = 14
TICK_LABEL_WIDTH = 34  # px reserved for the widest colour-bar label ("-100")
FREQUENCY_LABEL_WIDTH = 28  # px reserved for the widest frequency label ("500")

FREQUENCY_TICKS_HZ = (0, 500, 1000, 2000, 4000, 8000)
FREQUENCY_AXIS_TITLE = "frequency (Hz)"
COLORBAR_TITLE = "mel power (dB)"
PADDING_NOTE = "padding: no audio"

BACKGROUND = (255, 255, 255)
TEXT_COLOR = (25, 25, 25)
AXIS_COLOR = (25, 25, 25)
NOTE_COLOR = (235, 235, 235)  # on the colour map's dark end

# Matplotlib's magma at 17 evenly spaced points of its 256 (interpolated back to within 2/255).
_MAGMA_ANCHORS = np.array(
    [
        (0, 0, 4),
        (10, 8, 34),
        (29, 17, 71),
        (54, 16, 107),
        (81, 18, 124),
        (106, 28, 129),
        (131, 38, 129),
        (156, 46, 127),
        (183, 55, 121),
        (207, 64, 112),
        (229, 80, 100),
        (244, 105, 92),
        (251, 135, 97),
        (254, 165, 113),
        (254, 194, 135),
        (253, 224, 161),
        (252, 253, 191),
    ],
    dtype=np.float64,
)


def _colormap(levels: int = 256) -> np.ndarray:
    positions = np.linspace(0.0, 1.0, len(_MAGMA_ANCHORS))
    steps = np.linspace(0.0, 1.0, levels)
    channels = [np.interp(steps, positions, _MAGMA_ANCHORS[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


COLORMAP = _colormap()


def to_db(log_mel: float | np.ndarray) -> np.ndarray:
    """Whisper's log-mel value v = (log10(power) + 4) / 4 as power in dB: 10 log10(power) = 40 v - 40."""
    return 40.0 * np.asarray(log_mel, dtype=np.float64) - 40.0


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled scalable font (Aileron); a bitmap fallback only when FreeType is missing."""
    return ImageFont.load_default(size=size)


def _text_height(size: int) -> int:
    """Line height in px: ascent + descent (one fixed height, so the layout needs no drawing)."""
    font = _font(size)
    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, descent = font.getmetrics()
        return ascent + descent
    return math.ceil(font.getbbox("Ag|")[3]) + 1


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left, top, and its size."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height


@dataclass(frozen=True)
class Layout:
    """Where everything goes in a picture of two (n_mels, frames) spectrograms."""

    width: int
    height: int
    titles: tuple[Box, Box]
    panels: tuple[Box, Box]
    colorbar: Box
    time_labels_y: int  # top of the time tick labels under the lower panel
    time_title_y: int  # top of the time axis title


def layout(n_mels: int) -> Layout:
    """The picture's geometry for n_mels bands (any number of frames is drawn PANEL_WIDTH wide)."""
    panel_w, panel_h = panel_size(n_mels)
    left = PAD + _text_height(LABEL_SIZE) + LABEL_GAP + FREQUENCY_LABEL_WIDTH + LABEL_GAP + TICK_LENGTH
    title_h = _text_height(TITLE_SIZE)
    y = PAD
    titles, panels = [], []
    for _ in range(2):
        titles.append(Box(left, y, panel_w, title_h))
        y += title_h + TITLE_GAP
        panels.append(Box(left, y, panel_w, panel_h))
        y += panel_h + TICK_LENGTH + PANEL_GAP
    time_labels_y = panels[1].bottom + TICK_LENGTH + LABEL_GAP
    time_title_y = time_labels_y + _text_height(TICK_SIZE) + LABEL_GAP
    height = time_title_y + _text_height(LABEL_SIZE) + PAD
    colorbar = Box(left + panel_w + COLORBAR_GAP, panels[0].y, COLORBAR_WIDTH, panels[1].bottom - panels[0].y)
    width = colorbar.right + TICK_LENGTH + LABEL_GAP + TICK_LABEL_WIDTH + _text_height(LABEL_SIZE) + PAD
    return Layout(width, height, (titles[0], titles[1]), (panels[0], panels[1]), colorbar, time_labels_y, time_title_y)


def panel_size(n_mels: int) -> tuple[int, int]:
    """(width, height) in pixels of one spectrogram panel."""
    return PANEL_WIDTH, n_mels * MEL_ROW_PX


def picture_size(n_mels: int, frames: int) -> tuple[int, int]:
    """(width, height) of the whole picture for two (n_mels, frames) spectrograms."""
    del frames  # the time axis is scaled to PANEL_WIDTH
    box = layout(n_mels)
    return box.width, box.height


def frequency_ticks(
    n_mels: int, max_hz: float, ticks_hz: Sequence[float] = FREQUENCY_TICKS_HZ
) -> list[tuple[str, int]]:
    """(label, row from the panel's top) of each frequency tick, at its place on the mel bands.

    Band i fills rows [(n_mels - 1 - i) * MEL_ROW_PX, ...) and is labelled at its centre; 0 Hz and
    max_hz fall half a band outside the panel and are drawn on its edges."""
    height = n_mels * MEL_ROW_PX
    out = []
    for hz in ticks_hz:
        if hz > max_hz:
            continue
        band = float(mel_band_position(hz, n_mels, max_hz))
        row = round(height - (band + 0.5) * MEL_ROW_PX)
        label = f"{hz / 1000:g}k" if hz >= 1000 else f"{hz:g}"
        out.append((label, min(max(row, 0), height - 1)))
    return out


def _nice_step(span: float, most: int) -> float:
    """The smallest 1/2/5 x 10^k step that cuts `span` into at most `most` intervals."""
    raw = span / max(most, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def time_ticks(frames: int, seconds_per_frame: float) -> tuple[list[tuple[str, int]], list[int]]:
    """([(label, column)] for major ticks, [column] for minor ones) along a panel of `frames` frames."""
    seconds = frames * seconds_per_frame
    step = _nice_step(seconds, 6)
    minor = step / 5
    px_per_s = PANEL_WIDTH / seconds

    def column(t: float) -> int:
        return min(round(t * px_per_s), PANEL_WIDTH - 1)

    majors = [(f"{t:g}", column(t)) for t in np.arange(0.0, seconds + 1e-9, step)]
    major_columns = {c for _, c in majors}
    minors = [column(t) for t in np.arange(0.0, seconds + 1e-9, minor) if column(t) not in major_columns]
    return majors, minors


def colorbar_ticks(lo_db: float, hi_db: float) -> list[tuple[str, float]]:
    """(label, fraction up the bar) for round dB values between lo_db and hi_db."""
    step = _nice_step(hi_db - lo_db, 6)
    first = math.ceil(lo_db / step) * step
    values = np.arange(first, hi_db + 1e-9, step)
    return [(f"{v + 0.0:g}", (v - lo_db) / (hi_db - lo_db)) for v in values]  # + 0.0: no "-0"


def _pixels(mel: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """(panel_h, PANEL_WIDTH, 3) colours: frames averaged into columns, low bands at the bottom."""
    n_mels, _ = mel.shape
    level = np.clip((mel.astype(np.float32) - lo) / (hi - lo), 0.0, 1.0)
    # Pillow averages the frames of each column (BOX) on the float values, before the colour map.
    pooled = Image.fromarray(level).resize((PANEL_WIDTH, n_mels), Image.Resampling.BOX)
    index = np.round(np.asarray(pooled) * (len(COLORMAP) - 1)).astype(np.intp)
    rgb = COLORMAP[np.clip(index, 0, len(COLORMAP) - 1)[::-1]]
    return np.repeat(rgb, MEL_ROW_PX, axis=0)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> str:
    """`text`, cut with an ellipsis when it is wider than `width` px."""
    font = _font(size)
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "\u2026", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _vertical_text(image: Image.Image, text: str, size: int, centre: tuple[int, int]) -> None:
    """Text rotated 90° (reading bottom to top), centred on `centre`."""
    font = _font(size)
    left, _, right, _ = font.getbbox(text)
    label = Image.new("RGB", (math.ceil(right - left) + 2, _text_height(size)), BACKGROUND)
    ImageDraw.Draw(label).text((1 - left, 0), text, font=font, fill=TEXT_COLOR)
    label = label.rotate(90, expand=True)
    image.paste(label, (centre[0] - label.width // 2, centre[1] - label.height // 2))


def _draw_frequency_axis(draw: ImageDraw.ImageDraw, panel: Box, n_mels: int, max_hz: float) -> None:
    font = _font(TICK_SIZE)
    for label, row in frequency_ticks(n_mels, max_hz):
        y = panel.y + row
        draw.line([(panel.x - 1 - TICK_LENGTH, y), (panel.x - 2, y)], fill=AXIS_COLOR)
        draw.text((panel.x - 1 - TICK_LENGTH - LABEL_GAP, y), label, font=font, fill=TEXT_COLOR, anchor="rm")


def _draw_time_ticks(
    draw: ImageDraw.ImageDraw, panel: Box, frames: int, seconds_per_frame: float, labels_y: int | None
) -> None:
    majors, minors = time_ticks(frames, seconds_per_frame)
    for column in minors:
        x = panel.x + column
        draw.line([(x, panel.bottom + 1), (x, panel.bottom + MINOR_TICK_LENGTH)], fill=AXIS_COLOR)
    for label, column in majors:
        x = panel.x + column
        draw.line([(x, panel.bottom + 1), (x, panel.bottom + TICK_LENGTH)], fill=AXIS_COLOR)
        if labels_y is not None:
            draw.text((x, labels_y), label, font=_font(TICK_SIZE), fill=TEXT_COLOR, anchor="mt")


def _draw_padding(draw: ImageDraw.ImageDraw, panel: Box, frames: int, frames_with_audio: int) -> None:
    """Mark where the audio ends (a dashed line) and name the encoder's zero padding after it, if it fits."""
    if frames_with_audio >= frames:
        return
    x = panel.x + round(frames_with_audio / frames * panel.width)
    for y in range(panel.y, panel.bottom, 6):
        draw.line([(x, y), (x, min(y + 2, panel.bottom - 1))], fill=NOTE_COLOR)
    font = _font(LABEL_SIZE)
    if draw.textlength(PADDING_NOTE, font=font) + 2 * PAD <= panel.right - x:
        draw.text(
            ((x + panel.right) // 2, panel.y + panel.height // 2), PADDING_NOTE, font=font, fill=NOTE_COLOR, anchor="mm"
        )


def _draw_colorbar(image: Image.Image, draw: ImageDraw.ImageDraw, bar: Box, lo: float, hi: float) -> None:
    gradient = COLORMAP[np.round(np.linspace(len(COLORMAP) - 1, 0, bar.height)).astype(np.intp)]
    image.paste(Image.fromarray(np.repeat(gradient[:, None, :], bar.width, axis=1)), (bar.x, bar.y))
    draw.rectangle([bar.x - 1, bar.y - 1, bar.right, bar.bottom], outline=AXIS_COLOR)
    font = _font(TICK_SIZE)
    for label, fraction in colorbar_ticks(float(to_db(lo)), float(to_db(hi))):
        y = round(bar.bottom - 1 - fraction * (bar.height - 1))
        draw.line([(bar.right + 1, y), (bar.right + TICK_LENGTH, y)], fill=AXIS_COLOR)
        draw.text((bar.right + TICK_LENGTH + LABEL_GAP, y), label, font=font, fill=TEXT_COLOR, anchor="lm")
    title_x = bar.right + TICK_LENGTH + LABEL_GAP + TICK_LABEL_WIDTH + _text_height(LABEL_SIZE) // 2
    _vertical_text(image, COLORBAR_TITLE, LABEL_SIZE, (title_x, bar.y + bar.height // 2))


def render_comparison(
    top: np.ndarray,
    bottom: np.ndarray,
    top_label: str,
    bottom_label: str,
    footer: str,
    frames_with_audio: tuple[int, int] | None = None,
    *,
    seconds_per_frame: float = 0.01,
    max_hz: float = 8000.0,
) -> bytes:
    """PNG of two (n_mels, frames) log-mel arrays (Whisper's scale) stacked, each under its title, on one
    colour scale; `footer` is the time axis's title.

    `frames_with_audio` (top, bottom) marks where each input's audio ends and the padding begins;
    `seconds_per_frame` (the hop) and `max_hz` (half the model's rate) place the axes' ticks.
    """
    if top.shape != bottom.shape or top.ndim != 2:
        raise ValueError(f"spectrograms must have one 2-D shape, got {top.shape} and {bottom.shape}")
    n_mels, frames = top.shape
    geometry = layout(n_mels)
    image = Image.new("RGB", (geometry.width, geometry.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    lo = float(min(top.min(), bottom.min()))
    hi = float(max(top.max(), bottom.max()))
    hi = hi if hi - lo > 1e-6 else lo + 1.0
    ends = frames_with_audio or (frames, frames)
    for index, (mel, label, end) in enumerate(((top, top_label, ends[0]), (bottom, bottom_label, ends[1]))):
        title, panel = geometry.titles[index], geometry.panels[index]
        draw.text(
            (title.x, title.y), _fit(draw, label, TITLE_SIZE, title.width), font=_font(TITLE_SIZE), fill=TEXT_COLOR
        )
        image.paste(Image.fromarray(_pixels(mel, lo, hi)), (panel.x, panel.y))
        draw.rectangle([panel.x - 1, panel.y - 1, panel.right, panel.bottom], outline=AXIS_COLOR)
        _draw_padding(draw, panel, frames, end)
        _draw_frequency_axis(draw, panel, n_mels, max_hz)
        _draw_time_ticks(draw, panel, frames, seconds_per_frame, geometry.time_labels_y if index == 1 else None)
    panels = geometry.panels
    axis_x = PAD + _text_height(LABEL_SIZE) // 2
    for panel in panels:
        _vertical_text(image, FREQUENCY_AXIS_TITLE, LABEL_SIZE, (axis_x, panel.y + panel.height // 2))
    draw.text(
        (panels[1].x + panels[1].width // 2, geometry.time_title_y),
        _fit(draw, footer, LABEL_SIZE, panels[1].width),
        font=_font(LABEL_SIZE),
        fill=TEXT_COLOR,
        anchor="mt",
    )
    _draw_colorbar(image, draw, geometry.colorbar, lo, hi)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
