"""`whisperdesk live`: dictation from a microphone (or a file replayed as one) to the terminal.

Committed text prints as lines; on a terminal the unconfirmed tail is redrawn in place after it.
`--json` prints one object per partial/commit and a final summary. Ctrl-C stops cleanly: the
words already spoken are still transcribed and printed. A second Ctrl-C stops at once (a slow or
stalled server is not waited for): the words heard so far are printed, later audio is not
transcribed. Every run is kept in the dictation history as it happens (app/services/history.py;
`whisperdesk history`).

`--server URL` runs the same streaming policy on an OpenAI-compatible server (each step's buffer
goes up as contract audio). When the server fails, the session says so in one line and goes on
with the local model, keeping every committed word (`--on-server-error stop` ends it instead).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import threading
from typing import TextIO

from app.commands.common import (
    UserError,
    add_model_args,
    add_server_args,
    checked,
    error,
    load_from_args,
    servers_from_args,
    vocabulary_arg,
)
from app.demo.live_demo import LiveRawTranscriber, LiveRawUpdate
from app.demo.live_worker import LiveRawWorker
from app.demo.mismatch import Mismatch
from app.demo.result import BANNER
from app.services.autosave import Autosaver
from app.services.history import DictationRecorder, HistoryStore
from app.services.live_session import LiveSession
from app.services.live_transcript import continues_word
from audio.file_source import FileSource
from audio.microphones import open_microphone
from audio.sources import AudioSource
from inference.engine import Engine, local_engine
from inference.options import vocabulary_hotwords
from inference.remote.engine import remote_engine
from inference.remote.server import LIVE_TIMEOUT_S
from inference.results import SENTENCE_END
from inference.stream_events import Commit, EngineChanged, Partial, StreamError, StreamEvent, Summary
from inference.streaming import StreamingOptions
from inference.streaming_words import normalize_word

DIM, RESET, CLEAR_LINE = "\x1b[2m", "\x1b[0m", "\r\x1b[2K"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "live",
        help="live dictation from a microphone (or a file replayed as one)",
        description=(
            "Transcribe speech as it is spoken. Ctrl-C stops and prints the last words; "
            "a second Ctrl-C stops at once, without the last pass."
        ),
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--input",
        metavar="DEVICE",
        help="sound server source name, or device index or name (see `whisperdesk devices`; default: system default)",
    )
    where.add_argument("--simulate", metavar="FILE", help="replay FILE as if it were a microphone")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument(
        "--realtime", dest="realtime", action="store_true", default=True, help="pace --simulate in real time (default)"
    )
    pace.add_argument(
        "--fast", dest="realtime", action="store_false", help="replay --simulate as fast as it is transcribed"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line (partial, commit, summary)")
    demo = parser.add_argument_group("input-contract demo")
    demo.add_argument(
        "--contract-demo",
        action="store_true",
        help="also feed the raw, unconverted audio to the model (contract bypassed) and print what it hears",
    )
    demo.add_argument(
        "--mismatch",
        choices=[m.value for m in Mismatch],
        default=Mismatch.INTERLEAVED.value,
        help="how the raw side breaks the contract (default: native samples passed as 16 kHz mono)",
    )
    add_model_args(parser)
    add_server_args(parser, timeout_s=LIVE_TIMEOUT_S)
    parser.add_argument(
        "--on-server-error",
        choices=("local", "stop"),
        default="local",
        help="when the server fails: go on with the local model (default), or stop; the transcript is kept either way",
    )
    tuning = parser.add_argument_group("streaming")
    tuning.add_argument("--step", type=float, default=StreamingOptions.step_s, help="seconds of new audio per step")
    tuning.add_argument("--beam-size", type=int, default=StreamingOptions.beam_size)
    tuning.add_argument("--language", default=None, help="language code (default: en for .en models, else detected)")
    tuning.add_argument(
        "--vocabulary",
        type=vocabulary_arg,
        default=(),
        metavar="FILE|WORDS",
        help="names and terms to spell as given: a file (one per line) or comma-separated words",
    )
    parser.set_defaults(func=run)


def live_engine(args: argparse.Namespace) -> tuple[Engine, bool]:
    """The engine the arguments name, and whether a failing one may hand over to the local model."""
    servers = servers_from_args(args)
    if not servers:
        return local_engine(load_from_args(args)), False
    if len(servers) > 1:
        raise UserError("live dictation uses one --server (several spread files, in `whisperdesk transcribe`)")
    if args.contract_demo:
        raise UserError("--contract-demo feeds raw audio to the local model: leave out --server")
    return remote_engine(servers[0]), args.on_server_error == "local"


def open_source(args: argparse.Namespace) -> AudioSource:
    """The microphone, or the file named by --simulate."""
    if args.simulate:
        return FileSource(args.simulate, realtime=args.realtime)
    if not args.realtime:
        raise UserError("--fast only applies to --simulate FILE")
    device: int | str | None = args.input
    if isinstance(device, str) and device.isdigit():
        device = int(device)
    return open_microphone(device)


def streaming_options(args: argparse.Namespace) -> StreamingOptions:
    return checked(
        lambda: StreamingOptions(
            step_s=args.step,
            beam_size=args.beam_size,
            language=args.language,
            hotwords=vocabulary_hotwords(args.vocabulary),
        )
    )


def event_record(event: StreamEvent) -> dict | None:
    """The JSON object for one event (None for meter levels, which are not printed)."""
    if isinstance(event, (Partial, Commit)):
        return {
            "type": "commit" if isinstance(event, Commit) else "partial",
            "text": event.text,
            "audio_start": round(event.audio_start, 3),
            "audio_end": round(event.audio_end, 3),
            "emitted_at": round(event.emitted_at, 3),
            "latency_s": round(event.latency_s, 3),
        }
    if isinstance(event, StreamError):
        return {"type": "error", "message": event.message}
    if isinstance(event, EngineChanged):
        return {"type": "engine", "message": event.message, "engine": event.engine}
    if isinstance(event, Summary):

        def num(value: float | None) -> float | None:
            return None if value is None else round(float(value), 3)

        return {
            "type": "summary",
            "text": event.text,
            "latency_median_s": num(event.latency_median_s),
            "latency_p95_s": num(event.latency_p95_s),
            "partial_latency_median_s": num(event.partial_latency_median_s),
            "rtf": num(event.rtf),
            "overflows": event.overflows,
            "audio_s": num(event.audio_s),
            "language": event.language,
            "input_problem": event.input_problem,
        }
    return None


class JsonPrinter:
    """One JSON object per line, flushed at once (for pipes and other programs)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def __call__(self, event: StreamEvent) -> None:
        record = event_record(event)
        if isinstance(event, StreamError):
            error(event.message)
        elif isinstance(event, EngineChanged):
            warn(event.message)
        if record is not None:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.out.flush()


class TextPrinter:
    """Committed text as lines (a line ends at a sentence end or the width); on a terminal the
    current line and the partial tail are redrawn in place."""

    def __init__(self, out: TextIO, interactive: bool | None = None, width: int | None = None) -> None:
        self.out = out
        self.interactive = out.isatty() if interactive is None else interactive
        self.width = width or (shutil.get_terminal_size().columns if self.interactive else 100)
        self.line = ""  # committed text of the line not yet ended
        self.partial = ""

    def __call__(self, event: StreamEvent) -> None:
        if isinstance(event, Commit):
            self.partial = _without_prefix(self.partial, event.text)
            self._commit(event.text, glued=continues_word(event))
        elif isinstance(event, Partial):
            self.partial = event.text
            self._redraw()
        elif isinstance(event, StreamError | EngineChanged):
            self._clear()
            (error if isinstance(event, StreamError) else warn)(event.message)
            self._redraw()
        elif isinstance(event, Summary):
            self.partial = ""
            self._end_line()

    def show_aside(self, text: str) -> None:
        """A line printed apart from the transcript (the contract demo's raw side), dimmed on a terminal."""
        self._clear()
        self.out.write(f"{DIM}{text}{RESET}\n" if self.interactive else f"{text}\n")
        self._redraw()
        self.out.flush()

    def _commit(self, text: str, glued: bool = False) -> None:
        """Append the commit's words; `glued`: its first word goes on from the last one ("42" + "-line")."""
        for index, word in enumerate(text.split()):
            if index == 0 and glued and self.line:
                self.line += word
            else:
                if self.line and len(self.line) + 1 + len(word) > self.width - 1:
                    self._end_line()
                self.line = f"{self.line} {word}" if self.line else word
            if word.endswith(SENTENCE_END):
                self._end_line()
        self._redraw()

    def _end_line(self) -> None:
        if self.line:
            self._clear()
            self.out.write(self.line + "\n")
            self.line = ""
        self._redraw()

    def _clear(self) -> None:
        if self.interactive:
            self.out.write(CLEAR_LINE)

    def _redraw(self) -> None:
        if not self.interactive:
            return
        room = max(0, self.width - 1 - len(self.line) - 1)
        tail = self.partial[-room:] if room else ""
        shown = f"{self.line}{' ' if self.line else ''}{DIM}{tail}{RESET}" if tail else self.line
        self.out.write(CLEAR_LINE + shown)
        self.out.flush()


def raw_record(update: LiveRawUpdate) -> dict:
    """The JSON object for one update of the contract demo's raw side."""
    return {
        "type": "raw",
        **update.side.to_record(),
        "native_s": round(update.native_seconds, 3),
        "final": update.final,
    }


class RawPrinter:
    """Prints the raw side's updates: JSON lines, or a dimmed `[raw …]` line between committed lines."""

    def __init__(self, printer: JsonPrinter | TextPrinter, title: str, lock: threading.Lock) -> None:
        self.printer = printer
        self.title = title
        self._lock = lock  # shared with the session's events: both threads write to the same output

    def __call__(self, update: LiveRawUpdate) -> None:
        with self._lock:
            if isinstance(self.printer, JsonPrinter):
                self.printer.out.write(json.dumps(raw_record(update), ensure_ascii=False) + "\n")
                self.printer.out.flush()
                return
            label = "final" if update.final else f"{update.native_seconds:.0f} s"
            self.printer.show_aside(f"[raw, {label}: {self.title}] {update.side.display_text}")


def _without_prefix(partial: str, committed: str) -> str:
    """The partial tail once `committed` words left it (all of it when they do not match its start)."""
    shown, done = partial.split(), committed.split()
    same = [normalize_word(w) for w in shown[: len(done)]] == [normalize_word(w) for w in done]
    return " ".join(shown[len(done) :]) if same else ""


def warn(message: str) -> None:
    print(f"whisperdesk: warning: {message}", file=sys.stderr)


CANCELLED = "stopped at once: the words heard so far are kept; audio after the last model run was not transcribed"


def run(args: argparse.Namespace) -> int:
    options = streaming_options(args)
    source = open_source(args)  # before the model: a bad device or file fails fast
    engine, may_fall_back = live_engine(args)
    printer = JsonPrinter(sys.stdout) if args.json else TextPrinter(sys.stdout)
    raw = None
    output = threading.Lock()  # the raw side prints from its own thread
    if args.contract_demo:
        loaded = load_from_args(args)
        transcriber = LiveRawTranscriber(loaded, source.sample_rate, source.channels, Mismatch(args.mismatch))
        raw = LiveRawWorker(transcriber, RawPrinter(printer, transcriber.title, output), on_error=error)
        if not args.json:
            print(f"contract demo: {BANNER}", file=sys.stderr)
    held: list[StreamEvent] = []  # with the demo on, the summary waits for the raw side's last update
    saver = Autosaver()  # the history's writer thread and cadence (this command keeps no autosave of its own)
    history = DictationRecorder(HistoryStore(), saver, source.name, engine.name)

    def on_event(event: StreamEvent) -> None:
        history.on_event(event)
        if raw is not None and isinstance(event, Summary):
            held.append(event)
            return
        with output:
            printer(event)

    fallback = (lambda: local_engine(load_from_args(args))) if may_fall_back else None
    session = LiveSession(
        source, engine, options, on_event=on_event, on_block=raw.feed if raw else None, fallback=fallback
    )

    interrupts = [0]

    def on_interrupt(signum: int, frame: object) -> None:
        interrupts[0] += 1
        if interrupts[0] == 1:
            session.stop()
        else:  # the second: without the last pass; a third ends the process (KeyboardInterrupt)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            session.cancel()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        summary = session.run()
    finally:
        signal.signal(signal.SIGINT, previous)
        if raw is not None:
            raw.close()
        for event in held:
            printer(event)
        history.finish()
        saver.close()
        for problem in saver.errors():
            print(f"whisperdesk: warning: history: {problem}", file=sys.stderr)
    sys.stdout.flush()
    if session.cancelled:
        print(f"whisperdesk: {CANCELLED}", file=sys.stderr)
    if summary.error:
        return 1
    if engine.multilingual and args.language is None and summary.language and not args.json:
        print(f"whisperdesk: language: {summary.language} (detected once for the session)", file=sys.stderr)
    return _report_input(source.name, summary)


def _report_input(name: str, summary: Summary) -> int:
    """No speech, or clipped input, said at the end: exit 1 where clipping explains an empty transcript
    or garbled it (audio/levels.py), a warning otherwise."""
    problem = summary.input_problem
    if not summary.text:
        if problem:
            error(f"{name}: no speech heard: {problem}")
            return 1
        print(f"whisperdesk: warning: {name}: no speech heard", file=sys.stderr)
    elif problem and summary.input_unreliable:
        error(f"{name}: {problem}")
        return 1
    elif problem:
        print(f"whisperdesk: warning: {name}: {problem}", file=sys.stderr)
    return 0
