"""The live hook: native blocks in, the raw window re-transcribed every few seconds of audio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.demo.live_demo import LiveRawTranscriber
from app.demo.mismatch import Mismatch, RawStream
from app.demo.result import NO_TEXT
from app.services.wer import wer
from audio.constants import SAMPLE_RATE
from audio.decode import iter_native_blocks
from inference.options import TranscribeOptions

CAPTURE_FRAMES = 1024  # a typical capture block


@pytest.fixture(scope="module")
def jfk(audio_dir: Path) -> tuple[np.ndarray, int]:
    """The shared 44.1 kHz stereo recording as (frames, channels) float32 and its rate."""
    pairs = list(iter_native_blocks(audio_dir / "jfk.flac"))
    return np.concatenate([block for _, block in pairs]), pairs[0][0].sample_rate


def _capture_blocks(frames: np.ndarray) -> Iterator[np.ndarray]:
    """The recording cut as a capture device delivers it."""
    for start in range(0, len(frames), CAPTURE_FRAMES):
        yield frames[start : start + CAPTURE_FRAMES]


class _RecordingRunner:
    """Stands in for the model to check scheduling: records each window it is given."""

    def __init__(self) -> None:
        self.windows: list[np.ndarray] = []

    def __call__(self, loaded, samples: np.ndarray, options: TranscribeOptions) -> str:
        self.windows.append(samples.copy())
        return f"run {len(self.windows)}"


def test_runs_every_few_seconds_on_the_latest_raw_window(jfk):
    """With every_s=3 over 11 s of 44.1 kHz stereo, runs come at 3, 6, 9 s and at the end, each on the
    raw stream's latest samples (at most window_s as seen)."""
    frames, rate = jfk
    runner = _RecordingRunner()
    live = LiveRawTranscriber(None, rate, 2, Mismatch.INTERLEAVED, every_s=3.0, window_s=20.0, runner=runner)
    updates = [u for block in _capture_blocks(frames) if (u := live.feed(block)) is not None]
    final = live.finish()
    assert [round(u.native_seconds) for u in updates] == [3, 6, 9]
    assert final is not None and final.final and final.native_seconds == pytest.approx(11.0)
    full = RawStream(Mismatch.INTERLEAVED, rate, 2).process(frames)
    assert np.array_equal(runner.windows[-1], full[-20 * SAMPLE_RATE :])
    first_raw_samples = round(updates[0].native_seconds * rate) * 2
    assert np.array_equal(runner.windows[0], full[:first_raw_samples])
    assert updates[1].side.seconds_as_seen == pytest.approx(20.0)  # 6 s x 5.5 > 20 s: capped to the window
    assert final.side.text == "run 4" and final.side.sample_rate_fed == SAMPLE_RATE


def test_finish_without_audio_and_feed_after_finish():
    """No audio means no final update; feeding a finished session is a clear error."""
    live = LiveRawTranscriber(None, 48000, 1, runner=_RecordingRunner())
    assert live.finish() is None
    with pytest.raises(RuntimeError, match="after finish"):
        live.feed(np.zeros((10, 1), dtype=np.float32))


def test_title_names_the_device_format():
    """The raw pane title follows the session's native format and mismatch."""
    live = LiveRawTranscriber(None, 48000, 2, Mismatch.NO_RESAMPLE, runner=_RecordingRunner())
    assert live.title == "Raw: 48 kHz mono (downmixed, not resampled) passed as 16 kHz mono (contract broken)"


@pytest.mark.model
def test_live_raw_pane_really_runs_the_model(jfk, tiny_model, utterance):
    """Fed capture-sized blocks, the real model transcribes each raw window; the text is no longer the speech."""
    frames, rate = jfk
    live = LiveRawTranscriber(tiny_model, rate, 2, Mismatch.NO_RESAMPLE, every_s=5.0, window_s=40.0)
    updates = [u for block in _capture_blocks(frames) if (u := live.feed(block)) is not None]
    updates.append(live.finish())
    assert len(updates) == 3
    assert all(u.side.processing_s > 0 for u in updates)
    final = updates[-1].side
    assert final.seconds_as_seen == pytest.approx(11.0 * rate / SAMPLE_RATE, abs=0.01)
    assert final.display_text == NO_TEXT or wer(utterance("jfk.flac").reference, final.text) >= 0.8


def test_worker_runs_the_raw_side_off_the_feeding_thread(jfk):
    """LiveRawWorker: feed() only queues; every block reaches the transcriber in order, the updates
    arrive from the worker thread, and close() delivers the final one."""
    import threading

    from app.demo.live_worker import LiveRawWorker

    frames, rate = jfk
    runner = _RecordingRunner()
    threads: list[str] = []
    updates = []

    def on_update(update):
        threads.append(threading.current_thread().name)
        updates.append(update)

    transcriber = LiveRawTranscriber(None, rate, frames.shape[1], every_s=3.0, runner=runner)
    worker = LiveRawWorker(transcriber, on_update)
    for block in _capture_blocks(frames):
        worker.feed(block)
    worker.close(timeout=30)
    assert [u.final for u in updates] == [False] * (len(updates) - 1) + [True]
    assert set(threads) == {"contract-demo-raw"}
    assert worker.error is None
    assert updates[-1].native_seconds == pytest.approx(len(frames) / rate)
    seen = [u.native_seconds for u in updates]
    assert seen == sorted(seen)


def test_a_backlog_is_caught_up_in_one_run(jfk):
    """While a raw run is slower than speech, the blocks queued behind it are taken together and run
    once: the raw side stays one run behind at most instead of queueing a run per 3 s of audio."""
    import threading

    from app.demo.live_worker import LiveRawWorker

    frames, rate = jfk
    gate = threading.Event()
    windows: list[np.ndarray] = []

    def slow(loaded, samples, options):
        gate.wait(30)  # the first run lasts until every block has been queued
        windows.append(samples.copy())
        return ""

    transcriber = LiveRawTranscriber(None, rate, frames.shape[1], every_s=3.0, runner=slow)
    worker = LiveRawWorker(transcriber, lambda update: None)
    for block in _capture_blocks(frames):
        worker.feed(block)
    gate.set()
    worker.close(timeout=30)
    assert worker.error is None
    # unbatched it would be 4 runs (at 3, 6 and 9 s, and the final window); batched, the backlog is one run
    assert 2 <= len(windows) <= 3
    full = RawStream(Mismatch.INTERLEAVED, rate, 2).process(frames)
    assert np.array_equal(windows[-1], full[-30 * SAMPLE_RATE :])


def test_a_failure_in_the_last_run_does_not_hang_close(jfk):
    """An error from the final run is reported and close() returns (the thread does not wait forever)."""
    from app.demo.live_worker import LiveRawWorker

    frames, rate = jfk
    errors: list[str] = []

    def broken(*args):
        raise RuntimeError("CUDA failed")

    transcriber = LiveRawTranscriber(None, rate, frames.shape[1], every_s=60.0, runner=broken)
    worker = LiveRawWorker(transcriber, lambda update: None, on_error=errors.append)
    worker.feed(frames[:4096])
    worker.close(timeout=10)
    assert not worker._thread.is_alive()
    assert errors == ["contract demo (raw side) stopped: CUDA failed"]


def test_a_failing_raw_side_reports_once_and_never_blocks(jfk):
    """A model failure on the raw side is one error message; feeding and closing still return."""
    from app.demo.live_worker import LiveRawWorker

    frames, rate = jfk

    def broken(*args):
        raise RuntimeError("out of memory\nmore detail")

    errors: list[str] = []
    transcriber = LiveRawTranscriber(None, rate, frames.shape[1], every_s=1.0, runner=broken)
    worker = LiveRawWorker(transcriber, lambda update: None, on_error=errors.append)
    for block in _capture_blocks(frames):
        worker.feed(block)
    worker.close(timeout=30)
    assert errors == ["contract demo (raw side) stopped: out of memory"]
