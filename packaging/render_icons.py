"""Render the app icon's PNG sizes from its one SVG source, so the PNGs never drift from it.

Desktop menus, the AppStream catalog and the window title bar want bitmaps at fixed sizes; the SVG
in app/resources is the only file drawn by hand. Uses QtSvg from PySide6-Essentials (no display).
Run: `python packaging/render_icons.py` (build.sh runs it when a PNG is missing or older).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "app" / "resources"
SOURCE = RESOURCES / "whisperdesk.svg"
SIZES = (48, 128, 256)  # pixels: menu, software centre, high-DPI


def png_path(size: int) -> Path:
    """Where the PNG of one size lives, next to the SVG."""
    return RESOURCES / f"whisperdesk-{size}.png"


def render(source: Path, size: int, target: Path) -> None:
    """Draw `source` on a transparent size x size canvas and save it as PNG."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise ValueError(f"{source}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(target), "PNG"):
        raise OSError(f"{target}: cannot write PNG")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for size in SIZES:
        render(SOURCE, size, png_path(size))
        print(f"{png_path(size)} ({size}x{size})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
