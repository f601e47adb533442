"""The raw side of a live contract demo on its own thread, so the converted transcript keeps its pace.

A LiveSession hands every native block to `feed` (cheap: a queue put). The worker thread passes
the blocks to a LiveRawTranscriber, which runs the model through the demo's bypass every few
seconds of audio, and reports each LiveRawUpdate through `on_update` (from the worker thread).
`close()` runs the last window and joins. Blocks are never dropped: the raw side lags instead,
since what it shows is the whole session as the model would have heard it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

import numpy as np

from app.demo.live_demo import LiveRawTranscriber, LiveRawUpdate
from audio.sources import CapturedBlock

UpdateFn = Callable[[LiveRawUpdate], None]
ErrorFn = Callable[[str], None]
_CLOSE = object()


class LiveRawWorker:
    """Runs `transcriber` on a thread fed by `feed`; one worker per session."""

    def __init__(self, transcriber: LiveRawTranscriber, on_update: UpdateFn, on_error: ErrorFn | None = None) -> None:
        self.transcriber = transcriber
        self.on_update = on_update
        self.on_error = on_error
        self.error: str | None = None
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="contract-demo-raw", daemon=True)
        self._thread.start()

    def feed(self, block: CapturedBlock | np.ndarray) -> None:
        """Queue one native block (frames, channels); returns at once."""
        data = block.data if isinstance(block, CapturedBlock) else block
        self._queue.put(data)

    def close(self, timeout: float | None = None) -> None:
        """Transcribe the last window, report it, and stop the thread."""
        self._queue.put(_CLOSE)
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is _CLOSE:
                    update = self.transcriber.finish()
                    if update is not None:
                        self.on_update(update)
                    return
                update = self.transcriber.feed(item)  # type: ignore[arg-type]
                if update is not None:
                    self.on_update(update)
        except Exception as exc:  # the demo must never take the real transcript down with it
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.error = f"contract demo (raw side) stopped: {detail}"
            if self.on_error is not None:
                self.on_error(self.error)
            while self._queue.get() is not _CLOSE:  # drain until close() so feed() never piles up
                pass
