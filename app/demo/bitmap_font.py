"""A 5x7 pixel font (upper case, digits, a little punctuation) to label pictures without Qt."""

from __future__ import annotations

import numpy as np

GLYPH_WIDTH = 5
GLYPH_HEIGHT = 7
ADVANCE = GLYPH_WIDTH + 1  # pixels from one character to the next, before scaling

# Each glyph is 7 rows, top to bottom; each row is 5 bits, the leftmost pixel in bit 4.
_GLYPHS = {
    "A": "0E 11 11 11 1F 11 11",
    "B": "1E 11 11 1E 11 11 1E",
    "C": "0E 11 10 10 10 11 0E",
    "D": "1C 12 11 11 11 12 1C",
    "E": "1F 10 10 1E 10 10 1F",
    "F": "1F 10 10 1E 10 10 10",
    "G": "0E 11 10 17 11 11 0F",
    "H": "11 11 11 1F 11 11 11",
    "I": "0E 04 04 04 04 04 0E",
    "J": "07 02 02 02 02 12 0C",
    "K": "11 12 14 18 14 12 11",
    "L": "10 10 10 10 10 10 1F",
    "M": "11 1B 15 15 11 11 11",
    "N": "11 11 19 15 13 11 11",
    "O": "0E 11 11 11 11 11 0E",
    "P": "1E 11 11 1E 10 10 10",
    "Q": "0E 11 11 11 15 12 0D",
    "R": "1E 11 11 1E 14 12 11",
    "S": "0F 10 10 0E 01 01 1E",
    "T": "1F 04 04 04 04 04 04",
    "U": "11 11 11 11 11 11 0E",
    "V": "11 11 11 11 11 0A 04",
    "W": "11 11 11 15 15 15 0A",
    "X": "11 11 0A 04 0A 11 11",
    "Y": "11 11 11 0A 04 04 04",
    "Z": "1F 01 02 04 08 10 1F",
    "0": "0E 11 13 15 19 11 0E",
    "1": "04 0C 04 04 04 04 0E",
    "2": "0E 11 01 02 04 08 1F",
    "3": "1F 02 04 02 01 11 0E",
    "4": "02 06 0A 12 1F 02 02",
    "5": "1F 10 1E 01 01 11 0E",
    "6": "06 08 10 1E 11 11 0E",
    "7": "1F 01 02 04 08 08 08",
    "8": "0E 11 11 0E 11 11 0E",
    "9": "0E 11 11 0F 01 02 0C",
    " ": "00 00 00 00 00 00 00",
    ":": "00 0C 0C 00 0C 0C 00",
    ".": "00 00 00 00 00 0C 0C",
    ",": "00 00 00 00 0C 04 08",
    "'": "0C 04 08 00 00 00 00",
    "(": "02 04 08 08 08 04 02",
    ")": "08 04 02 02 02 04 08",
    "[": "0E 08 08 08 08 08 0E",
    "]": "0E 02 02 02 02 02 0E",
    "-": "00 00 00 1F 00 00 00",
    "+": "00 04 04 1F 04 04 00",
    "=": "00 00 1F 00 1F 00 00",
    "/": "00 01 02 04 08 10 00",
    "%": "18 19 02 04 08 13 03",
    "±": "04 04 1F 04 04 00 1F",
    "?": "0E 11 01 02 04 00 04",
}


def _bitmap(rows: str) -> np.ndarray:
    values = [int(row, 16) for row in rows.split()]
    return np.array([[(v >> (GLYPH_WIDTH - 1 - x)) & 1 for x in range(GLYPH_WIDTH)] for v in values], dtype=bool)


_BITMAPS = {char: _bitmap(rows) for char, rows in _GLYPHS.items()}


def text_width(text: str, scale: int = 1) -> int:
    """Width in pixels of `text` drawn at `scale`."""
    return max(0, len(text) * ADVANCE - 1) * scale


def draw_text(image: np.ndarray, text: str, x: int, y: int, color: tuple[int, int, int], scale: int = 1) -> None:
    """Draw `text` (upper-cased; unknown characters as '?') into an (h, w, 3) image, clipped at its edges."""
    height, width, _ = image.shape
    for index, char in enumerate(text.upper()):
        glyph = _BITMAPS.get(char, _BITMAPS["?"])
        big = np.repeat(np.repeat(glyph, scale, axis=0), scale, axis=1)
        left = x + index * ADVANCE * scale
        top, right, bottom = y, left + big.shape[1], y + big.shape[0]
        if left >= width or top >= height or right <= 0 or bottom <= 0:
            continue
        rows = slice(max(0, -top), big.shape[0] - max(0, bottom - height))
        cols = slice(max(0, -left), big.shape[1] - max(0, right - width))
        region = image[max(0, top) : min(height, bottom), max(0, left) : min(width, right)]
        region[big[rows, cols]] = color
