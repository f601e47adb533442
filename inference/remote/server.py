"""Which server to call, and the rules that keep its API key safe.

The key is never part of a repr, a message or a URL, and it goes over plain http only to this
computer (loopback) unless the user says so: anyone on the path could read it otherwise.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from audio.constants import SAMPLE_RATE
from inference.loader import ModelInfo
from inference.remote.upload import UPLOAD_FORMATS

DEFAULT_MODEL = "whisper-1"  # what OpenAI's API and most compatible servers call their default
DEFAULT_TIMEOUT_S = 300.0  # seconds without a byte from the server before it counts as not answering
LIVE_TIMEOUT_S = 10.0  # a live step waits this long at most: then the local model takes over (or the session ends)
KEY_ENV = "WHISPERDESK_API_KEY"  # the environment variable the CLI reads the key from


class ServerError(Exception):
    """A server that could not transcribe: one line naming it and the reason.

    `down` is True for faults of the server as a whole (unreachable, not answering, key rejected),
    after which a batch stops sending it files; False for a fault of one request (a 4xx on a file).
    """

    def __init__(self, server: str, reason: str, down: bool = False) -> None:
        super().__init__(f"server {server}: {reason}")
        self.server = server
        self.reason = reason
        self.down = down


def is_loopback(host: str) -> bool:
    """True for this computer's own addresses (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in {"localhost", "localhost."} or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class RemoteServer:
    """An OpenAI-compatible base URL (`http://gpu-box:8000/v1`), the model to ask for and the key.

    Raises ValueError for a URL that is not http(s)://host[:port][/path], that holds credentials,
    or (with a key, over plain http, to another computer) unless `allow_insecure_key`.
    """

    url: str
    model: str = DEFAULT_MODEL
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    allow_insecure_key: bool = False
    upload_format: str = "flac"  # or "wav", for a server that cannot read FLAC

    def __post_init__(self) -> None:
        try:
            parts = urlsplit(self.url)
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"server URL {self.url!r} is not valid: {exc}") from None
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"server URL {self.url!r} must look like http://host:port/v1 or https://host/v1")
        if parts.username or parts.password:
            raise ValueError(f"put the API key in ${KEY_ENV}, not in the server URL")
        if parts.query or parts.fragment:
            raise ValueError(f"server URL {self.display!r} must not have a query or fragment")
        if port == 0:
            raise ValueError(f"server URL {self.display!r} has port 0")
        if self.timeout_s <= 0:
            raise ValueError(f"the server time-out must be positive, not {self.timeout_s}")
        if self.upload_format not in UPLOAD_FORMATS:
            raise ValueError(f"upload format must be one of {', '.join(UPLOAD_FORMATS)}, not {self.upload_format!r}")
        if not self.model.strip():
            raise ValueError("the server model name is empty")
        if self.api_key and parts.scheme == "http" and not is_loopback(parts.hostname) and not self.allow_insecure_key:
            raise ValueError(
                f"refusing to send the API key over plain http to {parts.hostname}, which is not this computer: "
                "use https, or --allow-insecure-key if that network is trusted"
            )

    @property
    def display(self) -> str:
        """The URL as shown in messages and records (never holds the key)."""
        return self.url.rstrip("/")

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def base_path(self) -> str:
        """The path every endpoint goes under ("/v1"), without a trailing slash."""
        return urlsplit(self.url).path.rstrip("/")

    @property
    def info(self) -> ModelInfo:
        """The server's model in the shape of a local one's facts, for views that show either."""
        return ModelInfo(self.model, self.display, f"server {self.display}", None, "server", "remote", True)

    def record(self) -> dict[str, object]:
        """What the JSON result says about the server (it replaces the local model's sha256)."""
        return {
            "url": self.display,
            "model": self.model,
            "api": "OpenAI-compatible /audio/transcriptions, verbose_json",
            "upload": f"{self.upload_format}, 16-bit PCM, {SAMPLE_RATE} Hz mono",
            "api_key": "sent" if self.api_key else "none",
        }

    def error(self, reason: str, down: bool = False) -> ServerError:
        """A ServerError naming this server, with the key (if a reply echoed it) blanked out."""
        if self.api_key:
            reason = reason.replace(self.api_key, "***")
        return ServerError(self.display, reason, down)
