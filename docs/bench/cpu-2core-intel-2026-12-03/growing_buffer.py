"""Live hypotheses on a growing buffer of one recording: the live options, encoder window 15 s vs 30 s.

Shows which words a live step sees when, and with what probability; used to find where "stuff it"
became "stuffered" (the 3.0 s hypothesis under the 15 s window; the 30 s window keeps "Stuff it").

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python docs/bench/cpu-2core-intel-2026-12-03/growing_buffer.py \
        librispeech_test-clean_1089-134686-0001.flac "If the reader will excuse me, I will say nothing of my antecedents."
"""

from __future__ import annotations

import sys

import numpy as np

from audio.contract import PcmAudio
from audio.decode import decode_to_contract
from inference.boundary import run_model
from inference.loader import load_model
from inference.streaming import StreamingOptions

AUDIO = "/work/shared/audio/"


def main(name: str, prompt: str) -> None:
    loaded = load_model("tiny.en")
    samples = decode_to_contract(AUDIO + name)[0].samples
    for encoder_min_s in (15.0, None):
        options = StreamingOptions(encoder_min_s=encoder_min_s).transcribe_options(prompt, "en")
        print("encoder_min_s", encoder_min_s)
        for length in np.arange(0.6, min(4.0, samples.size / 16000), 0.2):
            audio = PcmAudio(samples[: int(length * 16000)], 16000, 1)
            segments, _, _ = run_model(loaded, audio, options)
            words = [f"{w.text}({w.probability:.2f})" for s in segments for w in s.words]
            print(f"  {length:.1f} s", " ".join(words))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
