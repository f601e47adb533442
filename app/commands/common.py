"""Arguments and helpers shared by subcommands (model choice, errors, progress)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from audio.errors import first_line
from inference.decoder_threads import DECODER_THREADS, SPLIT_MAX_BYTES
from inference.loader import LoadedModel, load_model
from inference.models import DEFAULT_MODEL
from inference.remote.server import DEFAULT_MODEL as SERVER_MODEL
from inference.remote.server import DEFAULT_TIMEOUT_S, KEY_ENV, RemoteServer
from inference.remote.upload import UPLOAD_FORMATS

T = TypeVar("T")


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def checked(make: Callable[[], T]) -> T:
    """`make()` (options built from the command line), an invalid value's ValueError as a UserError."""
    try:
        return make()
    except ValueError as exc:
        raise UserError(first_line(exc)) from None


def add_model_args(parser: argparse.ArgumentParser) -> None:
    """--model, --device, --compute-type, --allow-download, --cpu-threads, --decoder-threads."""
    group = parser.add_argument_group("model")
    group.add_argument("--model", default=DEFAULT_MODEL, help="tiny.en (default), base, or a CTranslate2 model folder")
    group.add_argument(
        "--device", default="auto", choices=("auto", "cpu", "cuda"), help="auto: CUDA if visible, else CPU"
    )
    group.add_argument("--compute-type", default=None, help="default int8 on CPU, int8_float16 on CUDA")
    group.add_argument(
        "--cpu-threads", type=int, default=0, help="CPU threads of the encoder (0 = CTranslate2's default)"
    )
    group.add_argument(
        "--decoder-threads",
        type=int,
        default=None,
        help=f"CPU threads of the decoder, on a copy of the weights (default {DECODER_THREADS} for models up to "
        f"{SPLIT_MAX_BYTES // 1_000_000} MB: tiny, base, small; 0 = the encoder's threads, one copy)",
    )
    group.add_argument(
        "--allow-download", action="store_true", help="let a hub model name download (never done otherwise)"
    )


def add_server_args(parser: argparse.ArgumentParser, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
    """--server (repeatable), --server-model, --server-timeout, --upload-format, --allow-insecure-key."""
    group = parser.add_argument_group("transcription server (OpenAI-compatible; API key from $" + KEY_ENV + ")")
    group.add_argument(
        "--server",
        action="append",
        default=[],
        metavar="URL",
        help="transcribe on this server instead of here, e.g. http://gpu-box:8000/v1; repeat to spread files",
    )
    group.add_argument("--server-model", default=SERVER_MODEL, help=f"the model to ask for (default {SERVER_MODEL})")
    group.add_argument(
        "--server-timeout",
        type=float,
        default=timeout_s,
        metavar="S",
        help=f"seconds without an answer before a server counts as down (default {timeout_s:g})",
    )
    group.add_argument("--upload-format", default="flac", choices=UPLOAD_FORMATS, help="how audio goes up")
    group.add_argument(
        "--allow-insecure-key", action="store_true", help="send the API key over plain http to another computer"
    )


def servers_from_args(args: argparse.Namespace) -> list[RemoteServer]:
    """The --server values as servers, each with the key from $WHISPERDESK_API_KEY (never printed)."""
    key = os.environ.get(KEY_ENV, "").strip() or None

    def server(url: str) -> RemoteServer:
        return RemoteServer(
            url,
            model=args.server_model,
            api_key=key,
            timeout_s=args.server_timeout,
            allow_insecure_key=args.allow_insecure_key,
            upload_format=args.upload_format,
        )

    return [checked(partial(server, url)) for url in args.server]


def load_from_args(args: argparse.Namespace) -> LoadedModel:
    """Load the model the arguments name."""
    try:
        loaded = load_model(
            args.model,
            device=args.device,
            compute_type=args.compute_type,
            allow_download=args.allow_download,
            cpu_threads=args.cpu_threads,
            decoder_threads=args.decoder_threads,
        )
    except ValueError as exc:  # bad device / compute type from CTranslate2 or pick_device
        raise UserError(first_line(exc)) from None
    if loaded.info.fallback:
        print(f"whisperdesk: warning: {loaded.info.fallback}", file=sys.stderr)
    return loaded


def error(message: str) -> None:
    """Print one error line on stderr."""
    print(f"whisperdesk: error: {message}", file=sys.stderr)


class ProgressBar:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, label: str, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = -1

    def __call__(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if not self.enabled or percent == self._last:
            return
        self._last = percent
        filled = int(self.WIDTH * fraction)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self._last >= 0:
            sys.stderr.write("\n")
            sys.stderr.flush()


# A --vocabulary value with one of these endings names a file, never a term: a typo must not become the vocabulary.
VOCABULARY_SUFFIXES = (".txt", ".csv", ".lst", ".list", ".md")


def vocabulary_arg(value: str) -> tuple[str, ...]:
    """--vocabulary: a file with one term per line (or comma-separated), or the terms themselves,
    comma-separated ("Hammurabi, woodcutters")."""
    path = Path(value)
    text = value
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"vocabulary {value} is a folder, not a file of terms")
    if path.suffix.lower() in VOCABULARY_SUFFIXES and not path.is_file():
        raise argparse.ArgumentTypeError(f"no such vocabulary file: {value}")
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise argparse.ArgumentTypeError(f"cannot read vocabulary file {value}: {exc}") from None
    terms = tuple(t.strip() for line in text.splitlines() for t in line.split(",") if t.strip())
    if not terms:
        raise argparse.ArgumentTypeError(f"no terms in vocabulary {value!r}")
    return terms
