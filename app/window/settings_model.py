"""The user's settings as one frozen value, with the flat string form QSettings stores.

Qt-free: app/gui/settings_store.py persists it; controllers read what they need from it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from app.desktop.hotkey import DEFAULT_HOTKEY, HOTKEY_MODES
from app.services.api_keys import entry_name
from app.services.model_manager import ModelSpec
from inference.models import DEFAULT_MODEL
from inference.options import BATCH_SIZE, TranscribeOptions, vocabulary_hotwords
from inference.remote.server import DEFAULT_MODEL as SERVER_MODEL
from inference.remote.server import RemoteServer, is_loopback
from inference.streaming import StreamingOptions

DEVICES = ("auto", "cpu", "cuda")
COMPUTE_TYPES = ("", "int8", "int8_float32", "int8_float16", "float16", "float32")  # "" = device default
MIN_STEP_S = 0.2  # seconds: shortest live re-decode step offered
MAX_STEP_S = 5.0  # seconds: longest live re-decode step offered
DEFAULT_STEP_S = StreamingOptions().step_s  # seconds between live re-decodes
OUTPUT_MODES = ("type", "paste", "window")  # where dictated words go: app/window/dictation_output.py
ENGINES = ("local", "server")  # where files are transcribed: this computer, or an OpenAI-compatible server


def key_needs_confirmation(url: str, api_key: str | None) -> bool:
    """True when `api_key` would go over plain http to another computer, where anyone on the path reads it."""
    parts = urlsplit(url.strip())
    return bool(api_key) and parts.scheme == "http" and bool(parts.hostname) and not is_loopback(parts.hostname or "")


def default_output_dir() -> str:
    """Where exports go unless the user picks a folder: the Documents folder."""
    return platformdirs.user_documents_dir()


@dataclass(frozen=True)
class AppSettings:
    """Everything the Settings dialog edits."""

    model: str = DEFAULT_MODEL  # tiny.en, base, or a CTranslate2 model folder
    device: str = "auto"  # auto (GPU when visible), cpu or cuda
    compute_type: str = ""  # "" = int8 on CPU, int8_float16 on CUDA
    language: str = ""  # "" = detect; English-only models always use en
    step_s: float = DEFAULT_STEP_S  # live policy: seconds between re-decodes of the tail
    vad: bool = True  # skip silence with Silero VAD
    output_dir: str = ""  # "" = default_output_dir()
    input_device: str = ""  # microphone name; "" = the system default
    translate: bool = False  # files: any language to English text (multilingual models)
    batched: bool = False  # files: VAD-cut chunks decoded in batches (README: the measured trade-off)
    vocabulary: str = ""  # names and terms, comma-separated, for files and dictation
    output: str = "type"  # dictated words: typed into the focused app, pasted at the end, or window only
    hotkey: str = DEFAULT_HOTKEY  # the global dictation shortcut (X11); "none" = no shortcut
    hotkey_mode: str = "toggle"  # toggle: each press starts or stops; hold: dictate while held
    overlay: bool = True  # a small on-top strip with the level and partial text while dictating
    start_hidden: bool = False  # open in the tray only (where the desktop has a tray)
    autostart: bool = False  # an XDG autostart entry opens whisperdesk hidden at login
    engine: str = "local"  # files and dictation: "local" (this computer) or "server" (local model as stand-in)
    server_url: str = ""  # the server's OpenAI-compatible base URL, e.g. http://gpu-box:8000/v1
    server_model: str = SERVER_MODEL  # the model name the server is asked for
    insecure_key_url: str = ""  # a plain-http server the user confirmed sending the key to (the key is not here)

    def hotwords(self) -> str | None:
        return vocabulary_hotwords(self.vocabulary.split(","))

    def model_spec(self) -> ModelSpec:
        return ModelSpec(self.model, self.device, self.compute_type or None)

    def transcribe_options(self) -> TranscribeOptions:
        """Options for file transcription."""
        return TranscribeOptions(
            language=self.language or None,
            task="translate" if self.translate else "transcribe",
            vad_filter=self.vad or self.batched,  # batched decoding cuts at the VAD's pauses
            batch_size=BATCH_SIZE if self.batched else 0,
            hotwords=self.hotwords(),
        )

    def streaming_options(self) -> StreamingOptions:
        """Options for live dictation: the step, the language, and VAD gating and pause commits."""
        return StreamingOptions(
            step_s=self.step_s,
            language=self.language or None,
            vad_gate=self.vad,
            vad_finalize=self.vad,
            hotwords=self.hotwords(),
        )

    def remote_server(self, key_for: Callable[[str], str | None]) -> RemoteServer | None:
        """The server files go to (`key_for(url)` gives its API key), or None when they stay on this computer.

        Raises ValueError, in words for the window, when the URL is missing or invalid, or when the key
        would go over plain http to another computer without the user's confirmation.
        """
        if self.engine != "server":
            return None
        url = entry_name(self.server_url)
        if not url:
            raise ValueError("no server URL is set: enter one in Settings")
        key = key_for(url)
        confirmed = url == entry_name(self.insecure_key_url)
        if key_needs_confirmation(url, key) and not confirmed:
            host = urlsplit(url).hostname
            raise ValueError(
                f"the API key would go over plain http to {host}, which is not this computer: "
                "use https, or confirm it in Settings"
            )
        return RemoteServer(url, self.server_model or SERVER_MODEL, key, allow_insecure_key=confirmed)

    def export_dir(self) -> str:
        return self.output_dir or default_output_dir()

    def to_strings(self) -> dict[str, str]:
        """Flat key -> string form, the same on every platform's settings backend."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return out

    @classmethod
    def from_strings(cls, values: Mapping[str, object]) -> AppSettings:
        """Parse stored values; anything missing or malformed falls back to its default."""
        settings = cls()
        changes: dict[str, Any] = {}
        for f in fields(cls):
            raw = values.get(f.name)
            if raw is None:
                continue
            default = getattr(settings, f.name)
            if isinstance(default, bool):
                changes[f.name] = str(raw).strip().lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, float):
                try:
                    number = float(str(raw))
                except ValueError:
                    continue
                if math.isfinite(number):
                    changes[f.name] = min(MAX_STEP_S, max(MIN_STEP_S, number))
            else:
                changes[f.name] = str(raw).strip()
        parsed = replace(settings, **changes)
        if parsed.device not in DEVICES:
            parsed = replace(parsed, device="auto")
        if parsed.compute_type not in COMPUTE_TYPES:
            parsed = replace(parsed, compute_type="")
        if parsed.hotkey_mode not in HOTKEY_MODES:
            parsed = replace(parsed, hotkey_mode="toggle")
        if parsed.output not in OUTPUT_MODES:
            parsed = replace(parsed, output="type")
        if not parsed.model:
            parsed = replace(parsed, model=DEFAULT_MODEL)
        if parsed.engine not in ENGINES:
            parsed = replace(parsed, engine="local")
        if not parsed.server_model:
            parsed = replace(parsed, server_model=SERVER_MODEL)
        return parsed
