"""`whisperdesk bench live` plumbing without a model: the command exists, utterances fill a long session,
and the report table shows both runs, the ratio to the baseline and the long-session windows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.bench.dataset import Utterance
from app.bench.live import (
    BASELINE,
    OURS,
    LiveRun,
    LongRun,
    WindowStats,
    cycle_to,
    render,
    with_breaks,
    with_overrides,
)
from app.cli import build_parser
from inference.streaming import StreamingOptions

REPORT = {"model": "tiny.en int8 on cpu", "cpu_count": 2, "audio": "15 utterances", "offline_wer": 0.03}


def live_run(label: str, median: float, p95: float, wer: float) -> LiveRun:
    return LiveRun(
        label=label,
        wer=wer,
        commit_latency_median_s=median,
        commit_latency_p95_s=p95,
        partial_latency_median_s=median / 2,
        cpu_cores=1.5,
        peak_rss_mb=440.0,
        model_run_median_s=0.6,
        model_run_p95_s=0.9,
        model_runs=120,
        steps=140,
        skipped_silent=4,
        buffer_max_s=10.5,
        rtf=0.9,
        audio_s=128.0,
        overflows=0,
        text="...",
    )


def test_bench_live_is_registered_with_its_options():
    """`bench live --long-minutes 2 --json` parses into the live benchmark."""
    args = build_parser().parse_args(["bench", "live", "--long-minutes", "2", "--json", "--no-baseline"])
    assert args.long_minutes == 2.0 and args.json and args.no_baseline
    assert args.func.__module__ == "app.bench.live"


def test_set_changes_our_streaming_options_and_refuses_what_it_cannot_set():
    """`--set NAME=VALUE` (repeatable) reaches our options with the field's type; anything else is one line."""
    args = build_parser().parse_args(["bench", "live", "--set", "encoder_min_s=10", "--set", "sentence_pause_s=None"])
    options = with_overrides(StreamingOptions(beam_size=1), [*args.overrides, "hold_stops=false", "agreement=3"])
    assert (options.encoder_min_s, options.sentence_pause_s, options.hold_stops) == (10.0, None, False)
    assert (options.agreement, options.beam_size, options.step_s) == (3, 1, StreamingOptions().step_s)
    assert with_overrides(StreamingOptions(), ["encoder_margin_s=1"]).encoder_margin_s == 1.0
    assert with_overrides(StreamingOptions(min_commit_prob=None), ["min_commit_prob=0.3"]).min_commit_prob == 0.3
    bad_ones = (("guards=1", "NAME one of"), ("beam=3", "NAME one of"), ("agreement=two", "not a number"))
    for bad, said in (*bad_ones, ("temperature=0.2", "NAME one of"), ("language=en", "NAME one of")):
        with pytest.raises(ValueError, match=said):
            with_overrides(StreamingOptions(), [bad])
    with pytest.raises(ValueError, match="must be between"):  # the options' own checks still apply
        with_overrides(StreamingOptions(), ["step_s=0"])


def test_cycle_to_repeats_utterances_until_the_session_is_long_enough():
    """Ten minutes from two short utterances: repeated in order, pauses included in the length."""
    a = Utterance(Path("a.wav"), 16000, 1, 10.0, "a")
    b = Utterance(Path("b.wav"), 16000, 1, 20.0, "b")
    chosen = cycle_to([a, b], 600.0, gap_s=1.0)
    assert [u.name for u in chosen[:4]] == ["a.wav", "b.wav", "a.wav", "b.wav"]
    total = 1.0 + sum(u.duration_s + 1.0 for u in chosen)
    assert 600.0 <= total < 600.0 + 21.0


def test_report_table_shows_ratio_to_baseline_and_long_windows():
    """The table lists both runs, our latency as a ratio to the baseline, the WER gap and the windows."""
    runs = [live_run(OURS, 1.5, 3.0, 0.04), live_run(BASELINE, 3.0, 6.0, 0.07)]
    window = WindowStats(0.0, 300.0, 100, 1.5, 2.9, 0.6, 430.0)
    long = LongRun(20.0, 0.045, window, WindowStats(900.0, 1201.0, 98, 1.6, 3.0, 0.61, 431.0), 1.5, 450.0)
    table = render(REPORT, runs, long)
    assert "commit latency median (s)" in table and "0.50x" in table
    assert "WER gap to offline: +1.00 points" in table
    assert "first 0.0-5.0 min" in table and "last 15.0-20.0 min" in table


def test_each_row_counts_the_sentence_breaks_the_offline_transcript_does_not_have():
    offline = "It was the art of printing which we know. It came late."
    live = replace(live_run(OURS, 1.0, 2.0, 0.03), text="It was the art of printing. Which we know. It came late")
    counted = with_breaks(live, offline)
    assert (counted.extra_breaks, counted.missed_breaks) == (1, 1)
    assert "sentence breaks not offline" in render(REPORT, [counted], None)
