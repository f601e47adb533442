"""Would forcing the committed words as a decoder prefix save decoder time? (issue 12's lever)

Decoder time only: CTranslate2's `generate` on one encoder output of an 8 s live-like buffer, beam 3,
on one thread (the live decoder's), once with Whisper's plain start sequence and once with the first
three quarters of that buffer's own tokens appended as a prefix. Second of two calls each, so nothing is timed cold.

    HF_HUB_OFFLINE=1 .venv/bin/python docs/bench/cpu-2core-intel-2026-12-03/prefix_decoder_cost.py base
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
from faster_whisper.tokenizer import Tokenizer

from audio.decode import decode_to_contract
from inference.aligned_model import engine_view
from inference.loader import load_model

READING = "/work/shared/audio/long_ljspeech_LJ023-0051_to_LJ023-0058.mp3"
FRAMES = 3000  # Whisper's 30 s window


def timed_generate(model, encoded, prompt: list[int]) -> tuple[float, list[int]]:
    elapsed = 0.0
    ids: list[int] = []
    for _ in range(2):
        start = time.perf_counter()
        result = model.model.generate(encoded, [prompt], beam_size=3, max_length=224, suppress_blank=False)[0]
        elapsed = time.perf_counter() - start
        ids = result.sequences_ids[0]
    return elapsed, ids


def main(name: str) -> None:
    model = engine_view(load_model(name, cpu_threads=1, decoder_threads=0).model)
    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
    start_ids = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    samples = decode_to_contract(READING)[0].samples
    plain_s, prefix_s = [], []
    for start in np.arange(0, 39, 3.0):
        features = model.feature_extractor(samples[int(start * 16000) : int((start + 8) * 16000)])[..., :FRAMES]
        features = np.pad(features, ((0, 0), (0, FRAMES - features.shape[-1])))
        encoded = model.encode(features)
        plain, ids = timed_generate(model, encoded, start_ids)
        keep = len(ids) * 3 // 4
        forced, _ = timed_generate(model, encoded, start_ids + ids[:keep])
        plain_s.append(plain)
        prefix_s.append(forced)
        print(f"{start:4.0f} s: {len(ids)} tokens, plain {plain * 1e3:.0f} ms, {keep} forced {forced * 1e3:.0f} ms")
    print(f"median plain {statistics.median(plain_s) * 1e3:.0f} ms, prefix {statistics.median(prefix_s) * 1e3:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tiny.en")
