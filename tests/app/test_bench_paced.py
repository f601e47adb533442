"""The paced replay (app/bench/paced.py) on the scripted model: a seed fixes the schedule, so the same seed
gives the same model calls and commits, another seed another schedule; every word is committed once."""

from __future__ import annotations

import pytest

from app.bench.paced import JITTER, LATENCIES, PacedRun, paced_replay, paced_report, render_paced, run_cost
from inference.streaming import StreamingOptions
from tests.inference.streaming_fakes import (
    ScriptedWhisper,
    fake_loaded,
    script,
    scripted_detector,
    spoken_text,
    timed_audio,
)

WORDS = script((0.5, "one two three four five six"), (3.5, "seven eight nine ten"), (6.0, "eleven twelve thirteen"))


def replay(seed: int, run_s: float = 0.45) -> tuple[PacedRun, list[tuple[float, float]]]:
    model = ScriptedWhisper(WORDS, garble_s=0.15)  # a word heard COVER_MARGIN_S into the pause is whole
    audio = timed_audio(0.0, 8.0)
    run = paced_replay(fake_loaded(model), audio, StreamingOptions(), run_s, seed, scripted_detector(WORDS))
    return run, [(round(c["start"], 3), round(c["end"], 3)) for c in model.calls]


def test_a_seed_replays_the_same_schedule() -> None:
    run, calls = replay(1)
    assert run.text == spoken_text(WORDS)
    assert replay(1) == (run, calls)
    other, other_calls = replay(2)
    assert other.text == run.text and other_calls != calls  # another schedule, the same words


def test_runs_that_cost_more_see_more_audio_each() -> None:
    """The virtual clock is real: dearer model runs mean fewer of them over the same audio."""
    (cheap, _), (dear, _) = replay(1, run_s=0.2), replay(1, run_s=1.0)
    assert dear.model_runs < cheap.model_runs
    assert cheap.text == dear.text == spoken_text(WORDS)


def test_latencies_are_measured_on_the_virtual_clock() -> None:
    """Events are emitted after the run that made them: dearer runs, later commits and phrase ends; and a
    commit can never come sooner than the cheapest run after the audio it covers."""
    (cheap, _), (dear, _) = replay(1, run_s=0.2), replay(1, run_s=1.0)
    assert cheap.commit_latency_median_s is not None and cheap.phrase_latency_median_s is not None
    assert dear.commit_latency_median_s > cheap.commit_latency_median_s
    assert dear.phrase_latency_median_s > cheap.phrase_latency_median_s
    assert dear.partial_latency_median_s > cheap.partial_latency_median_s
    assert dear.commit_latency_median_s >= run_cost(1.0, 0.5, JITTER[0])


def test_a_run_costs_more_on_more_audio() -> None:
    """The measured shape: a fixed part and a part per second of audio; RUN_S is the cost on 6 s."""
    assert run_cost(0.3, 6.0, 1.0) == pytest.approx(0.3)
    assert run_cost(0.3, 6.0, 2.0) == pytest.approx(0.6)
    assert 2.5 < run_cost(0.3, 12.0, 1.0) / run_cost(0.3, 2.0, 1.0) < 3.2


def test_the_report_prints_each_seed_with_its_virtual_latencies() -> None:
    model = ScriptedWhisper(WORDS, garble_s=0.15)
    loaded, audio = fake_loaded(model), timed_audio(0.0, 8.0)
    report = paced_report(loaded, audio, spoken_text(WORDS), StreamingOptions(), 0.45, 2, scripted_detector(WORDS))
    assert report["wer_max"] == 0.0
    runs = report["runs"]
    means = report["latency_means_s"]
    assert means["commit_latency_median_s"] == pytest.approx(
        (runs[0]["commit_latency_median_s"] + runs[1]["commit_latency_median_s"]) / 2
    )
    text = render_paced({"model": "scripted", "audio": "8 s", "paced": report}, offline_wer=0.0)
    rows = [line.split() for line in text.splitlines() if line.split()[:1] in (["1"], ["2"])]
    assert [row[0] for row in rows] == ["1", "2"]
    assert rows[0][5:] == [f"{runs[0][name]:.2f}" for name in LATENCIES]
    assert "latency means " + ", ".join(f"{means[name]:.2f}" for name in LATENCIES) in text
