"""ufal/whisper_streaming itself as a live baseline: its `whisper_online.py`, run as its users run it.

Benchmark-only: the file comes from a checkout of https://github.com/ufal/whisper_streaming given with
`--whisper-streaming PATH` (or WHISPERDESK_WHISPER_STREAMING); it imports librosa and soundfile
(`pip install -e '.[bench]'`). Nothing here is shipped.

How it is run, and why:
- Its defaults from `whisper_online.py`'s command line: min-chunk 1.0 s, buffer trimming by segment
  at 15 s, no VAD/VAC, `FasterWhisperASR.transcribe` as written (beam 5, word timestamps, conditioning
  on previous text, English).
- Its model loader hard-codes CUDA float16; a CPU user edits that line. Here it gets the same loaded
  weights as ours behind faster-whisper's unmodified decoding loop (`engine_view`), so both sides run
  the same model on the same device and compute type.
- Audio: the same real-time replay and the same conversion to 16 kHz mono as ours (its own simulation
  would load the file with librosa at once). Like its `--comp_unaware` off simulation, each step takes
  all the audio that arrived while the last one ran, once at least min-chunk seconds are new.
- Latency: per commit, emission time minus the capture time of the committed audio's end, as ours.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from app.bench.utterance_ends import CommitSpan
from audio.sources import CapturedBlock, ContractStream
from inference.aligned_model import engine_view
from inference.loader import LoadedModel
from inference.streaming_buffer import CaptureClock

ENV = "WHISPERDESK_WHISPER_STREAMING"
MIN_CHUNK_S = 1.0  # whisper_online.py --min-chunk-size default
TRIMMING = ("segment", 15)  # --buffer_trimming segment --buffer_trimming_sec 15
_END = object()


class WhisperStreamingMissing(RuntimeError):
    """The checkout or its dependencies are not there (one line says which)."""


def locate(path: str | None) -> Path | None:
    """whisper_online.py from --whisper-streaming PATH (a checkout or the file), else the environment."""
    given = path or os.environ.get(ENV)
    if not given:
        return None
    candidate = Path(given)
    found = candidate / "whisper_online.py" if candidate.is_dir() else candidate
    if not found.is_file():
        raise WhisperStreamingMissing(f"{found}: no whisper_online.py there (a checkout of ufal/whisper_streaming)")
    return found


def load_module(path: Path) -> ModuleType:
    """Import whisper_online.py from its file, reporting a missing dependency in one line."""
    spec = importlib.util.spec_from_file_location("whisper_online", path)
    if spec is None or spec.loader is None:
        raise WhisperStreamingMissing(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError as exc:
        raise WhisperStreamingMissing(f"{path} needs {exc.name}: pip install -e '.[bench]'") from None
    return module


@dataclass(frozen=True)
class BaselineSession:
    """What the whisper_streaming run produced."""

    text: str
    commits: list[CommitSpan]  # (audio start, audio end, latency) of each commit
    model_s: list[float]
    audio_s: float
    cpu_s: float
    wall_s: float


def _asr(module: ModuleType, loaded: LoadedModel):
    """Its FasterWhisperASR with our already-loaded weights instead of its CUDA-only loader."""
    plain = engine_view(loaded.model)

    class SameWeightsASR(module.FasterWhisperASR):  # type: ignore[name-defined]
        def load_model(self, modelsize=None, cache_dir=None, model_dir=None):
            return plain

    return SameWeightsASR("en", modelsize="tiny.en")


def run_session(module: ModuleType, loaded: LoadedModel, source) -> BaselineSession:
    """Replay `source` (a real-time AudioSource) through OnlineASRProcessor as whisper_online.py does."""
    asr = _asr(module, loaded)
    online = module.OnlineASRProcessor(asr, None, buffer_trimming=TRIMMING, logfile=open(os.devnull, "w"))  # noqa: SIM115
    stream = ContractStream(source.sample_rate, source.channels)
    blocks: queue.SimpleQueue[object] = queue.SimpleQueue()
    clock = CaptureClock()
    texts: list[str] = []
    commits: list[CommitSpan] = []
    model_s: list[float] = []

    def read() -> None:
        try:
            for block in source.blocks():
                blocks.put(block)
        finally:
            blocks.put(_END)

    def emit(committed: tuple) -> None:
        start, end, text = committed
        if text:
            texts.append(text)
            wall = clock.wall_time(end)
            commits.append((start, end, time.time() - wall if wall is not None else 0.0))

    cpu0, wall0 = time.process_time(), time.perf_counter()
    threading.Thread(target=read, name="ws-source-reader", daemon=True).start()
    audio_s, pending, ended = 0.0, [], False
    while not ended:
        item = blocks.get()
        items = [item]
        while True:
            try:
                items.append(blocks.get_nowait())
            except queue.Empty:
                break
        for item in items:
            if item is _END:
                ended = True
            chunk = stream.feed(item) if isinstance(item, CapturedBlock) else stream.flush() if ended else None
            if chunk is not None and chunk.samples.size:
                pending.append(chunk.samples)
                audio_s += chunk.samples.size / 16000
                clock.mark(audio_s, chunk.captured_at)
        if pending and (ended or sum(p.size for p in pending) >= MIN_CHUNK_S * 16000):
            online.insert_audio_chunk(np.concatenate(pending))
            pending = []
            started = time.perf_counter()
            committed = online.process_iter()
            model_s.append(time.perf_counter() - started)
            emit(committed)
    emit(online.finish())
    return BaselineSession(
        text="".join(texts).strip(),
        commits=commits,
        model_s=model_s,
        audio_s=audio_s,
        cpu_s=time.process_time() - cpu0,
        wall_s=time.perf_counter() - wall0,
    )
