"""`whisperdesk history`: the dictations kept on disk (every live run, from the window or the CLI).

A table, newest last; `--last` prints the last dictation's full text; `--json` for both. A file
that cannot be read is skipped with one warning line, so one bad file never hides the rest.
"""

from __future__ import annotations

import argparse
import json
import sys

from app.services.history import INTERRUPTED, RUNNING, HistoryRecord, HistoryStore, format_duration, format_started


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list the dictations kept on disk, or print the last one",
        description="List past dictations (newest last), or print the last one's full text.",
    )
    parser.add_argument("--last", action="store_true", help="print the last dictation's full text")
    parser.add_argument("--json", action="store_true", help="JSON: a list of dictations, or one object with --last")
    parser.set_defaults(func=run)


def table(records: tuple[HistoryRecord, ...]) -> list[str]:
    """The table's lines: start time, duration, words, the first words, and a status flag."""
    lines = [f"{'started':<19}  {'duration':>8}  {'words':>5}  text"]
    for record in records:
        status = record.status()
        flag = f"  [{status}]" if status in (INTERRUPTED, RUNNING) else ""
        text = record.preview() or "(no words)"
        lines.append(
            f"{format_started(record.started_at):<19}  {format_duration(record.duration_s):>8}  "
            f"{record.word_count:>5}  {text}{flag}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    store = HistoryStore()
    listing = store.load()
    for problem in listing.problems:
        print(f"whisperdesk: warning: {problem}", file=sys.stderr)
    records = listing.records
    if args.last:
        if not records:
            print(f"whisperdesk: error: no dictations in the history yet ({store.folder})", file=sys.stderr)
            return 1
        last = records[-1]
        print(json.dumps(last.to_json(), ensure_ascii=False) if args.json else last.text)
        return 0
    if args.json:
        print(json.dumps([record.to_json() for record in records], ensure_ascii=False))
    elif not records:
        print(f"No dictations in the history yet ({store.folder}).")
    else:
        print("\n".join(table(records)))
    return 0
