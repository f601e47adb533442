"""Whisper's encoder on several CPU threads, its token-by-token decoder on one.

CTranslate2 takes one thread count per loaded model. The encoder multiplies large matrices (a 30 s
window is 1500 frames) and gains from threads; the decoder multiplies a handful of rows (one per beam)
per token, where splitting each small product across threads costs more than it saves. Measured on
the 2-core AMD EPYC development machine, same words either way (tiny.en int8, beam 3, live buffers of
3-9 s): decoder 275-294 ms per run on 2 threads, 127-147 ms on 1; the encoder of a 49 s file's two 30 s
windows 0.91-0.94 s on 2 threads, 1.55-1.60 s on 1. base: decoder 417-595 ms against 292-399 ms.
OMP_WAIT_POLICY, GOMP_SPINCOUNT and KMP_BLOCKTIME did not change that. So on the CPU a second copy of
the weights with one thread decodes, and the model faster-whisper would build with the user's thread
count encodes and aligns (alignment is one parallel pass over all tokens, like the encoder). By default
only models up to SPLIT_MAX_BYTES get the copy.
"""

from __future__ import annotations

import os
from pathlib import Path

import ctranslate2

DECODER_THREADS = 1  # threads of the decoding copy on the CPU (see the module docstring)
# The copy costs the weights again, so by default only models up to this size on disk get one: tiny,
# base and small (about 75, 145 and 480 MB). Medium and large would double 1.5-3 GB, and their wider
# decoder (1024-1280 against 384-512) is where threads may pay off; that was not measured here.
SPLIT_MAX_BYTES = 600_000_000


def default_threads() -> int:
    """CTranslate2's own thread count for `intra_threads=0`: OMP_NUM_THREADS, else min(4, CPUs)."""
    try:
        asked = int(os.environ.get("OMP_NUM_THREADS", "0"))
    except ValueError:
        asked = 0
    return asked if asked > 0 else min(4, len(os.sched_getaffinity(0)) or 1)


class SplitWhisper:
    """A ctranslate2 Whisper model that encodes and aligns on `wide` and does everything else
    (generate, detect_language, the model's facts) on `narrow`, a one-thread copy of the same weights.

    faster-whisper only reaches the model through `self.model.<method>`, so it needs no change; a
    plain faster-whisper view of the model (the benchmarks' baseline) takes `wide`, the model a user
    of faster-whisper with this thread count gets.
    """

    def __init__(self, wide: ctranslate2.models.Whisper, narrow: ctranslate2.models.Whisper) -> None:
        self.wide = wide
        self.narrow = narrow

    def encode(self, *args, **kwargs):
        return self.wide.encode(*args, **kwargs)

    def align(self, *args, **kwargs):
        return self.wide.align(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.narrow, name)


def auto_decoder_threads(model_dir: str) -> int:
    """The default: DECODER_THREADS for a model up to SPLIT_MAX_BYTES, else 0 (one copy)."""
    weights = Path(model_dir) / "model.bin"
    small = weights.is_file() and weights.stat().st_size <= SPLIT_MAX_BYTES
    return DECODER_THREADS if small else 0


def split_for_cpu(
    wide: ctranslate2.models.Whisper, model_path: str, compute_type: str, encoder_threads: int, decoder_threads: int
) -> ctranslate2.models.Whisper | SplitWhisper:
    """`wide` with a `decoder_threads` copy beside it, when on the CPU with more encoder threads than that."""
    if wide.device != "cpu" or decoder_threads <= 0 or encoder_threads <= decoder_threads:
        return wide
    narrow = ctranslate2.models.Whisper(
        model_path, device="cpu", compute_type=compute_type, intra_threads=decoder_threads
    )
    return SplitWhisper(wide, narrow)


def unsplit(model: ctranslate2.models.Whisper | SplitWhisper) -> ctranslate2.models.Whisper:
    """The model faster-whisper itself would have built (the encoding copy of a split one)."""
    return model.wide if isinstance(model, SplitWhisper) else model
