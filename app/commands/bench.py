"""`whisperdesk bench files|live|long`: speed, memory and accuracy against a baseline in the same run.

The benchmarks live in app.bench, which only a source checkout has (the bundle and the .deb leave them
out); there `whisperdesk bench` says so instead of failing. Imported by name so nothing shipped
depends on them (an import-linter contract).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util

from app.commands.common import UserError

BENCH_PACKAGE = "app.bench"
BENCHMARKS = ("files", "live", "long")  # modules under app/bench, each with register(subparsers)
NOT_INSTALLED = "the benchmarks are not part of this installation: run them from a source checkout (make bench)"


def _not_installed(args: argparse.Namespace) -> int:
    raise UserError(NOT_INSTALLED)


def register(subparsers: argparse._SubParsersAction, package: str = BENCH_PACKAGE) -> None:
    parser = subparsers.add_parser("bench", help="benchmarks over the shared speech set")
    if importlib.util.find_spec(package) is None:
        parser.add_argument("ignored", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)  # `bench files ...` too
        parser.set_defaults(func=_not_installed)
        return
    bench_sub = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name in BENCHMARKS:
        importlib.import_module(f"{package}.{name}").register(bench_sub)
