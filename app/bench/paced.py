"""`whisperdesk bench live --paced RUN_S`: the live policy on a reproducible real-time schedule.

A real-time replay is not repeatable: how much audio each step sees depends on how long the last model
run took, so one run of the shared set lost a whole phrase and the next did not. The paced replay keeps
real time's schedule but on a virtual clock: audio arrives in 0.1 s blocks as from a device, and each
model run costs RUN_S virtual seconds times a factor drawn in [0.6, 2.0) from the seed (a busy machine
varies that much), whatever it really took. The same seed gives the same steps, the same hypotheses and
the same commits on the same CPU, so a failure seen once can be replayed, and a policy change can be
checked on several schedules in minutes rather than one real-time run each.

Latencies are not measured here (there is no wall clock); `bench live` without --paced does that.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from app.desktop.text_joiner import join_commits
from app.services.wer import wer
from audio.constants import SAMPLE_RATE
from inference.engine import Engine
from inference.loader import LoadedModel
from inference.stream_events import Commit
from inference.streaming import OnlineTranscriber, StreamingOptions
from inference.streaming_vad import SpeechDetector

BLOCK_S = 0.1  # capture block
STEP_COST_S = 0.01  # virtual cost of a step that runs no model (VAD, bookkeeping)
JITTER = (0.6, 2.0)  # a model run costs RUN_S times a factor drawn uniformly from this range


@dataclass(frozen=True)
class PacedRun:
    """One paced replay: what was committed and how the policy got there."""

    seed: int
    text: str
    model_runs: int
    stalls: int
    pauses: int


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
    rng = np.random.default_rng(seed)
    transcriber = OnlineTranscriber(engine, options, detector)
    block = round(BLOCK_S * SAMPLE_RATE)
    texts: list[str] = []
    now = 0.0  # virtual seconds since the first sample
    fed = 0
    idle_at = -1  # a step that did nothing at this many samples fed: wait for the next block
    while fed < samples.size:
        captured = min(samples.size, int(now * SAMPLE_RATE) // block * block)
        while fed < captured:
            transcriber.insert_audio(samples[fed : fed + block], captured_at=(fed + block) / SAMPLE_RATE)
            fed = min(samples.size, fed + block)
        if not transcriber.ready() or idle_at == fed:
            now = max(now, (fed + block) / SAMPLE_RATE)  # wait for the next block
            continue
        runs, steps = transcriber.stats.model_runs, transcriber.stats.steps
        texts += [event.text for event in transcriber.process() if isinstance(event, Commit)]
        if transcriber.stats.steps == steps:
            idle_at = fed
        cost = STEP_COST_S + sum(run_s * rng.uniform(*JITTER) for _ in range(transcriber.stats.model_runs - runs))
        now = max(now, fed / SAMPLE_RATE) + cost
    texts += [event.text for event in transcriber.finish() if isinstance(event, Commit)]
    stats = transcriber.stats
    return PacedRun(seed, join_commits(texts), stats.model_runs, stats.stalls, stats.pauses)


def paced_report(
    engine: Engine | LoadedModel,
    samples: np.ndarray,
    reference: str,
    options: StreamingOptions,
    run_s: float,
    seeds: int,
) -> dict:
    """Ours on `seeds` schedules: WER per seed and its spread (the offline WER is the caller's)."""
    runs = [paced_replay(engine, samples, options, run_s, seed) for seed in range(1, seeds + 1)]
    wers = [wer(reference, run.text) for run in runs]
    return {
        "run_s": run_s,
        "jitter": JITTER,
        "runs": [{**asdict(run), "wer": error} for run, error in zip(runs, wers, strict=True)],
        "wer_mean": sum(wers) / len(wers),
        "wer_max": max(wers),
    }


def render_paced(report: dict, offline_wer: float) -> str:
    paced = report["paced"]
    lines = [
        f"paced replay: {report['model']}, {report['audio']}; a model run costs {paced['run_s']} s x "
        f"U{tuple(paced['jitter'])} virtual seconds",
        f"offline WER {offline_wer * 100:.2f}%",
        "",
        f"{'seed':>6}{'WER %':>10}{'model runs':>12}{'stalls':>8}{'pauses':>8}",
    ]
    for run in paced["runs"]:
        lines.append(
            f"{run['seed']:>6}{run['wer'] * 100:>10.2f}{run['model_runs']:>12}{run['stalls']:>8}{run['pauses']:>8}"
        )
    lines += ["", f"WER mean {paced['wer_mean'] * 100:.2f}%, worst {paced['wer_max'] * 100:.2f}%"]
    return "\n".join(lines)
