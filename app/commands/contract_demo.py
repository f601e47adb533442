"""PLACEHOLDER: being written (contract_demo)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    subparsers.add_parser("contract-demo", help="(not written yet)").set_defaults(func=lambda args: 2)
