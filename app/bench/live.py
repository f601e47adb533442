"""`whisperdesk bench live`: live dictation latency, accuracy, CPU and memory, against baselines
measured in the same run on the same audio and the same loaded model.

- Audio: the shared LibriSpeech and LJ Speech utterances in a row with 1 s pauses, at 44.1 kHz
  stereo (a device-like format), replayed in real time through FileSource -> LiveSession.
- `--corpus unseen`: the shared recordings nobody tuned the live policy on (the 49 s LJ Speech
  reading and JFK's 11 s), instead of the 15 utterances.
- Ours: the default StreamingOptions. Baselines: whisper_streaming itself (ufal's whisper_online.py,
  its defaults, with `--whisper-streaming PATH`: app/bench/whisper_streaming.py) and our engine set
  up like whisper_streaming's defaults (1 s chunks, beam 5 with fallback, trimming at 15 s, no VAD);
  latency is reported as a ratio to the first baseline. Offline: the file transcribed whole (beam 5,
  VAD), for the WER gap.
- Commit latency = emission time minus capture time of the committed audio's end (per commit
  event); partial latency likewise for non-empty partials; end-of-phrase latency = the capture time
  of a phrase's speech end (as the VAD heard it) to the phrase fully committed; end-of-utterance
  latency, for every row, the same from the corpus's own utterance ends (app/bench/utterance_ends.py).
- Sentence breaks: full stops where the offline transcript has none, and its stops a row lacks
  (app/services/sentence_breaks.py): WER drops punctuation, a dictating user does not.
- Profile (ours): per model run, milliseconds in features, encoder, decoder and word alignment; per
  step, VAD and the rest (our Python); and model runs per second of speech.
- CPU use = process CPU seconds / wall seconds during the session (2.0 = both cores of a 2-core
  machine). Peak RSS per stage via the resettable high-water mark (app.bench.memory).
- `--server URL` (repeatable): our policy on that OpenAI-compatible server, one row each, after the
  baselines (the ratio column stays ours / baseline); CPU and RSS there are this client's.
- `--paced RUN_S --seeds N`: instead of real time, N reproducible virtual schedules (app/bench/paced.py),
  WER and virtual latencies per seed: a failure seen once in real time can be replayed, a policy change
  checked on several schedules.
- `--long-minutes N`: an N-minute real-time session (the utterances repeated) comparing latency,
  per-run model time and RSS over the first and the last 5 minutes, to show nothing grows.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from types import UnionType
from typing import Any, get_args, get_type_hints

from app.bench.dataset import Utterance, english_set
from app.bench.files import server_names
from app.bench.live_corpus import SessionCorpus, build_session, librispeech_and_ljspeech
from app.bench.memory import current_rss_bytes, peak_rss_bytes, reset_peak_rss
from app.bench.paced import paced_report, render_paced
from app.bench.utterance_ends import CommitSpan, speech_ends, utterance_end_latencies
from app.bench.whisper_streaming import MIN_CHUNK_S, WhisperStreamingMissing, load_module, locate, run_session
from app.commands.common import (
    UserError,
    add_model_args,
    add_server_args,
    load_from_args,
    servers_from_args,
)
from app.services.file_jobs import transcribe_file
from app.services.live_session import LiveSession, median, p95
from app.services.sentence_breaks import sentence_breaks
from app.services.units import to_mb
from app.services.wer import wer
from audio.decode import decode_to_contract
from audio.file_source import FileSource
from inference.engine import Engine
from inference.loader import LoadedModel
from inference.pipeline import pipeline_record
from inference.remote.engine import remote_engine
from inference.remote.server import LIVE_TIMEOUT_S
from inference.stream_events import Commit, Level, StreamEvent
from inference.streaming import StepStats, StreamingOptions

OURS = "whisperdesk"
BASELINE = "whisper_streaming-like"
WINDOW_MIN = 5.0  # minutes compared at the start and the end of the long session
RSS_EVERY_S = 5.0  # seconds of audio between RSS samples in the long session
REAL_BASELINE = "whisper_streaming"
# Issue 12's targets, seconds on 2 CPU cores with tiny.en int8 (printed beside the results).
LATENCY_TARGETS = {"commit median": 0.9, "commit p95": 1.6, "partial median": 0.4, "end of phrase median": 0.6}
WER_GAP_TARGET = 0.015
UNSEEN = ("long_ljspeech_LJ023-0051_to_LJ023-0058.mp3", "jfk.flac")  # never used to tune the live policy


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("live", help="live dictation latency, WER, CPU and memory vs a baseline")
    add_model_args(parser)
    parser.add_argument("--long-minutes", type=float, default=20.0, help="long-session length (0 skips it)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baselines")
    parser.add_argument(
        "--whisper-streaming",
        metavar="PATH",
        help="a checkout of ufal/whisper_streaming (or its whisper_online.py) to run as a baseline "
        "(default: $WHISPERDESK_WHISPER_STREAMING)",
    )
    parser.add_argument(
        "--corpus", choices=("shared", "unseen"), default="shared", help="the 15 utterances, or the untuned recordings"
    )
    parser.add_argument("--gap", type=float, default=1.0, help="seconds of pause between utterances")
    parser.add_argument("--step", type=float, default=StreamingOptions.step_s, help="our step (seconds)")
    parser.add_argument("--beam-size", type=int, default=StreamingOptions.beam_size, help="our beam size")
    parser.add_argument(
        "--paced",
        type=float,
        metavar="RUN_S",
        help="instead of real time: a reproducible virtual schedule where a model run on 6 s of audio costs "
        "about RUN_S seconds (0.3 matches tiny.en on 2 cores) "
        "(app/bench/paced.py); reports WER and virtual latencies per seed",
    )
    parser.add_argument("--seeds", type=int, default=6, help="schedules for --paced (seeds 1..N)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one more of our StreamingOptions (repeatable; e.g. encoder_min_s=10, sentence_pause_s=None)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    add_server_args(parser, timeout_s=LIVE_TIMEOUT_S)
    parser.set_defaults(func=run)


@dataclass(frozen=True)
class LiveRun:
    """One real-time session over the benchmark audio."""

    label: str
    wer: float
    commit_latency_median_s: float | None
    commit_latency_p95_s: float | None
    partial_latency_median_s: float | None
    cpu_cores: float
    peak_rss_mb: float | None
    model_run_median_s: float | None
    model_run_p95_s: float | None
    model_runs: int
    steps: int
    skipped_silent: int
    buffer_max_s: float
    rtf: float | None
    audio_s: float
    overflows: int
    text: str
    phrase_latency_median_s: float | None = None
    utterance_end_median_s: float | None = None  # every row alike: see app/bench/utterance_ends.py
    utterance_end_p95_s: float | None = None
    runs_per_speech_s: float | None = None
    profile_ms: dict[str, float] | None = None  # per model run: features..alignment; per step: vad, python
    extra_breaks: int | None = None  # sentence ends the offline transcript lacks (app/services/sentence_breaks.py)
    missed_breaks: int | None = None  # the offline transcript's sentence ends this one lacks


@dataclass(frozen=True)
class WindowStats:
    """Latency, model time and memory within one stretch of the long session."""

    from_s: float
    to_s: float
    commits: int
    commit_latency_median_s: float | None
    commit_latency_p95_s: float | None
    model_run_median_s: float | None
    rss_max_mb: float | None


@dataclass(frozen=True)
class LongRun:
    """The long session: the first and the last window, and the WER of the whole."""

    minutes: float
    wer: float
    first: WindowStats
    last: WindowStats
    cpu_cores: float
    peak_rss_mb: float | None


def _mb(value: int | None) -> float | None:
    mb = to_mb(value)
    return None if mb is None else round(mb, 1)


def _speech_s(corpus: SessionCorpus) -> float:
    return sum(p.end_s - p.start_s for p in corpus.parts)


def _profile(steps: StepStats) -> dict[str, float]:
    """Where the time goes: model phases per model run, VAD and our own Python per step (ms)."""
    runs, done = max(1, steps.model_runs), max(1, steps.steps)
    profile = {name: seconds / runs * 1000 for name, seconds in steps.phase_s.items()}
    python = sum(steps.step_s) - steps.vad_s - sum(steps.phase_s.values())
    profile.update(vad=steps.vad_s / done * 1000, python=python / done * 1000)
    return {name: round(ms, 1) for name, ms in profile.items()}


def _utterance_ends(
    commits: list[CommitSpan], corpus: SessionCorpus, ends: list[float]
) -> tuple[float | None, float | None]:
    """(median, p95) end-of-utterance latency."""
    latencies = utterance_end_latencies(commits, corpus.parts, ends)
    return median(latencies), p95(latencies)


def run_live(
    engine: Engine | LoadedModel, corpus: SessionCorpus, options: StreamingOptions, label: str, ends: list[float]
) -> LiveRun:
    """Replay the corpus in real time through a LiveSession and measure it (on a server: the client's CPU and RSS).
    `ends`: where each utterance's speech ends (speech_ends)."""
    commits: list[CommitSpan] = []

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, Commit) and event.has_words:
            commits.append((event.audio_start, event.audio_end, event.latency_s))

    reset_peak_rss()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    session = LiveSession(FileSource(corpus.path, realtime=True), engine, options, on_event=on_event)
    summary = session.run()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    metrics = session.metrics
    steps = metrics.steps
    utterance_end = _utterance_ends(commits, corpus, ends)
    return LiveRun(
        label=label,
        wer=wer(corpus.reference, summary.text),
        commit_latency_median_s=summary.latency_median_s,
        commit_latency_p95_s=summary.latency_p95_s,
        partial_latency_median_s=summary.partial_latency_median_s,
        cpu_cores=cpu / wall,
        peak_rss_mb=_mb(peak_rss_bytes()),
        model_run_median_s=median(steps.model_s),
        model_run_p95_s=p95(steps.model_s),
        model_runs=steps.model_runs,
        steps=steps.steps,
        skipped_silent=steps.skipped_silent,
        buffer_max_s=max(steps.buffer_s, default=0.0),
        rtf=summary.rtf,
        audio_s=summary.audio_s,
        overflows=summary.overflows,
        text=summary.text,
        phrase_latency_median_s=summary.phrase_latency_median_s,
        utterance_end_median_s=utterance_end[0],
        utterance_end_p95_s=utterance_end[1],
        runs_per_speech_s=steps.model_runs / _speech_s(corpus),
        profile_ms=_profile(steps),
    )


def with_breaks(run: LiveRun, offline_text: str) -> LiveRun:
    """The run with its sentence breaks counted against the offline transcript's."""
    breaks = sentence_breaks(offline_text, run.text)
    return replace(run, extra_breaks=breaks.extra, missed_breaks=breaks.missed)


def run_whisper_streaming(module, loaded: LoadedModel, corpus: SessionCorpus, ends: list[float]) -> LiveRun:
    """whisper_streaming itself over the same real-time replay (app/bench/whisper_streaming.py)."""
    reset_peak_rss()
    done = run_session(module, loaded, FileSource(corpus.path, realtime=True))
    utterance_end = _utterance_ends(done.commits, corpus, ends)
    return LiveRun(
        label=REAL_BASELINE,
        wer=wer(corpus.reference, done.text),
        commit_latency_median_s=median([latency for _, _, latency in done.commits]),
        commit_latency_p95_s=p95([latency for _, _, latency in done.commits]),
        partial_latency_median_s=None,
        cpu_cores=done.cpu_s / done.wall_s,
        peak_rss_mb=_mb(peak_rss_bytes()),
        model_run_median_s=median(done.model_s),
        model_run_p95_s=p95(done.model_s),
        model_runs=len(done.model_s),
        steps=len(done.model_s),
        skipped_silent=0,
        buffer_max_s=0.0,
        rtf=sum(done.model_s) / done.audio_s if done.audio_s else None,
        audio_s=done.audio_s,
        overflows=0,
        text=done.text,
        utterance_end_median_s=utterance_end[0],
        utterance_end_p95_s=utterance_end[1],
        runs_per_speech_s=len(done.model_s) / _speech_s(corpus),
    )


def _window(
    lo: float, hi: float, commits: list[Commit], runs: list[tuple[float, float]], rss: list[tuple[float, int]]
) -> WindowStats:
    latencies = [c.latency_s for c in commits if c.has_words and lo <= c.audio_end < hi]
    model = [seconds for at, seconds in runs if lo <= at < hi]
    memory = [value for at, value in rss if lo <= at < hi]
    return WindowStats(
        from_s=lo,
        to_s=hi,
        commits=len(latencies),
        commit_latency_median_s=median(latencies),
        commit_latency_p95_s=p95(latencies),
        model_run_median_s=median(model),
        rss_max_mb=_mb(max(memory)) if memory else None,
    )


def run_long(loaded: LoadedModel, corpus: SessionCorpus, options: StreamingOptions, minutes: float) -> LongRun:
    """An N-minute real-time session; the first and last windows are compared."""
    commits: list[Commit] = []
    rss: list[tuple[float, int]] = []
    next_sample = [0.0]

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, Commit):
            commits.append(event)
        elif isinstance(event, Level) and event.audio_time >= next_sample[0]:
            next_sample[0] = event.audio_time + RSS_EVERY_S
            value = current_rss_bytes()
            if value is not None:
                rss.append((event.audio_time, value))

    reset_peak_rss()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    session = LiveSession(FileSource(corpus.path, realtime=True), loaded, options, on_event=on_event)
    summary = session.run()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    steps = session.metrics.steps
    runs = list(zip(steps.run_at_s, steps.model_s, strict=True))
    window = min(WINDOW_MIN * 60, summary.audio_s / 2)
    return LongRun(
        minutes=round(summary.audio_s / 60, 2),
        wer=wer(corpus.reference, summary.text),
        first=_window(0.0, window, commits, runs, rss),
        last=_window(summary.audio_s - window, summary.audio_s + 1, commits, runs, rss),
        cpu_cores=cpu / wall,
        peak_rss_mb=_mb(peak_rss_bytes()),
    )


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or not b else f"{a / b:.2f}x"


def render(report: dict, runs: list[LiveRun], long: LongRun | None) -> str:
    """The report as a plain-text table."""
    lines = [
        f"live dictation: {report['model']}, {report['cpu_count']} CPUs, {report['audio']}",
        f"offline WER {report['offline_wer'] * 100:.2f}% (file transcribed whole, beam 5, VAD)",
        "",
        f"{'metric':<30}" + "".join(f"{r.label:>24}" for r in runs) + ("    ours / baseline" if len(runs) > 1 else ""),
    ]
    rows = [
        ("commit latency median (s)", "commit_latency_median_s", 2, True),
        ("commit latency p95 (s)", "commit_latency_p95_s", 2, True),
        ("partial latency median (s)", "partial_latency_median_s", 2, True),
        ("end of phrase median (s)", "phrase_latency_median_s", 2, True),
        ("end of utterance median (s)", "utterance_end_median_s", 2, True),
        ("end of utterance p95 (s)", "utterance_end_p95_s", 2, True),
        ("WER (%)", "wer", 2, False),
        ("sentence breaks not offline", "extra_breaks", 0, False),
        ("offline breaks missed", "missed_breaks", 0, False),
        ("CPU use (cores busy)", "cpu_cores", 2, False),
        ("peak RSS (MB)", "peak_rss_mb", 0, False),
        ("model run median (s)", "model_run_median_s", 3, True),
        ("model run p95 (s)", "model_run_p95_s", 3, True),
        ("model runs / steps", None, 0, False),
        ("model runs per s of speech", "runs_per_speech_s", 2, False),
        ("longest buffer (s)", "buffer_max_s", 1, False),
        ("real-time factor", "rtf", 2, False),
        ("overflows", "overflows", 0, False),
    ]
    for title, key, digits, ratio in rows:
        if key is None:
            cells = [f"{r.model_runs} / {r.steps}" for r in runs]
        else:
            values = [getattr(r, key) for r in runs]
            if key == "wer":
                values = [v * 100 for v in values]
            cells = [_fmt(v, digits) for v in values]
        line = f"{title:<30}" + "".join(f"{c:>24}" for c in cells)
        if ratio and key is not None and len(runs) > 1:
            line += f"    {_ratio(getattr(runs[0], key), getattr(runs[1], key))}"
        lines.append(line)
    ours = runs[0]
    if ours.profile_ms:
        per_run = ", ".join(f"{k} {v:.0f}" for k, v in ours.profile_ms.items() if k not in ("vad", "python"))
        lines += [
            "",
            f"profile ({ours.label}): per model run {per_run} ms; per step VAD {ours.profile_ms['vad']:.0f} ms, "
            f"other Python {ours.profile_ms['python']:.0f} ms",
        ]
    targets = ", ".join(f"{name} <= {seconds} s" for name, seconds in LATENCY_TARGETS.items())
    lines += [
        "",
        f"WER gap to offline: {(ours.wer - report['offline_wer']) * 100:+.2f} points "
        f"(target within {WER_GAP_TARGET * 100:.1f}); latency targets: {targets}",
    ]
    if long is not None:
        lines += [
            "",
            f"long session: {long.minutes:.1f} min, WER {long.wer * 100:.2f}%, CPU {long.cpu_cores:.2f} cores, "
            f"peak RSS {_fmt(long.peak_rss_mb, 0)} MB",
            f"{'window':<30}{'commits':>10}{'latency med':>14}{'latency p95':>14}"
            f"{'model run med':>15}{'RSS max MB':>12}",
        ]
        for name, w in (("first", long.first), ("last", long.last)):
            span = f"{name} {w.from_s / 60:.1f}-{min(w.to_s, long.minutes * 60) / 60:.1f} min"
            lines.append(
                f"{span:<30}{w.commits:>10}{_fmt(w.commit_latency_median_s):>14}{_fmt(w.commit_latency_p95_s):>14}"
                f"{_fmt(w.model_run_median_s, 3):>15}{_fmt(w.rss_max_mb, 0):>12}"
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.long_minutes < 0:
        raise UserError("--long-minutes must be 0 (skip) or more")
    if args.paced is not None and (args.paced <= 0 or args.seeds < 1):
        raise UserError("--paced needs a positive model-run cost and --seeds 1 or more")
    try:
        ours_options = with_overrides(StreamingOptions(step_s=args.step, beam_size=args.beam_size), args.overrides)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    english = english_set()
    utterances = librispeech_and_ljspeech(english)
    if args.corpus == "unseen":
        utterances = [u for u in english if u.name in UNSEEN]
    if not utterances:
        raise UserError(f"no {args.corpus} recordings in the shared speech set")
    module, found = None, None
    if not args.no_baseline:
        try:
            found = locate(args.whisper_streaming)
            module = load_module(found) if found else None
        except WhisperStreamingMissing as exc:
            raise UserError(str(exc)) from None
    servers = server_names(servers_from_args(args))
    loaded = load_from_args(args)
    with tempfile.TemporaryDirectory(prefix="whisperdesk-bench-live-") as tmp:
        corpus = build_session(utterances, Path(tmp) / "dictation.wav", 44100, 2, gap_s=args.gap)
        offline = transcribe_file(corpus.path, loaded)
        if args.paced is not None:
            samples = decode_to_contract(corpus.path)[0].samples
            paced = paced_report(loaded, samples, corpus.reference, ours_options, args.paced, args.seeds)
            return _print_paced(
                args, loaded, corpus, offline_wer=wer(corpus.reference, offline.transcript.text), paced=paced
            )
        ends = speech_ends(decode_to_contract(corpus.path)[0].samples, corpus.parts)
        runs = [run_live(loaded, corpus, ours_options, OURS, ends)]
        if module is not None:
            runs.append(run_whisper_streaming(module, loaded, corpus, ends))
        if not args.no_baseline:
            runs.append(run_live(loaded, corpus, StreamingOptions.whisper_streaming_baseline(), BASELINE, ends))
        runs += [run_live(remote_engine(server), corpus, ours_options, name, ends) for name, server in servers.items()]
        runs = [with_breaks(r, offline.transcript.text) for r in runs]
        long = None
        if args.long_minutes > 0:
            cycled = cycle_to(utterances, args.long_minutes * 60, args.gap)
            long_corpus = build_session(cycled, Path(tmp) / "long.wav", 44100, 2, gap_s=args.gap)
            long = run_long(loaded, long_corpus, ours_options, args.long_minutes)
    info = loaded.info
    report = {
        "model": info.describe(),
        "cpu_count": os.cpu_count(),
        "audio": f"{len(corpus.parts)} {args.corpus} recordings, 44.1 kHz stereo, "
        f"{corpus.duration_s + args.gap:.1f} s, real time",
        "offline_wer": wer(corpus.reference, offline.transcript.text),
        "offline_processing_s": round(offline.processing_s, 2),
        "offline_text": offline.transcript.text,
        "options": {
            OURS: asdict(ours_options),
            BASELINE: asdict(StreamingOptions.whisper_streaming_baseline()),
            REAL_BASELINE: {"whisper_online.py": str(found) if module else None, "min_chunk_s": MIN_CHUNK_S},
        },
        "servers": {name: server.record() for name, server in servers.items()},
        "runs": [asdict(r) for r in runs],
        "long": asdict(long) if long else None,
        "pipeline": pipeline_record(info),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print(render(report, runs, long))
    return 0


def _print_paced(
    args: argparse.Namespace, loaded: LoadedModel, corpus: SessionCorpus, offline_wer: float, paced: dict
) -> int:
    info = loaded.info
    report = {
        "model": info.describe(),
        "audio": f"{len(corpus.parts)} {args.corpus} recordings, 44.1 kHz stereo, {corpus.duration_s + args.gap:.1f} s",
        "offline_wer": offline_wer,
        "paced": paced,
        "pipeline": pipeline_record(info),
    }
    print(json.dumps(report, ensure_ascii=False, default=str) if args.json else render_paced(report, offline_wer))
    return 0


def with_overrides(options: StreamingOptions, overrides: list[str]) -> StreamingOptions:
    """`options` with NAME=VALUE settings of its number and boolean fields (None where it takes None);
    ValueError otherwise."""
    hints = get_type_hints(StreamingOptions)
    kinds = {f.name: _number_kind(hints[f.name]) for f in fields(options)}
    kinds = {name: kind for name, kind in kinds.items() if kind is not None}
    changed: dict[str, Any] = {}
    for item in overrides:
        name, sep, text = item.partition("=")
        if not sep or name not in kinds:
            plain = ", ".join(kinds)
            raise ValueError(f"--set {item!r}: expected NAME=VALUE with NAME one of {plain}")
        if text == "None":
            changed[name] = None
        elif kinds[name] is bool:
            if text not in ("true", "false"):
                raise ValueError(f"--set {item!r}: {name} is true or false")
            changed[name] = text == "true"
        else:
            try:
                changed[name] = int(text) if kinds[name] is int else float(text)
            except ValueError:
                raise ValueError(f"--set {item!r}: {text!r} is not a number") from None
    return replace(options, **changed)


def _number_kind(hint: object) -> type | None:
    """bool, int or float for a field typed as one of them (or it | None); None for anything else."""
    options = get_args(hint) if isinstance(hint, UnionType) else (hint,)
    return next((kind for kind in (bool, int, float) if kind in options), None)


def cycle_to(utterances: list[Utterance], seconds: float, gap_s: float) -> list[Utterance]:
    """The utterances repeated in order until they (with their pauses) fill `seconds`."""
    chosen: list[Utterance] = []
    total = gap_s
    while total < seconds:
        utt = utterances[len(chosen) % len(utterances)]
        chosen.append(utt)
        total += utt.duration_s + gap_s
    return chosen
