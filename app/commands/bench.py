"""`whisperdesk bench files|live|long`: speed, memory and accuracy against a baseline in the same run."""

from __future__ import annotations

import argparse
import importlib

BENCHMARKS = ("files", "live", "long")  # modules under app/bench, each with register(subparsers)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="benchmarks over the shared speech set")
    bench_sub = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name in BENCHMARKS:
        importlib.import_module(f"app.bench.{name}").register(bench_sub)
