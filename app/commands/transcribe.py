"""`whisperdesk transcribe FILE...`: files to text, subtitles or JSON, one failure never stops the rest.

With --server the files are converted here and transcribed on OpenAI-compatible servers (several:
spread over them, a file a server fails on retried on another); the output is the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.commands.common import (
    ProgressBar,
    UserError,
    add_model_args,
    add_server_args,
    checked,
    error,
    load_from_args,
    servers_from_args,
    vocabulary_arg,
)
from app.services.export_files import export_transcript, output_path
from app.services.file_jobs import FileResult, transcribe_file
from app.services.file_queue import ServerBatch, ServerOutcome
from app.services.messages import one_line
from audio.contract import ContractError
from audio.errors import AudioError
from inference.exports import FORMATS, get_writer
from inference.models import DEFAULT_MODEL
from inference.options import BATCH_SIZE, TASKS, TranscribeOptions, vocabulary_hotwords
from inference.remote.server import RemoteServer


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("transcribe", help="transcribe audio/video files")
    parser.add_argument("files", nargs="+", metavar="FILE")
    add_model_args(parser)
    add_server_args(parser)
    parser.add_argument("--language", default=None, help="language code (default: detect; en for .en models)")
    parser.add_argument(
        "--task", default="transcribe", choices=TASKS, help="translate: any language to English (multilingual models)"
    )
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--no-vad", action="store_true", help="do not skip silence with Silero VAD")
    parser.add_argument(
        "--batched",
        type=int,
        nargs="?",
        const=BATCH_SIZE,
        default=0,
        metavar="N",
        help=f"decode VAD-cut chunks N at a time (default N {BATCH_SIZE}); see the README for the trade-off",
    )
    parser.add_argument(
        "--vocabulary",
        type=vocabulary_arg,
        default=(),
        metavar="FILE|WORDS",
        help="names and terms to spell as given: a file (one per line) or comma-separated words",
    )
    parser.add_argument("--format", default="txt", choices=FORMATS)
    parser.add_argument("--output-dir", type=Path, default=None, help="write FILE.<format> here instead of stdout")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(func=run)


def options_from_args(args: argparse.Namespace) -> TranscribeOptions:
    return checked(
        lambda: TranscribeOptions(
            language=args.language,
            task=args.task,
            beam_size=args.beam_size,
            vad_filter=not args.no_vad,
            batch_size=args.batched,
            hotwords=vocabulary_hotwords(args.vocabulary),
        )
    )


def emit(result: FileResult, fmt: str, output_dir: Path | None, taken: set[Path] | None = None) -> None:
    """Write one result to stdout (JSON as one line) or to OUTPUT_DIR/<stem>.<fmt>.

    `taken` holds the outputs of this run: a second input with the same stem (a/x.wav, b/x.mp3)
    gets <stem>-2.<fmt> instead of overwriting the first one's transcript. Files from earlier runs
    are overwritten, as a rerun should.
    """
    record = result.to_record()
    if output_dir is None:
        if fmt == "json":
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            sys.stdout.write(get_writer(fmt)(result.transcript.segments, record))
            sys.stdout.flush()
        return
    target = output_path(output_dir, Path(result.file).stem, fmt, set() if taken is None else taken)
    export_transcript(target, fmt, result.transcript.segments, record)
    print(f"{result.file} -> {target}", file=sys.stderr)


class _InOrder:
    """Writes a server batch's results in the order the files were given, as soon as each one's
    predecessors are out; a file's error line is printed at once."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self._done: dict[int, ServerOutcome] = {}
        self._next = 0
        self._written: set[Path] = set()
        self.failures = 0

    def __call__(self, outcome: ServerOutcome) -> None:
        for fault in outcome.moved if outcome.result else ():
            print(f"whisperdesk: warning: {outcome.path}: {fault}; sent to another server", file=sys.stderr)
        if outcome.error is not None:
            error(f"{outcome.path}: {outcome.error}")
            self.failures += 1
        self._done[outcome.index] = outcome
        while self._next in self._done:
            result = self._done.pop(self._next).result
            self._next += 1
            if result is not None and not _report(result, self._args, self._written):
                self.failures += 1


def _report(result: FileResult, args: argparse.Namespace, written: set[Path]) -> bool:
    """Write one file's transcript; False (one error line) when it cannot be written, or when the audio
    decoded was not the file's (cut short, clipped out of shape: written all the same): the next file goes on."""
    problems = "; ".join(result.native.problems)  # never a silent empty, partial or garbled result
    failed = bool(problems) and (not result.transcript.text or result.native.unreliable)
    if not result.transcript.text:
        if failed:
            error(f"{result.file}: no speech found: {problems}")
            return False
        print(f"whisperdesk: warning: {result.file}: no speech found", file=sys.stderr)
    elif failed:  # the transcript is still written, and the exit status says it is not the whole file's
        error(f"{result.file}: {problems}")
    elif problems:
        print(f"whisperdesk: warning: {result.file}: {problems}", file=sys.stderr)
    try:
        emit(result, args.format, args.output_dir, written)
    except OSError as exc:
        error(f"{result.file}: cannot write its transcript: {one_line(exc)}")
        return False
    return not failed


def run_on_servers(args: argparse.Namespace, servers: list[RemoteServer], options: TranscribeOptions) -> int:
    """The files through the servers; exit status 1 when any file has no transcript."""
    if args.model != DEFAULT_MODEL:
        raise UserError("--model names a model on this computer; with --server, name the server's with --server-model")
    writer = _InOrder(args)
    ServerBatch(servers, options, writer).run(args.files)
    return 1 if writer.failures else 0


SUBTITLE_FORMATS = ("srt", "vtt")  # one file's cues per document: several in one stream are not valid


def check_output(args: argparse.Namespace) -> None:
    """Refuse what no reader could use, before any file is transcribed: subtitles of several files
    concatenated on stdout (cue numbers and times restart, VTT headers repeat)."""
    if args.format in SUBTITLE_FORMATS and args.output_dir is None and len(args.files) > 1:
        raise UserError(
            f"--format {args.format} with several files needs --output-dir (one subtitle file each): "
            "on stdout their cues would run together"
        )


def run(args: argparse.Namespace) -> int:
    check_output(args)
    options = options_from_args(args)
    servers = servers_from_args(args)
    if servers:
        return run_on_servers(args, servers, options)
    loaded = load_from_args(args)
    failures = 0
    written: set[Path] = set()
    for file in args.files:
        bar = ProgressBar(Path(file).name, enabled=False if args.no_progress else None)
        try:
            result = transcribe_file(file, loaded, options, progress=bar)
        except (AudioError, ContractError) as exc:
            bar.close()
            error(f"{file}: {exc}")
            failures += 1
            continue
        bar.close()
        failures += not _report(result, args, written)
    return 1 if failures else 0
