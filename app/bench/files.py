"""PLACEHOLDER: being written (bench files)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    subparsers.add_parser("files", help="(not written yet)").set_defaults(func=lambda args: 2)
