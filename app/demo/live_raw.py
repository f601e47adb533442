"""One live session's raw side in the window: the block gate the session calls, and the worker behind it.

The session is built once with `on_block=side.feed`; the demo can then be switched off and on
during that session without touching it: `attach` starts a LiveRawWorker behind the gate,
`detach` takes it away. A detached worker skips every model run still queued (the cost of the
broken path ends with the switch), and `final_update` runs only the last window, once, when a
stopped session should show how it ended. Qt-free; `feed` runs on the session thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from app.demo.bypass import transcribe_raw
from app.demo.live_demo import LiveRawTranscriber, LiveRawUpdate
from app.demo.live_worker import LiveRawWorker
from app.demo.mismatch import Mismatch
from app.demo.result import DemoSide
from audio.constants import CHANNELS, SAMPLE_RATE
from audio.sources import CapturedBlock
from inference.errors import TranscriptionCancelled
from inference.loader import LoadedModel
from inference.options import TranscribeOptions


class RawAttachment:
    """One worker behind the gate; `skip` set means its queued and running model calls end at once."""

    def __init__(self, worker_factory: Callable[[RawAttachment], LiveRawWorker]) -> None:
        self.skip = threading.Event()
        self.final_seen = threading.Event()  # the worker ran finish(): its transcriber is no longer touched
        self.worker = worker_factory(self)

    def run(self, loaded: LoadedModel, samples: np.ndarray, options: TranscribeOptions) -> str:
        """The transcriber's model call: the demo's bypass, unless this attachment was detached."""
        if self.skip.is_set():
            return ""
        try:
            return transcribe_raw(loaded, samples, options, self.skip)
        except TranscriptionCancelled:
            return ""


UpdateFn = Callable[[RawAttachment, LiveRawUpdate], None]


class LiveRawSide:
    """The raw side of one live session, from a source of `sample_rate` Hz and `channels` channels."""

    def __init__(self, loaded: LoadedModel, sample_rate: int, channels: int, source_name: str = "") -> None:
        self.loaded = loaded
        self.sample_rate = sample_rate
        self.channels = channels
        self.source_name = source_name
        self._lock = threading.Lock()
        self._attachment: RawAttachment | None = None

    @property
    def attachment(self) -> RawAttachment | None:
        return self._attachment

    @property
    def attached(self) -> bool:
        return self._attachment is not None

    def feed(self, block: CapturedBlock) -> None:
        """Session thread: pass the native block to the worker, if one is attached (a queue put)."""
        with self._lock:
            if self._attachment is not None:
                self._attachment.worker.feed(block)

    def attach(
        self, mismatch: Mismatch, on_update: UpdateFn, on_error: Callable[[str], None] | None = None
    ) -> RawAttachment:
        """Start a worker that hears this session raw from now on (raises for a format it cannot take)."""

        def make_worker(attachment: RawAttachment) -> LiveRawWorker:
            transcriber = LiveRawTranscriber(
                self.loaded, self.sample_rate, self.channels, mismatch, runner=attachment.run
            )

            def report(update: LiveRawUpdate) -> None:
                if update.final:
                    attachment.final_seen.set()
                on_update(attachment, update)

            return LiveRawWorker(transcriber, report, on_error)

        attachment = RawAttachment(make_worker)
        with self._lock:
            self._attachment = attachment
        return attachment

    def detach(self) -> RawAttachment | None:
        """Stop feeding the worker and make its remaining model calls return at once; close it next."""
        with self._lock:
            attachment, self._attachment = self._attachment, None
        if attachment is not None:
            attachment.skip.set()
        return attachment

    def final_update(self, attachment: RawAttachment) -> LiveRawUpdate | None:
        """After its worker closed: one run over the session's last raw window (None when there is
        none, the worker failed, or it did not finish in time)."""
        worker = attachment.worker
        if worker.error is not None or not attachment.final_seen.is_set():
            return None
        transcriber = worker.transcriber
        window = transcriber.raw_window()
        if not window.size:
            return None
        started = time.perf_counter()
        text = transcribe_raw(transcriber.loaded, window, transcriber.options)
        side = DemoSide(
            text=text,
            sample_rate_fed=SAMPLE_RATE,
            channels_fed=CHANNELS,
            received=transcriber.mismatch.received(self.sample_rate, self.channels),
            seconds_as_seen=window.size / SAMPLE_RATE,
            processing_s=time.perf_counter() - started,
        )
        return LiveRawUpdate(side, transcriber.native_seconds, final=True)
