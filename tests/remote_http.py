"""Real HTTP servers on 127.0.0.1 for the transcription-server tests: a scripted OpenAI-compatible
endpoint (stdlib http.server), a socket that accepts and never answers, and a port nothing listens on.

Each request is recorded with its headers, form fields and uploaded audio decoded back to samples,
so tests check what really went over the socket.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import av
import numpy as np


@dataclass
class Request:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]
    fields: list[tuple[str, str]]
    filename: str | None = None
    content_type: str | None = None
    audio: bytes = b""

    def field(self, name: str) -> list[str]:
        return [value for key, value in self.fields if key == name]

    def decoded(self) -> tuple[np.ndarray, int, int, str]:
        """The upload decoded: (int16 samples, rate, channels, codec)."""
        with av.open(io.BytesIO(self.audio)) as container:
            stream = container.streams.audio[0]
            blocks = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
            return np.concatenate(blocks), stream.rate, stream.channels, stream.codec_context.name


@dataclass(frozen=True)
class Answer:
    """What the scripted server sends back; `close` drops the connection after `body` without a full reply."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    close: bool = False
    delay_s: float = 0.0


def json_answer(data: object, status: int = 200) -> Answer:
    return Answer(status, json.dumps(data).encode())


def verbose_json(text: str = " Hello there, general.", duration: float = 2.0, words: bool = True) -> dict:
    """A reply as OpenAI gives it: one segment, and top-level words without probabilities."""
    reply: dict = {
        "task": "transcribe",
        "language": "en",
        "duration": duration,
        "text": text,
        "segments": [
            {"id": 0, "start": 0.0, "end": duration, "text": text, "avg_logprob": -0.25, "no_speech_prob": 0.01}
        ],
    }
    if words:  # OpenAI's words are bare: no space before them, no punctuation after them
        pieces = [piece.strip(".,!?;:") for piece in text.split()]
        step = duration / max(1, len(pieces))
        reply["words"] = [{"word": w, "start": i * step, "end": (i + 1) * step} for i, w in enumerate(pieces)]
    return reply


Script = Callable[[Request, int], Answer]  # (the request, its 0-based number) -> the answer


def _form(content_type: str, body: bytes) -> tuple[list[tuple[str, str]], str | None, str | None, bytes]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields, filename, file_type, audio = [], None, None, b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename():
            filename, file_type, audio = part.get_filename(), part.get_content_type(), part.get_payload(decode=True)
        else:
            fields.append((str(name), part.get_payload(decode=True).decode()))
    return fields, filename, file_type, audio


@dataclass
class ScriptedServer:
    """A ThreadingHTTPServer answering every POST with `script`; `requests` holds what arrived."""

    script: Script
    requests: list[Request] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def stop(self) -> None:
        """Stop answering and close the listening socket: later connections are refused."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fields, filename, file_type, audio = _form(self.headers.get("Content-Type", ""), body)
                request = Request(self.path, dict(self.headers.items()), fields, filename, file_type, audio)
                with lock:
                    number = len(server.requests)
                    server.requests.append(request)
                answer = server.script(request, number)
                if answer.delay_s:
                    threading.Event().wait(answer.delay_s)
                if answer.close:
                    self.wfile.write(answer.body)
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        return Handler


@contextmanager
def scripted_server(script: Script) -> Iterator[ScriptedServer]:
    """A scripted OpenAI-compatible endpoint on 127.0.0.1 at a free port, for the `with` block."""
    server = ScriptedServer(script)
    server.httpd = ThreadingHTTPServer(("127.0.0.1", 0), server.handler())
    server.httpd.daemon_threads = True
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(timeout=5)


@contextmanager
def silent_server() -> Iterator[str]:
    """A socket on 127.0.0.1 that completes the TCP handshake (the kernel's backlog) and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        listener.close()


@contextmanager
def stalled_reply_server(partial: bytes = b'{"text": "hel') -> Iterator[str]:
    """A server that reads the request, starts a reply with no Content-Length (its body then ends when the
    connection closes) and, after `partial`, sends nothing more while the connection stays open."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    held: list[socket.socket] = []

    def answer() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:  # closed before any request came
            return
        held.append(connection)
        data = b""
        while b"\r\n\r\n" not in data:
            data += connection.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        while len(body) < length:
            body += connection.recv(65536)
        connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + partial)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        listener.close()
        thread.join(5)
        for connection in held:
            connection.close()


def refused_url() -> str:
    """A loopback URL nothing listens on (a port bound, then closed again)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}/v1"
