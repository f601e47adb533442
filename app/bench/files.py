"""`whisperdesk bench files`: our file pipeline against plain faster-whisper on the shared English set.

Both sides run in this process on the same loaded model with the same decoding options (beam 5,
Silero VAD on, word timestamps on, language en), so the only difference is the audio path: ours is
PyAV at the native format -> StreamConverter (mean downmix, soxr HQ) -> contract check, theirs is
`WhisperModel.transcribe(path)` with faster-whisper's own decode_audio (FFmpeg's resampler).

Timing: after one untimed warm-up per side, each file runs `--repeat` times per side, alternating
which side goes first; a file's time is its fastest run (least disturbed by other load), summed.
Memory: same process, so the peak RSS high-water mark is reset before every run (Linux
/proc/self/clear_refs) and the highest peak per side is reported, model included; "growth" is that
peak minus the RSS at the reset, i.e. what one transcription adds on top of the loaded model.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.bench.dataset import Utterance, english_set
from app.bench.memory import current_rss_bytes, peak_rss_bytes, reset_peak_rss
from app.bench.wer import corpus_wer, wer
from app.commands.common import UserError, add_model_args, load_from_args
from app.file_jobs import transcribe_file
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.pipeline import pipeline_record

OURS = "whisperdesk"
PLAIN = "faster-whisper"
OPTIONS = TranscribeOptions(language="en", beam_size=5, vad_filter=True, word_timestamps=True)
WER_TARGET_POINTS = 0.5  # |WER ours - WER plain| in percentage points
OVERHEAD_TARGET = 0.05  # ours may take at most 5% longer than plain

# A side transcribes one file and returns (text, audio seconds).
Side = Callable[[Path], tuple[str, float]]


@dataclass(frozen=True)
class Run:
    """One timed transcription of one file by one side."""

    text: str
    audio_s: float
    processing_s: float
    peak_rss: int | None
    rss_growth: int | None


@dataclass(frozen=True)
class FileScore:
    """One file on one side: fastest time over the repeats and the WER of its (first) transcript."""

    file: str
    audio_s: float
    processing_s: float
    wer: float
    text: str


@dataclass(frozen=True)
class SideSummary:
    """A table row."""

    name: str
    files: int
    audio_s: float
    processing_s: float
    rtf: float
    peak_rss_mb: float | None
    rss_growth_mb: float | None
    wer: float
    per_file: tuple[FileScore, ...] = field(repr=False)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "files", help="file transcription vs plain faster-whisper: time, RTF, peak RSS, WER, ratio"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N English files")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per file and side (fastest is kept)")
    parser.add_argument("--json", action="store_true", help="print one machine-readable JSON object")
    add_model_args(parser)
    parser.set_defaults(func=run)


def our_side(loaded: LoadedModel) -> Side:
    """whisperdesk's pipeline: transcribe_file (decode, convert, contract check, model)."""

    def transcribe(path: Path) -> tuple[str, float]:
        result = transcribe_file(path, loaded, OPTIONS)
        return result.transcript.text, result.transcript.duration_s

    return transcribe


def plain_side(loaded: LoadedModel) -> Side:
    """Plain faster-whisper on the same model: WhisperModel.transcribe(path_str, same options)."""
    kwargs = OPTIONS.to_kwargs()

    def transcribe(path: Path) -> tuple[str, float]:
        segments, info = loaded.model.transcribe(str(path), **kwargs)
        texts = tuple(s.text for s in segments)  # the generator does the work: consume it inside the timing
        return " ".join(t.strip() for t in texts if t.strip()), info.duration

    return transcribe


def timed(side: Side, path: Path) -> Run:
    """Run one side on one file, with wall time and this run's own peak RSS."""
    reset = reset_peak_rss()
    base = current_rss_bytes()
    started = time.perf_counter()
    text, audio_s = side(path)
    elapsed = time.perf_counter() - started
    peak = peak_rss_bytes() if reset else None
    growth = peak - base if peak is not None and base is not None else None
    return Run(text, audio_s, elapsed, peak, growth)


def measure(
    files: list[Utterance], sides: dict[str, Side], repeat: int, progress: Callable[[str], None] | None = None
) -> dict[str, list[list[Run]]]:
    """runs[side][file index] = that file's runs; sides alternate who goes first."""
    runs: dict[str, list[list[Run]]] = {name: [[] for _ in files] for name in sides}
    names = list(sides)
    for round_index in range(repeat):
        for index, utt in enumerate(files):
            order = names if (round_index + index) % 2 == 0 else names[::-1]
            for name in order:
                runs[name][index].append(timed(sides[name], utt.path))
            if progress:
                progress(f"run {round_index + 1}/{repeat}, file {index + 1}/{len(files)}: {utt.name}")
    return runs


def _score(utt: Utterance, runs: list[Run]) -> FileScore:
    first = runs[0]
    fastest = min(r.processing_s for r in runs)
    return FileScore(utt.name, first.audio_s, fastest, wer(utt.reference, first.text), first.text)


def summarize(name: str, files: list[Utterance], runs: list[list[Run]]) -> SideSummary:
    """Fastest time per file, summed; peak RSS over all runs; corpus WER of the first transcripts."""
    scores = tuple(_score(utt, file_runs) for utt, file_runs in zip(files, runs, strict=True))
    every = [r for file_runs in runs for r in file_runs]
    peaks = [r.peak_rss for r in every if r.peak_rss is not None]
    growths = [r.rss_growth for r in every if r.rss_growth is not None]
    audio_s = sum(s.audio_s for s in scores)
    processing_s = sum(s.processing_s for s in scores)
    return SideSummary(
        name=name,
        files=len(scores),
        audio_s=audio_s,
        processing_s=processing_s,
        rtf=processing_s / audio_s if audio_s else 0.0,
        peak_rss_mb=max(peaks) / 2**20 if peaks else None,
        rss_growth_mb=max(growths) / 2**20 if growths else None,
        wer=corpus_wer([u.reference for u in files], [s.text for s in scores]),
        per_file=scores,
    )


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _ratio(ours: float | None, plain: float | None) -> str:
    return "-" if not ours or not plain else f"{ours / plain:.3f}"


def format_table(ours: SideSummary, plain: SideSummary, header: str) -> str:
    """The human-readable report: both rows, their ratio, the targets, then per-file WER differences."""
    head = f"{'':<20}{'files':>6}{'audio s':>10}{'proc s':>9}{'RTF':>8}{'peak RSS MB':>13}{'growth MB':>11}{'WER %':>8}"
    lines = [header, "", head]
    for side in (ours, plain):
        lines.append(
            f"{side.name:<20}{side.files:>6}{side.audio_s:>10.1f}{side.processing_s:>9.2f}{side.rtf:>8.4f}"
            f"{_mb(side.peak_rss_mb):>13}{_mb(side.rss_growth_mb):>11}{100 * side.wer:>8.2f}"
        )
    wer_points = 100 * (ours.wer - plain.wer)
    lines.append(
        f"{'ratio ours/plain':<20}{'':>6}{'':>10}{_ratio(ours.processing_s, plain.processing_s):>9}"
        f"{_ratio(ours.rtf, plain.rtf):>8}{_ratio(ours.peak_rss_mb, plain.peak_rss_mb):>13}"
        f"{_ratio(ours.rss_growth_mb, plain.rss_growth_mb):>11}{wer_points:>+8.2f}"
    )
    overhead = ours.processing_s / plain.processing_s - 1 if plain.processing_s else 0.0
    lines += [
        "",
        f"WER difference {wer_points:+.2f} points (target within {WER_TARGET_POINTS}): "
        f"{'met' if abs(wer_points) <= WER_TARGET_POINTS else 'MISSED'}",
        f"time overhead {100 * overhead:+.1f}% (target under {100 * OVERHEAD_TARGET:.0f}%): "
        f"{'met' if overhead < OVERHEAD_TARGET else 'MISSED'}",
        "",
        f"{'per-file WER %':<48}{'ours':>7}{'plain':>7}{'diff':>7}{'ours s':>8}{'plain s':>8}",
    ]
    for mine, theirs in zip(ours.per_file, plain.per_file, strict=True):
        lines.append(
            f"{mine.file:<48}{100 * mine.wer:>7.2f}{100 * theirs.wer:>7.2f}{100 * (mine.wer - theirs.wer):>+7.2f}"
            f"{mine.processing_s:>8.2f}{theirs.processing_s:>8.2f}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    files = english_set()[: args.limit] if args.limit else english_set()
    if not files or args.repeat < 1:
        raise UserError("nothing to run: --limit and --repeat must be at least 1")
    loaded = load_from_args(args)
    sides = {OURS: our_side(loaded), PLAIN: plain_side(loaded)}
    for side in sides.values():  # warm-up, untimed
        side(files[0].path)
    runs = measure(files, sides, args.repeat)
    ours = summarize(OURS, files, runs[OURS])
    plain = summarize(PLAIN, files, runs[PLAIN])
    info = loaded.info
    settings = {
        "model": info.name,
        "model_sha256": info.sha256,
        "device": info.device,
        "compute_type": info.compute_type,
        "options": asdict(OPTIONS),
        "repeat": args.repeat,
        "timing": "fastest of the repeats per file, summed; sides alternate who runs first",
        "rss": "peak RSS of this process during each run (model included), high-water mark reset before each run",
    }
    if args.json:
        print(
            json.dumps(
                {
                    "settings": settings,
                    "pipeline": pipeline_record(info),
                    "sides": {s.name: asdict(s) for s in (ours, plain)},
                    "ratio": {
                        "processing_s": ours.processing_s / plain.processing_s if plain.processing_s else None,
                        "wer_points": 100 * (ours.wer - plain.wer),
                    },
                },
                ensure_ascii=False,
            )
        )
        return 0
    header = (
        f"bench files: {len(files)} English files of the shared set, {info.name} {info.compute_type} on {info.device}, "
        f"beam {OPTIONS.beam_size}, VAD on, word timestamps on, fastest of {args.repeat} run(s) per file"
    )
    print(format_table(ours, plain, header))
    return 0
