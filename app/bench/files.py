"""`whisperdesk bench files`: our file pipeline against plain faster-whisper on the shared English set.

The baseline is faster-whisper as its users call it: `WhisperModel.transcribe(path, language="en",
beam_size=5)`, its own defaults otherwise (no VAD, no word timestamps, its own decode_audio and FFmpeg
resampler), on faster-whisper's unmodified decoding loop (inference.aligned_model.engine_view). The
rows, all in one run on the same loaded weights:
- whisperdesk: `transcribe_file` with the defaults `whisperdesk transcribe` uses (beam 5, Silero VAD,
  word timestamps added after decoding);
- whisperdesk batched: the same with `--batched` (VAD-cut chunks decoded 8 at a time);
- faster-whisper: the baseline above;
- faster-whisper, our options: the engine with our options mirrored (VAD and its own word timestamps),
  a second, labelled row: mirroring options onto a baseline hid a loss once, so it is never the baseline;
- server N (with `--server URL`, repeatable): `transcribe_file` on that OpenAI-compatible server, the
  conversion here and the decoding there, compared with the local whisperdesk row of the same run. Its
  RSS columns are this process's (the client's); the server's own memory is not seen from here.

Timing: after one untimed warm-up per side, each file runs `--repeat` times per side, the order of the
sides rotating from file to file; a file's time is its fastest run (least disturbed by other load), summed.
Memory: same process, so the peak RSS high-water mark is reset before every run (Linux
/proc/self/clear_refs) and the highest peak per side is reported, model included; "growth" is that
peak minus the RSS at the reset, i.e. what one transcription adds on top of the loaded model.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from app.bench.dataset import Utterance, english_set
from app.bench.memory import current_rss_bytes, peak_rss_bytes, reset_peak_rss
from app.commands.common import UserError, add_model_args, add_server_args, load_from_args, servers_from_args
from app.services.file_jobs import transcribe_file
from app.services.units import to_mb
from app.services.wer import corpus_wer, wer
from inference.aligned_model import engine_view
from inference.loader import LoadedModel
from inference.options import BATCH_SIZE, TranscribeOptions
from inference.pipeline import pipeline_record
from inference.remote.server import RemoteServer

OURS = "whisperdesk"
OURS_BATCHED = "whisperdesk batched"
PLAIN = "faster-whisper"
PLAIN_SAME = "faster-whisper, our options"
BASELINE = PLAIN
OPTIONS = TranscribeOptions(language="en")  # what `whisperdesk transcribe` does (beam 5, VAD, word timestamps)
BATCHED = replace(OPTIONS, batch_size=BATCH_SIZE)
PLAIN_KWARGS = {"language": "en", "beam_size": 5}  # faster-whisper as its README calls it
WER_TARGET_POINTS = 0.5  # |WER ours - WER baseline| in percentage points
OVERHEAD_TARGET = 0.05  # ours may take at most 5% longer than the baseline
SERVER_WER_TARGET_POINTS = 1.0  # |WER on a server - WER local| in percentage points (issue 13)

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
    add_server_args(parser)
    parser.set_defaults(func=run)


def our_side(loaded: LoadedModel | RemoteServer, options: TranscribeOptions = OPTIONS) -> Side:
    """whisperdesk's pipeline: transcribe_file (decode, convert, contract check, then the model here or
    contract audio sent to the server)."""

    def transcribe(path: Path) -> tuple[str, float]:
        result = transcribe_file(path, loaded, options)
        return result.transcript.text, result.transcript.duration_s

    return transcribe


def plain_side(loaded: LoadedModel, kwargs: dict | None = None) -> Side:
    """Plain faster-whisper on the same weights: WhisperModel.transcribe(path_str, **kwargs), its own loop."""
    model = engine_view(loaded.model)
    kwargs = PLAIN_KWARGS if kwargs is None else kwargs

    def transcribe(path: Path) -> tuple[str, float]:
        segments, info = model.transcribe(str(path), **kwargs)
        texts = tuple(s.text for s in segments)  # the generator does the work: consume it inside the timing
        return " ".join(t.strip() for t in texts if t.strip()), info.duration

    return transcribe


def server_names(servers: list[RemoteServer]) -> dict[str, RemoteServer]:
    """Row names for the servers ("server 1", ...): URLs are too long for the table's first column."""
    return {f"server {i}": server for i, server in enumerate(servers, 1)}


def all_sides(loaded: LoadedModel) -> dict[str, Side]:
    """The rows of the table, baseline included."""
    return {
        OURS: our_side(loaded),
        OURS_BATCHED: our_side(loaded, BATCHED),
        PLAIN: plain_side(loaded),
        PLAIN_SAME: plain_side(loaded, OPTIONS.to_kwargs()),
    }


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
    """runs[side][file index] = that file's runs; the side that goes first rotates."""
    runs: dict[str, list[list[Run]]] = {name: [[] for _ in files] for name in sides}
    names = list(sides)
    for round_index in range(repeat):
        for index, utt in enumerate(files):
            shift = (round_index + index) % len(names)
            for name in names[shift:] + names[:shift]:
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
        peak_rss_mb=to_mb(max(peaks)) if peaks else None,
        rss_growth_mb=to_mb(max(growths)) if growths else None,
        wer=corpus_wer([u.reference for u in files], [s.text for s in scores]),
        per_file=scores,
    )


def ratios(side: SideSummary, baseline: SideSummary) -> dict[str, float | None]:
    """A row against the baseline: time ratio and WER difference in points."""
    return {
        "processing_s": side.processing_s / baseline.processing_s if baseline.processing_s else None,
        "wer_points": 100 * (side.wer - baseline.wer),
    }


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def against_local(summaries: list[SideSummary], servers: dict[str, RemoteServer]) -> dict[str, dict]:
    """Each server row against the local whisperdesk row of the same run: WER points and time ratio."""
    ours = next(s for s in summaries if s.name == OURS)
    return {
        s.name: {"url": servers[s.name].display, "model": servers[s.name].model, **ratios(s, ours)}
        for s in summaries
        if s.name in servers
    }


def format_servers(compared: dict[str, dict]) -> list[str]:
    """The lines saying how each server did against local transcription."""
    lines = []
    for name, row in compared.items():
        points = row["wer_points"]
        lines.append(
            f"{name} = {row['url']} (model {row['model']}) against {OURS} on this computer: "
            f"WER {points:+.2f} points (target within {SERVER_WER_TARGET_POINTS:g}): "
            f"{'met' if abs(points) <= SERVER_WER_TARGET_POINTS else 'MISSED'}, time x{row['processing_s'] or 0:.3f}"
        )
    return lines


def format_table(summaries: list[SideSummary], header: str) -> str:
    """The human-readable report: every row with its time ratio and WER difference against the
    baseline, the targets for our default row, then per-file WER."""
    baseline = next(s for s in summaries if s.name == BASELINE)
    head = (
        f"{'':<30}{'files':>6}{'audio s':>10}{'proc s':>9}{'RTF':>8}{'peak RSS MB':>13}{'growth MB':>11}"
        f"{'WER %':>8}{'time x':>8}{'WER +pt':>9}"
    )
    lines = [header, f"baseline: {BASELINE} (its defaults, path input)", "", head]
    for side in summaries:
        ratio = ratios(side, baseline)
        lines.append(
            f"{side.name:<30}{side.files:>6}{side.audio_s:>10.1f}{side.processing_s:>9.2f}{side.rtf:>8.4f}"
            f"{_mb(side.peak_rss_mb):>13}{_mb(side.rss_growth_mb):>11}{100 * side.wer:>8.2f}"
            f"{ratio['processing_s'] or 0:>8.3f}{ratio['wer_points']:>+9.2f}"
        )
    ours = next(s for s in summaries if s.name == OURS)
    wer_points = 100 * (ours.wer - baseline.wer)
    overhead = ours.processing_s / baseline.processing_s - 1 if baseline.processing_s else 0.0
    lines += [
        "",
        f"{OURS} WER difference {wer_points:+.2f} points (target within {WER_TARGET_POINTS}): "
        f"{'met' if abs(wer_points) <= WER_TARGET_POINTS else 'MISSED'}",
        f"{OURS} time overhead {100 * overhead:+.1f}% (target under {100 * OVERHEAD_TARGET:.0f}%): "
        f"{'met' if overhead < OVERHEAD_TARGET else 'MISSED'}",
        "",
        f"{'per-file WER %':<48}" + "".join(f"{s.name[:14]:>16}" for s in summaries),
    ]
    for index, score in enumerate(baseline.per_file):
        lines.append(f"{score.file:<48}" + "".join(f"{100 * s.per_file[index].wer:>16.2f}" for s in summaries))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    files = english_set()[: args.limit] if args.limit else english_set()
    if not files or args.repeat < 1:
        raise UserError("nothing to run: --limit and --repeat must be at least 1")
    servers = server_names(servers_from_args(args))
    loaded = load_from_args(args)
    sides = all_sides(loaded) | {name: our_side(server) for name, server in servers.items()}
    for side in sides.values():  # warm-up, untimed
        side(files[0].path)
    runs = measure(files, sides, args.repeat)
    summaries = [summarize(name, files, runs[name]) for name in sides]
    baseline = next(s for s in summaries if s.name == BASELINE)
    info = loaded.info
    settings = {
        "model": info.name,
        "model_sha256": info.sha256,
        "device": info.device,
        "compute_type": info.compute_type,
        "threads": {"ours": info.threads, "baseline": info.threads and info.threads[0]},
        "options": asdict(OPTIONS),
        "batched_options": asdict(BATCHED),
        "baseline": {"name": BASELINE, "call": "WhisperModel.transcribe(path, **kwargs)", "kwargs": PLAIN_KWARGS},
        "repeat": args.repeat,
        "timing": "fastest of the repeats per file, summed; the side that runs first rotates",
        "rss": "peak RSS of this process during each run (model included), high-water mark reset before each run",
        "servers": {name: server.record() for name, server in servers.items()},
    }
    compared = against_local(summaries, servers)
    if args.json:
        report = {
            "settings": settings,
            "pipeline": pipeline_record(info),
            "sides": {s.name: asdict(s) for s in summaries},
            "ratio": {s.name: ratios(s, baseline) for s in summaries if s.name != BASELINE},
            "servers_vs_local": compared,
        }
        print(json.dumps(report, ensure_ascii=False))
        return 0
    header = (
        f"bench files: {len(files)} English files of the shared set, {info.describe()}, "
        f"fastest of {args.repeat} run(s) per file"
    )
    print("\n".join([format_table(summaries, header), *(["", *format_servers(compared)] if compared else [])]))
    return 0
