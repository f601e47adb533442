"""`whisperdesk bench long`: a long recording (two hours by default) through `transcribe_file`, as a user
who drops a lecture or a podcast on the window would: time to the first segment, real-time factor,
peak RSS (model included) and WER.

The recording is the shared LibriSpeech and LJ Speech utterances repeated with 1 s pauses, written as
a 44.1 kHz stereo WAV (a podcast's format) into a temporary folder and removed afterwards. Targets:
peak RSS under 1 GB and the first segment within the first minute.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

from app.bench.dataset import english_set
from app.bench.live_corpus import build_session, librispeech_and_ljspeech
from app.bench.memory import current_rss_bytes, peak_rss_bytes, reset_peak_rss
from app.commands.common import UserError, add_model_args, load_from_args
from app.services.file_jobs import transcribe_file
from app.services.units import MB
from app.services.wer import wer
from inference.options import TranscribeOptions
from inference.transcribe import PIECE_S

PEAK_RSS_TARGET_MB = 1024
FIRST_SEGMENT_TARGET_S = 60.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("long", help="a long recording: time to first segment, RTF, peak RSS, WER")
    parser.add_argument("--minutes", type=float, default=120.0, help="length of the recording (default 120)")
    parser.add_argument("--batched", type=int, default=0, metavar="N", help="decode VAD-cut chunks N at a time")
    parser.add_argument("--json", action="store_true", help="print one machine-readable JSON object")
    add_model_args(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.minutes <= 0:
        raise UserError("--minutes must be positive")
    utterances = librispeech_and_ljspeech(english_set())
    loaded = load_from_args(args)
    with tempfile.TemporaryDirectory(prefix="whisperdesk-long-") as folder:
        one_round = sum(u.duration_s + 1.0 for u in utterances)  # each utterance and its pause
        rounds = max(1, math.ceil(args.minutes * 60 / one_round))
        corpus = build_session(utterances * rounds, Path(folder) / "long.wav", 44100, 2, 1.0)
        reset = reset_peak_rss()
        before = current_rss_bytes()
        started = time.perf_counter()
        first: list[float] = []

        def on_segment(segment: object) -> None:
            if not first:
                first.append(time.perf_counter() - started)

        options = TranscribeOptions(language="en", batch_size=args.batched)
        result = transcribe_file(corpus.path, loaded, options, on_segment=on_segment)
        peak = peak_rss_bytes() if reset else None
    report = {
        "audio_s": round(result.transcript.duration_s, 1),
        "processing_s": round(result.processing_s, 1),
        "rtf": round(result.rtf, 4),
        "first_segment_s": round(first[0], 1) if first else None,
        "peak_rss_mb": round(peak / MB) if peak else None,
        "rss_before_mb": round(before / MB) if before else None,
        "wer": round(wer(corpus.reference, result.transcript.text), 4),
        "segments": len(result.transcript.segments),
        "piece_s": PIECE_S,
        "batch_size": args.batched,
        "model": loaded.info.name,
        "device": loaded.info.device,
        "compute_type": loaded.info.compute_type,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    peak_mb, first_s = report["peak_rss_mb"], report["first_segment_s"]
    print(
        f"bench long: {report['audio_s'] / 60:.1f} min of 44.1 kHz stereo speech, {loaded.info.describe()}\n"
        f"processing {report['processing_s']:.1f} s (RTF {report['rtf']:.4f}), WER {100 * report['wer']:.2f}%\n"
        f"first segment after {first_s} s (target under {FIRST_SEGMENT_TARGET_S:.0f} s): "
        f"{'met' if first_s is not None and first_s < FIRST_SEGMENT_TARGET_S else 'MISSED'}\n"
        f"peak RSS {peak_mb} MB, model included (target under {PEAK_RSS_TARGET_MB} MB): "
        f"{'met' if peak_mb is not None and peak_mb < PEAK_RSS_TARGET_MB else 'MISSED'}"
    )
    return 0
