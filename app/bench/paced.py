"""`whisperdesk bench live --paced RUN_S`: the live policy on a reproducible real-time schedule.

A real-time replay is not repeatable: how much audio each step sees depends on how long the last model
run took, so one run of the shared set lost a whole phrase and the next did not. The paced replay keeps
real time's schedule but on a virtual clock: audio arrives in 0.1 s blocks as from a device, and each
model run costs virtual seconds by the audio it is given (RUN_S on 6 s, more on more, as measured here)
times a factor drawn in [0.6, 2.0) from the seed (a busy machine varies that much), whatever it really
took. The same seed gives the same steps, the same hypotheses and the same commits on the same CPU, so a
failure seen once can be replayed, and a policy change can be checked on several schedules in minutes
rather than one real-time run each.

Latencies are measured on the virtual clock (the transcriber's clock is the replay's), so a policy that
runs less or on less audio shows it; they compare policies on equal schedules, and the real-time replay
(`bench live` without --paced) gives the numbers a user sees.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

import numpy as np

from app.desktop.text_joiner import join_commits
from app.services.live_session import median, p95
from app.services.live_transcript import continues_word
from app.services.wer import wer
from audio.constants import SAMPLE_RATE
from audio.contract import PcmAudio
from inference.engine import Engine, as_engine
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.results import Segment
from inference.stream_events import Commit, Partial, StreamEvent
from inference.streaming import OnlineTranscriber, StreamingOptions
from inference.streaming_vad import SpeechDetector

BLOCK_S = 0.1  # capture block
STEP_COST_S = 0.015  # virtual cost of a step that runs no model (the VAD over the buffer, bookkeeping)
JITTER = (0.6, 2.0)  # a model run costs its nominal time times a factor drawn uniformly from this range
# A run's nominal time grows with the audio it is given: tiny.en int8, beam 3, 2 cores measured about
# 0.12 s + 0.035 s per second of audio (2-12 s buffers, 2026-12-02), i.e. 3.4 s of audio's worth fixed.
# RUN_S is the nominal time on REFERENCE_S of audio.
FIXED_AUDIO_S = 3.4
REFERENCE_S = 6.0


@dataclass(frozen=True)
class PacedRun:
    """One paced replay: what was committed, how the policy got there, and its virtual latencies."""

    seed: int
    text: str
    model_runs: int
    stalls: int
    pauses: int
    commit_latency_median_s: float | None = None
    commit_latency_p95_s: float | None = None
    partial_latency_median_s: float | None = None
    phrase_latency_median_s: float | None = None


class VirtualClock:
    """Seconds since the first sample; model runs move it on by their drawn cost."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_cost(run_s: float, audio_s: float, factor: float) -> float:
    """Virtual seconds of one model run on `audio_s` of audio."""
    return run_s * factor * (audio_s + FIXED_AUDIO_S) / (REFERENCE_S + FIXED_AUDIO_S)


def paced_engine(engine: Engine | LoadedModel, clock: VirtualClock, run_s: float, rng: np.random.Generator) -> Engine:
    """The engine, each run of which costs virtual time on `clock` (events after it are emitted later)."""
    inner = as_engine(engine)

    def run(
        audio: PcmAudio, options: TranscribeOptions, cancel: threading.Event | None = None
    ) -> tuple[Iterator[Segment], str, float]:
        produced, language, probability = inner.run(audio, options, cancel)
        segments = list(produced)
        clock.now += run_cost(run_s, audio.samples.size / SAMPLE_RATE, rng.uniform(*JITTER))
        return iter(segments), language, probability

    return replace(inner, run=run)


def paced_replay(
    engine: Engine | LoadedModel,
    samples: np.ndarray,
    options: StreamingOptions,
    run_s: float,
    seed: int,
    detector: SpeechDetector | None = None,
) -> PacedRun:
    """Stream contract samples through a fresh OnlineTranscriber on the seeded virtual schedule
    (`detector` replaces the Silero VAD: tests)."""
    clock = VirtualClock()
    transcriber = OnlineTranscriber(
        paced_engine(engine, clock, run_s, np.random.default_rng(seed)), options, detector, clock
    )
    block = round(BLOCK_S * SAMPLE_RATE)
    texts: list[str] = []
    continuing: list[int] = []  # commits whose first word goes on from the word before
    commits: list[float] = []
    partials: list[float] = []

    def take(events: list[StreamEvent]) -> None:
        for event in events:
            if isinstance(event, Commit):
                if continues_word(event):
                    continuing.append(len(texts))
                texts.append(event.text)
                if event.has_words:
                    commits.append(event.latency_s)
            elif isinstance(event, Partial) and event.text:
                partials.append(event.latency_s)

    fed = 0
    idle_at = -1  # a step that did nothing at this many samples fed: wait for the next block
    while fed < samples.size:
        captured = min(samples.size, int(clock.now * SAMPLE_RATE + 1e-6) // block * block)
        while fed < captured:
            transcriber.insert_audio(samples[fed : fed + block], captured_at=(fed + block) / SAMPLE_RATE)
            fed = min(samples.size, fed + block)
        if not transcriber.ready() or idle_at == fed:
            clock.now = max(clock.now, (fed + block) / SAMPLE_RATE)  # wait for the next block
            continue
        steps = transcriber.stats.steps
        take(transcriber.process())
        if transcriber.stats.steps == steps:
            idle_at = fed
        clock.now += STEP_COST_S
    take(transcriber.finish())
    stats = transcriber.stats
    return PacedRun(
        seed,
        join_commits(texts, continuing),
        stats.model_runs,
        stats.stalls,
        stats.pauses,
        median(commits),
        p95(commits),
        median(partials),
        median(stats.phrase_latency_s),
    )


def paced_report(
    engine: Engine | LoadedModel,
    samples: np.ndarray,
    reference: str,
    options: StreamingOptions,
    run_s: float,
    seeds: int,
    detector: SpeechDetector | None = None,
) -> dict:
    """Ours on `seeds` schedules: WER and latencies per seed, and their means (the offline WER is the caller's)."""
    runs = [paced_replay(engine, samples, options, run_s, seed, detector) for seed in range(1, seeds + 1)]
    wers = [wer(reference, run.text) for run in runs]
    return {
        "run_s": run_s,
        "jitter": JITTER,
        "runs": [{**asdict(run), "wer": error} for run, error in zip(runs, wers, strict=True)],
        "wer_mean": sum(wers) / len(wers),
        "wer_max": max(wers),
        "latency_means_s": {name: _mean([getattr(run, name) for run in runs]) for name in LATENCIES},
    }


LATENCIES = ("commit_latency_median_s", "commit_latency_p95_s", "partial_latency_median_s", "phrase_latency_median_s")


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_paced(report: dict, offline_wer: float) -> str:
    paced = report["paced"]
    lines = [
        f"paced replay: {report['model']}, {report['audio']}; a model run on {REFERENCE_S:g} s of audio costs "
        f"{paced['run_s']} s x "
        f"U{tuple(paced['jitter'])} virtual seconds",
        f"offline WER {offline_wer * 100:.2f}%",
        "",
        "virtual latencies (s): commit median and p95, partial median, end of phrase median",
        "",
        f"{'seed':>6}{'WER %':>8}{'runs':>6}{'stalls':>8}{'pauses':>8}"
        f"{'commit':>8}{'p95':>6}{'partial':>9}{'phrase':>8}",
    ]
    for run in paced["runs"]:
        latencies = "".join(f"{_s(run[name]):>{w}}" for name, w in zip(LATENCIES, (8, 6, 9, 8), strict=True))
        counts = f"{run['model_runs']:>6}{run['stalls']:>8}{run['pauses']:>8}"
        lines.append(f"{run['seed']:>6}{run['wer'] * 100:>8.2f}{counts}{latencies}")
    means = ", ".join(_s(paced["latency_means_s"][name]) for name in LATENCIES)
    lines += [
        "",
        f"WER mean {paced['wer_mean'] * 100:.2f}%, worst {paced['wer_max'] * 100:.2f}%; latency means {means} s",
    ]
    return "\n".join(lines)
