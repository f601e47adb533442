"""The input-contract demo: the same audio through the converted path and through a deliberately
broken raw path, side by side, so the user sees what a silent contract break produces.

Qt-free. The file demo (`run_file_demo`) and the live hook (`LiveRawTranscriber`) are the entry
points; `app.gui.contract_demo_view.ContractDemoView` shows their results.
"""

from __future__ import annotations

from app.demo.file_demo import DEFAULT_MAX_SECONDS, run_file_demo
from app.demo.live_demo import LiveRawTranscriber, LiveRawUpdate
from app.demo.mismatch import Mismatch, RawStream
from app.demo.result import BANNER, NO_TEXT, DemoResult, DemoSide, NativeAudio

__all__ = [
    "BANNER",
    "DEFAULT_MAX_SECONDS",
    "NO_TEXT",
    "DemoResult",
    "DemoSide",
    "LiveRawTranscriber",
    "LiveRawUpdate",
    "Mismatch",
    "NativeAudio",
    "RawStream",
    "run_file_demo",
]
