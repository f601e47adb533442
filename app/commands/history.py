"""`whisperdesk history`: the dictations kept on disk (every live run, from the window or the CLI).

A table, newest last; `--last` prints the last dictation's full text; `--json` for both. A file
that cannot be read is skipped with one warning line, so one bad file never hides the rest.
`--last --type` types the last dictation into the focused window instead (after `--delay` seconds,
and once no modifier key is held), the way live dictation types: for a key binding in the desktop's
own shortcut settings. When it cannot be typed, it says why and exits 1; the text stays in the history.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time

from app.commands.common import UserError, error
from app.desktop.text_joiner import standalone
from app.desktop.type_queue import TypingQueue
from app.services.history import INTERRUPTED, RUNNING, HistoryRecord, HistoryStore, format_duration, format_started


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list the dictations kept on disk, or print the last one",
        description="List past dictations (newest last), or print the last one's full text.",
    )
    parser.add_argument("--last", action="store_true", help="print the last dictation's full text")
    parser.add_argument("--json", action="store_true", help="JSON: a list of dictations, or one object with --last")
    parser.add_argument(
        "--type",
        action="store_true",
        help="with --last: type it into the focused window (as dictation types), for a desktop key binding",
    )
    parser.add_argument(
        "--delay", type=float, default=0.0, metavar="S", help="with --type: wait S seconds first (default 0)"
    )
    parser.set_defaults(func=run)


TYPE_TIMEOUT_S = 60.0  # seconds the typing may take, plus a second per TYPE_CHARS_PER_S characters
TYPE_CHARS_PER_S = 50


def type_text(text: str, delay_s: float) -> int:
    """Type `text` into the focused window through the dictation's typing queue; 1 with the reason when
    it cannot be typed."""
    time.sleep(delay_s)  # the user's time to put the cursor where the text goes
    failures: list[str] = []
    typed = threading.Event()
    queue = TypingQueue(lambda _text, why: failures.append(why))
    try:
        queue.type(text)
        queue.after(typed.set)
        finished = typed.wait(TYPE_TIMEOUT_S + len(text) / TYPE_CHARS_PER_S)
    finally:
        queue.close()
    if failures or not finished:
        why = failures[0] if failures else "typing did not finish in time"
        error(f"cannot type the dictation: {why} (it stays in the history: `whisperdesk history --last`)")
        return 1
    return 0


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
    if args.type and (not args.last or args.json):
        raise UserError("--type types the last dictation: use it with --last and without --json")
    if args.delay < 0 or args.delay > 3600 or args.delay != args.delay:
        raise UserError(f"--delay must be between 0 and 3600 seconds, not {args.delay:g}")
    if args.delay and not args.type:
        raise UserError("--delay goes with --type")
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
        if args.type:
            text = standalone(last.text)
            if not text:
                error("the last dictation has no words to type")
                return 1
            return type_text(text, args.delay)
        print(json.dumps(last.to_json(), ensure_ascii=False) if args.json else last.text)
        return 0
    if args.json:
        print(json.dumps([record.to_json() for record in records], ensure_ascii=False))
    elif not records:
        print(f"No dictations in the history yet ({store.folder}).")
    else:
        print("\n".join(table(records)))
    return 0
