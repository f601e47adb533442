"""The paced replay (app/bench/paced.py) on the scripted model: a seed fixes the schedule, so the same seed
gives the same model calls and commits, another seed another schedule; every word is committed once."""

from __future__ import annotations

from app.bench.paced import PacedRun, paced_replay
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
