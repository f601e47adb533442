"""The raw side of a live contract demo on its own thread, so the converted transcript keeps its pace.

A LiveSession hands every native block to `feed` (cheap: a queue put). The worker thread passes
the blocks to a LiveRawTranscriber, which runs the model through the demo's bypass every few
seconds of audio, and reports each LiveRawUpdate through `on_update` (from the worker thread).
`close()` runs the last window and joins. Blocks are never dropped; when the model is slower than
speech, the queued blocks are added at once and run on once, so the raw side never falls behind
by more than one run.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

import numpy as np

from app.demo.live_demo import LiveRawTranscriber, LiveRawUpdate
from audio.errors import first_line
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
        closing = False
        try:
            while not closing:
                blocks = self._take()
                closing = blocks[-1] is _CLOSE
                data = [b for b in blocks if b is not _CLOSE]
                for block in data[:-1]:  # a backlog (the model was slower than speech): one run for all of it
                    self.transcriber.add(block)  # type: ignore[arg-type]
                update = self.transcriber.feed(data[-1]) if data else None  # type: ignore[arg-type]
                if update is not None:
                    self.on_update(update)
            update = self.transcriber.finish()
            if update is not None:
                self.on_update(update)
        except Exception as exc:  # the demo must never take the real transcript down with it
            detail = first_line(exc)
            self.error = f"contract demo (raw side) stopped: {detail}"
            if self.on_error is not None:
                self.on_error(self.error)
            while not closing:  # drain until close() so feed() never piles up
                closing = self._queue.get() is _CLOSE

    def _take(self) -> list[object]:
        """The next queued item and everything queued behind it, up to and including a close."""
        items = [self._queue.get()]
        while items[-1] is not _CLOSE:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items
