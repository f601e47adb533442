"""One request to the server, and every way it can fail turned into one ServerError line.

`run_server` has the shape of `inference.boundary.run_model` (contract audio and options in;
segments, language and its probability out) and checks the contract the same way before anything
is sent, so everything reaching an engine is contract audio, a remote one included.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from audio.constants import SAMPLE_RATE, seconds_to_samples
from audio.contract import PcmAudio, check_contract
from audio.errors import first_line
from inference.errors import TranscriptionCancelled
from inference.options import TranscribeOptions
from inference.remote.reply import ReplyError, parse_reply
from inference.remote.server import KEY_ENV, RemoteServer
from inference.remote.upload import encode, multipart
from inference.results import Segment

_MESSAGE_CHARS = 200  # a server's error text is cut to this many characters in the one-line message
_DEFAULT_TEMPERATURES = TranscribeOptions().temperature
CANCEL_POLL_S = 0.1  # how often a request that is waiting for its reply looks at the cancel event


def _user_agent() -> str:
    try:
        return f"whisperdesk/{version('whisperdesk')}"
    except PackageNotFoundError:
        return "whisperdesk"


def endpoint(server: RemoteServer, options: TranscribeOptions) -> str:
    """The request path: translations for task translate, transcriptions otherwise."""
    name = "translations" if options.task == "translate" else "transcriptions"
    return f"{server.base_path}/audio/{name}"


def form_fields(server: RemoteServer, options: TranscribeOptions) -> list[tuple[str, str]]:
    """The form's text fields. Beam size and VAD are not part of the API: the server's own settings rule them.

    The temperature goes up only when the user chose a single one: the API takes one value, and
    sending 0.0 would switch off the server's fallback to higher temperatures.
    """
    fields = [("model", server.model), ("response_format", "verbose_json")]
    if options.word_timestamps:
        fields.append(("timestamp_granularities[]", "word"))
    fields.append(("timestamp_granularities[]", "segment"))
    if options.language and options.task != "translate":
        fields.append(("language", options.language))
    prompt = " ".join(p for p in (options.initial_prompt, options.hotwords) if p)
    if prompt:
        fields.append(("prompt", prompt))
    if options.temperature != _DEFAULT_TEMPERATURES and len(options.temperature) == 1:
        fields.append(("temperature", str(options.temperature[0])))
    return fields


def _one_line(text: str) -> str:
    """The first non-empty line of `text`, cut to _MESSAGE_CHARS."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:_MESSAGE_CHARS] if lines else ""


def _server_message(body: bytes) -> str:
    """The error text of a reply body: OpenAI's {"error": {"message"}}, FastAPI's {"detail"}, or plain text."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        text = body.decode("utf-8", errors="replace").strip()
        return "" if text.startswith("<") else _one_line(text)  # an HTML error page says nothing useful
    if isinstance(data, dict):
        error = data.get("error")
        found = error.get("message") if isinstance(error, dict) else error
        found = found or data.get("detail") or data.get("message")
        if found:
            text = found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)
            return _one_line(text)
    return _one_line(json.dumps(data, ensure_ascii=False))


def _status_reason(server: RemoteServer, status: int, phrase: str, body: bytes, path: str) -> tuple[str, bool]:
    """(one-line reason, whether the server as a whole is unusable) for a non-2xx reply."""
    message = _server_message(body)
    message = "" if message.lower() == phrase.lower() else message  # FastAPI's {"detail": "Not Found"}
    said = f"HTTP {status}{' ' + phrase if phrase else ''}{': ' + message if message else ''}"
    if status in (401, 403):
        if server.api_key:
            return f"the API key was rejected ({said})", True
        return f"the server needs an API key ({said}): set ${KEY_ENV}", True
    if status == 404:
        return f"{said}: no transcription endpoint at {path} (an OpenAI-compatible base URL usually ends in /v1)", True
    return said, False


def _close_on_cancel(
    connection: http.client.HTTPConnection,
    connected: list[socket.socket],
    cancel: threading.Event,
    done: threading.Event,
) -> None:
    """Watcher thread: when `cancel` is set before `done`, shut the socket so the blocked send or read ends now.
    `connected` holds the socket once connected: for a reply read until the connection closes (no
    Content-Length) http.client drops the connection's reference while the reply still reads from it."""
    while not done.wait(CANCEL_POLL_S):
        if cancel.is_set():
            sock = connection.sock or (connected[0] if connected else None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            return


def post(
    server: RemoteServer, path: str, body: bytes, content_type: str, cancel: threading.Event | None = None
) -> bytes:
    """POST `body` to `path` on the server and return the 2xx reply's body; anything else is a ServerError.
    Setting `cancel` while the server is still working raises TranscriptionCancelled within CANCEL_POLL_S."""
    connection_type = http.client.HTTPSConnection if server.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(server.host, server.port, timeout=server.timeout_s)
    headers = {"Content-Type": content_type, "Accept": "application/json", "User-Agent": _user_agent()}
    if server.api_key:
        headers["Authorization"] = f"Bearer {server.api_key}"
    done = threading.Event()
    connected: list[socket.socket] = []
    if cancel is not None:
        threading.Thread(target=_close_on_cancel, args=(connection, connected, cancel, done), daemon=True).start()
    try:
        try:
            connection.connect()
            connected.append(connection.sock)
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if cancel is not None and cancel.is_set():  # shut mid-reply: `data` may be a part of it
                raise TranscriptionCancelled("cancelled")
        except Exception:
            if cancel is not None and cancel.is_set():
                raise TranscriptionCancelled("cancelled") from None
            raise
        finally:
            done.set()
    except socket.gaierror:
        raise server.error(f"unknown host {server.host}", down=True) from None
    except ConnectionRefusedError:
        raise server.error("connection refused (is the server running on that port?)", down=True) from None
    except TimeoutError:
        raise server.error(f"no answer within {server.timeout_s:g} s", down=True) from None
    except ssl.SSLError as exc:
        raise server.error(f"TLS failed: {first_line(exc)}", down=True) from None
    except (ConnectionError, http.client.IncompleteRead, http.client.BadStatusLine):
        raise server.error("the connection closed before the reply was complete", down=True) from None
    except (OSError, http.client.HTTPException) as exc:
        raise server.error(f"{exc.__class__.__name__}: {first_line(exc)}", down=True) from None
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        reason, down = _status_reason(server, response.status, response.reason, data, path)
        raise server.error(reason, down=down)
    return data


def run_server(
    server: RemoteServer, audio: PcmAudio, options: TranscribeOptions, cancel: threading.Event | None = None
) -> tuple[Iterator[Segment], str, float]:
    """Transcribe contract audio on the server: (segments, language, language probability).

    Raises ContractError before sending anything that is not contract audio, ServerError for every
    fault of the server or the network. A reply without a language gives the one asked for (or "");
    without a probability, 1.0 for a language asked for and 0.0 (unknown) otherwise.
    """
    samples = check_contract(audio)
    upload = encode(samples, server.upload_format)
    body, content_type = multipart(form_fields(server, options), upload)
    data = post(server, endpoint(server, options), body, content_type, cancel)
    try:
        reply = parse_reply(data, audio.duration_s)
    except ReplyError as exc:
        raise server.error(str(exc)) from None
    language = reply.language or options.language or ""
    if reply.language_probability is not None:
        probability = reply.language_probability
    else:
        probability = 1.0 if options.language else 0.0
    return iter(reply.segments), language, probability


CHECK_S = 0.5  # seconds of silence sent by the connection test


def check_connection(server: RemoteServer) -> float:
    """The connection test (Settings): transcribe CHECK_S of silence; returns the round trip in seconds.

    Goes through the same endpoint, form and key as real work, so a pass means files will go through;
    raises ServerError with the same one-line reasons otherwise.
    """
    started = time.perf_counter()
    silence = PcmAudio(np.zeros(seconds_to_samples(CHECK_S), dtype=np.float32), SAMPLE_RATE, 1)
    list(run_server(server, silence, TranscribeOptions())[0])
    return time.perf_counter() - started
