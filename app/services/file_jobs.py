"""One file through the whole pipeline (decode -> convert -> contract -> model), Qt-free.

The CLI, the GUI's file queue and the benchmarks all call `transcribe_file`, so they
share every step. The model is a loaded local one or an OpenAI-compatible server: either way the
file is decoded and converted here, and only contract audio goes on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np

from audio.decode import NativeFormat, ProgressFn, decode_to_contract, iter_contract_blocks, probe
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.pipeline import conversion_settings, package_versions, pipeline_record
from inference.remote.server import RemoteServer
from inference.remote.transcribe import transcribe_remote, transcribe_remote_blocks
from inference.results import Segment, Transcript
from inference.transcribe import in_pieces, transcribe, transcribe_blocks

DECODE_SHARE = 0.1  # fraction of a file's progress bar given to decoding

Engine = LoadedModel | RemoteServer  # what transcribes: a model in this process, or a server


@dataclass(frozen=True)
class FileResult:
    """A transcribed file with the facts needed to trust and reproduce it."""

    file: str
    transcript: Transcript
    native: NativeFormat
    processing_s: float
    model: Engine
    options: TranscribeOptions

    @property
    def rtf(self) -> float:
        return self.processing_s / self.transcript.duration_s if self.transcript.duration_s else 0.0

    def _engine_record(self) -> dict:
        """Which weights made it (local) or which server and model (remote; the server's settings
        decide beam size and VAD, which the API does not carry)."""
        if isinstance(self.model, RemoteServer):
            return {
                "model": self.model.model,
                "server": self.model.display,
                "decoding": {"word_timestamps": self.options.word_timestamps, "hotwords": self.options.hotwords},
            }
        info = self.model.info
        return {
            "model": info.name,
            "model_sha256": info.sha256,
            "device": info.device,
            "compute_type": info.compute_type,
            "decoding": {
                "beam_size": self.options.beam_size,
                "vad_filter": self.options.vad_filter,
                "batch_size": self.options.batch_size,
                "hotwords": self.options.hotwords,
            },
        }

    def _pipeline_record(self) -> dict:
        if isinstance(self.model, RemoteServer):
            return {"server": self.model.record(), "versions": package_versions(), "conversion": conversion_settings()}
        return pipeline_record(self.model.info)

    def to_record(self) -> dict:
        """The JSON object printed by `transcribe --format json` and written by JSON export."""
        return {
            "file": self.file,
            "text": self.transcript.text,
            "task": self.options.task,
            "language": self.transcript.language,
            "language_probability": self.transcript.language_probability,
            "duration_s": round(self.transcript.duration_s, 3),
            "processing_s": round(self.processing_s, 3),
            "rtf": round(self.rtf, 4),
            **self._engine_record(),
            "input": {
                "sample_rate": self.native.sample_rate,
                "channels": self.native.channels,
                "codec": self.native.codec,
                "sample_format": self.native.sample_format,
                "container": self.native.container,
                "duration_s": self.native.duration_s,
                "peak": self.native.peak,
                "clipped_fraction": self.native.clipped_fraction,
                "decoded_s": self.native.decoded_s,
                "missing_s": self.native.missing_s,
            },
            "pipeline": self._pipeline_record(),
            "segments": [asdict(s) for s in self.transcript.segments],
        }


def transcribe_file(
    path: str | os.PathLike[str],
    loaded: Engine,
    options: TranscribeOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_segment: Callable[[Segment], None] | None = None,
) -> FileResult:
    """Decode, convert and transcribe one file on a local model or a server; progress covers both stages (0..1).

    A server's faults raise inference.remote.server.ServerError (one line naming it and the reason).
    """
    started = time.perf_counter()

    def decode_progress(fraction: float) -> None:
        if progress:
            progress(DECODE_SHARE * fraction)

    def model_progress(fraction: float) -> None:
        if progress:
            progress(DECODE_SHARE + (1 - DECODE_SHARE) * fraction)

    options = options or TranscribeOptions()
    native = probe(path)
    if in_pieces(native.duration_s):
        # a long file: transcribed piece by piece while it is decoded, never whole in memory
        decoded = [native]  # the last block's format carries what decoding found (level, length)

        def blocks() -> Iterator[np.ndarray]:
            for fmt, samples in iter_contract_blocks(path):
                decoded[0] = fmt
                yield samples

        if isinstance(loaded, RemoteServer):
            transcript = transcribe_remote_blocks(
                loaded, blocks(), native.duration_s, options, progress, cancel, on_segment
            )
        else:
            transcript = transcribe_blocks(loaded, blocks(), native.duration_s, options, progress, cancel, on_segment)
        native = decoded[0]
    else:
        audio, native = decode_to_contract(path, progress=decode_progress)
        if isinstance(loaded, RemoteServer):
            transcript = transcribe_remote(loaded, audio, options, model_progress, cancel, on_segment)
        else:
            transcript = transcribe(loaded, audio, options, model_progress, cancel, on_segment)
    return FileResult(str(path), transcript, native, time.perf_counter() - started, loaded, options)
