"""`whisperdesk contract-demo FILE`: the same file through the converted path and a deliberately
broken raw path, side by side, to show what a silent input-contract break produces. Qt-free."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from app.commands.common import UserError, add_model_args, load_from_args
from app.demo.file_demo import DEFAULT_MAX_SECONDS, run_file_demo
from app.demo.mismatch import Mismatch
from app.demo.result import BANNER, DemoResult, DemoSide
from audio.contract import ContractError
from audio.decode import probe
from audio.errors import AudioError
from inference.options import TranscribeOptions


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "contract-demo",
        help="show what the model makes of raw, unconverted audio next to the converted path",
        description="Transcribe FILE twice: through the normal conversion to 16 kHz mono, and raw "
        "(skipping one conversion step) through the demo's explicit contract bypass.",
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument(
        "--mismatch",
        choices=[m.value for m in Mismatch],
        default=Mismatch.INTERLEAVED.value,
        help="interleaved (default): native samples as they arrive; no-resample: mono at the native rate; "
        "int16: int16 values not scaled to [-1, 1]",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    parser.add_argument("--spectrogram", type=Path, metavar="PATH", help="write the two log-mel spectrograms as PNG")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_MAX_SECONDS,
        help=f"use at most this much of the file (default {DEFAULT_MAX_SECONDS:g} s)",
    )
    parser.add_argument("--no-vad", action="store_true", help="do not skip silence with Silero VAD (both paths)")
    add_model_args(parser)
    parser.set_defaults(func=run)


def _check_output(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{path}: is a directory; --spectrogram needs a file name")
    if not parent.is_dir():
        raise UserError(f"{path}: folder {parent} does not exist")


def _side_lines(title: str, side: DemoSide, extra: str = "") -> list[str]:
    return [
        title,
        f"  received:   {side.received}",
        f"  fed as:     {side.sample_rate_fed} Hz, {side.channels_fed} channel",
        f"  duration:   {side.seconds_as_seen:.2f} s as the model saw it{extra}",
        f"  processing: {side.processing_s:.2f} s",
        f"  text:       {side.display_text}",
    ]


def format_report(result: DemoResult) -> str:
    """The readable two-part report with the plain-language banner."""
    native = result.native
    cut = f" (first {native.seconds:.1f} s)" if native.truncated else ""
    factor = result.speed_factor
    stretch = f" ({factor:.1f}x longer, pitched down)" if factor > 1.0 else " (same length)"
    lines = [
        f"Input-contract demo: {result.source}{cut}",
        f"Native audio: {native.description}; mismatch: {result.mismatch.value}",
        result.mismatch.explanation(),
        "",
        *_side_lines(result.converted_title, result.converted),
        "",
        *_side_lines(result.raw_title, result.raw, stretch),
        "",
        result.wer_text(),
    ]
    if result.note:
        lines.append(f"Note: {result.note}")
    lines += ["", BANNER]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.max_seconds is not None and not 0 < args.max_seconds < math.inf:
        raise UserError(f"--max-seconds must be a positive number of seconds, not {args.max_seconds:g}")
    if args.spectrogram is not None:
        _check_output(args.spectrogram)
    try:
        probe(args.file)  # a bad file fails in a moment, before the model loads
    except AudioError as exc:
        raise UserError(f"{args.file}: {exc}") from None
    loaded = load_from_args(args)
    options = TranscribeOptions(vad_filter=not args.no_vad)
    try:
        result = run_file_demo(args.file, loaded, args.mismatch, options, args.max_seconds)
    except (AudioError, ContractError) as exc:
        raise UserError(f"{args.file}: {exc}") from None
    if args.spectrogram is not None:
        try:
            args.spectrogram.write_bytes(result.spectrogram_png)
        except OSError as exc:
            raise UserError(f"{args.spectrogram}: cannot write the spectrogram ({exc.strerror or exc})") from None
    if args.json:
        print(json.dumps(result.to_record(), ensure_ascii=False), flush=True)
    else:
        print(format_report(result), end="", flush=True)
    return 0
