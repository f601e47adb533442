"""The transcription-server client over real sockets on 127.0.0.1: what goes up, what comes back,
and every fault as one ServerError line naming the server and the reason."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.contract import ContractError, PcmAudio
from inference.options import TranscribeOptions
from inference.remote.client import check_connection, run_server
from inference.remote.reply import parse_reply
from inference.remote.server import RemoteServer, ServerError
from inference.remote.upload import to_int16
from tests.remote_http import Answer, json_answer, refused_url, scripted_server, silent_server, verbose_json

KEY = "sk-test-0123456789abcdef"  # a made-up key: it must never show up in a message


def speechless(seconds: float = 2.0) -> PcmAudio:
    """Contract audio (a quiet tone, so every sample is different from zero)."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return PcmAudio((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SAMPLE_RATE, 1)


def reply_for(data: object, status: int = 200):
    return lambda request, number: json_answer(data, status)


def test_request_carries_contract_flac_the_form_and_the_key():
    """The upload is the contract audio itself as 16-bit FLAC at 16 kHz mono, with the OpenAI form
    fields and a Bearer key; the reply's words land in their segment with a probability."""
    audio = speechless(2.5)
    with scripted_server(reply_for(verbose_json(" Hello there, general.", 2.5))) as server:
        remote = RemoteServer(server.url, model="tiny-test", api_key=KEY)
        segments, language, probability = run_server(remote, audio, TranscribeOptions(language="en"))
        segments = list(segments)
    (request,) = server.requests
    assert request.path == "/v1/audio/transcriptions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.field("model") == ["tiny-test"]
    assert request.field("response_format") == ["verbose_json"]
    assert request.field("timestamp_granularities[]") == ["word", "segment"]
    assert request.field("language") == ["en"]
    samples, rate, channels, codec = request.decoded()
    assert (rate, channels, codec) == (SAMPLE_RATE, 1, "flac")
    np.testing.assert_array_equal(samples, to_int16(audio.samples))
    assert language == "en" and probability == 1.0
    (segment,) = segments
    assert segment.text == " Hello there, general." and (segment.start, segment.end) == (0.0, 2.5)
    assert [w.text for w in segment.words] == [" Hello", " there,", " general."]  # as Whisper writes them
    assert all(0 <= w.start <= w.end <= 2.5 for w in segment.words)
    assert all(w.probability == pytest.approx(math.exp(-0.25)) for w in segment.words)


def test_wav_upload_and_translation_endpoint():
    """upload_format wav sends 16-bit PCM WAV; task translate posts to /audio/translations without a language."""
    with scripted_server(reply_for(verbose_json())) as server:
        remote = RemoteServer(server.url, upload_format="wav")
        list(run_server(remote, speechless(), TranscribeOptions(task="translate", language="de"))[0])
    (request,) = server.requests
    assert request.path == "/v1/audio/translations"
    assert request.field("language") == []
    assert request.decoded()[1:] == (SAMPLE_RATE, 1, "pcm_s16le")
    assert "Authorization" not in request.headers


def test_words_inside_segments_and_text_only_replies():
    """Words given inside each segment (faster-whisper servers) keep their own probabilities; a reply
    with only a text becomes one segment over the whole upload."""
    one_word = {"word": " One", "start": 0.1, "end": 1.4, "probability": 0.9}
    two_word = {"word": " two.", "start": 1.1, "end": 1.9, "probability": 0.8}
    nested = {
        "language": "english",
        "segments": [
            {"start": 0.0, "end": 1.0, "text": " One", "words": [one_word]},
            {"start": 1.0, "end": 2.0, "text": " two.", "words": [two_word]},
        ],
    }
    with scripted_server(lambda r, n: json_answer(nested if n == 0 else {"text": " Just text."})) as server:
        remote = RemoteServer(server.url)
        first, language, probability = run_server(remote, speechless(2.0), TranscribeOptions())
        second = list(run_server(remote, speechless(3.0), TranscribeOptions())[0])
    one, two = list(first)
    assert (language, probability) == ("english", 0.0)  # no language asked for, none reported with a probability
    assert one.words[0].end == 1.0  # clamped into its segment, as local words are
    assert (one.words[0].probability, two.words[0].probability) == (0.9, 0.8)
    assert [(s.start, s.end, s.text, s.words) for s in second] == [(0.0, 3.0, " Just text.", ())]


@pytest.mark.parametrize(
    ("text", "bare", "written"),
    [
        (" Ask not, what?", "Ask not what", [" Ask", " not,", " what?"]),
        ("¿Qué tal? «Bien».", "Qué tal Bien", [" ¿Qué", " tal?", " «Bien»."]),
        ("你好世界。", "你好 世界", [" 你好", "世界。"]),  # written together in the text: no space between
        (" Hi, Bob.", "Hi Rob", [" Hi,", " Rob"]),  # a word the text does not hold gets a space
    ],
)
def test_bare_words_get_their_spaces_and_punctuation_from_the_text(text, bare, written):
    """OpenAI's top-level words come without the space before them and the punctuation after them;
    joined into a live transcript they would read "Asknotwhat". They get both back from the text."""
    words = [{"word": w, "start": i * 0.5, "end": i * 0.5 + 0.4} for i, w in enumerate(bare.split())]
    body = json.dumps({"segments": [{"start": 0.0, "end": 3.0, "text": text}], "words": words}).encode()
    (segment,) = parse_reply(body, 3.0).segments
    assert [w.text for w in segment.words] == written
    assert [(w.start, w.end) for w in segment.words] == [(w["start"], w["end"]) for w in words]


def test_audio_that_breaks_the_contract_is_never_sent():
    """44.1 kHz stereo and NaN samples raise ContractError before any connection is made."""
    with scripted_server(reply_for(verbose_json())) as server:
        remote = RemoteServer(server.url)
        stereo = PcmAudio(np.zeros((4410, 2), np.float32), 44100, 2)
        with pytest.raises(ContractError, match="expected 16000 Hz mono"):
            run_server(remote, stereo, TranscribeOptions())
        with pytest.raises(ContractError, match="non-finite"):
            run_server(remote, PcmAudio(np.full(1600, np.nan, np.float32), SAMPLE_RATE, 1), TranscribeOptions())
    assert server.requests == []


def text_answer(status: int, body: bytes, content_type: str = "text/plain"):
    return lambda request, number: Answer(status, body, content_type)


HALF_A_REPLY = b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"te'
CLOSED = "the connection closed before the reply was complete"
# name: (script, the key to send, what the line must say, whether the server is out for the batch)
FAULTS = {
    "key rejected 401": (
        reply_for({"error": {"message": "Incorrect API key provided"}}, 401),
        KEY,
        "the API key was rejected (HTTP 401 Unauthorized: Incorrect API key provided)",
        True,
    ),
    "key missing 401": (
        reply_for({"error": {"message": "missing key"}}, 401),
        None,
        "needs an API key (HTTP 401 Unauthorized: missing key): set $WHISPERDESK_API_KEY",
        True,
    ),
    "forbidden 403": (text_answer(403, b""), KEY, "the API key was rejected (HTTP 403 Forbidden)", True),
    "wrong path 404": (
        reply_for({"detail": "Not Found"}, 404),
        None,
        "HTTP 404 Not Found: no transcription endpoint at /v1/audio/transcriptions",
        True,
    ),
    "422 with FastAPI detail": (
        reply_for({"detail": [{"msg": "Field required", "loc": ["body", "file"]}]}, 422),
        None,
        'HTTP 422 Unprocessable Entity: [{"msg": "Field required"',
        False,
    ),
    "500 with JSON error": (
        reply_for({"error": {"message": "CUDA out of memory", "type": "server_error"}}, 500),
        None,
        "HTTP 500 Internal Server Error: CUDA out of memory",
        False,
    ),
    "500 plain text": (
        text_answer(500, b"worker crashed\ntraceback..."),
        None,
        "HTTP 500 Internal Server Error: worker crashed",
        False,
    ),
    "502 HTML page": (
        text_answer(502, b"<html><body>Bad</body></html>", "text/html"),
        None,
        "HTTP 502 Bad Gateway",
        False,
    ),
    "503 no body": (text_answer(503, b""), None, "HTTP 503 Service Unavailable", False),
    "invalid JSON": (text_answer(200, b'{"text": "cut sho'), None, "the reply is not JSON (JSONDecodeError", False),
    "JSON not an object": (reply_for(["a", "list"]), None, "the reply is JSON but not an object", False),
    "segments without times": (reply_for({"segments": [{"text": "x"}]}), None, "segment start is not a number", False),
    "closed mid-reply": (lambda r, n: Answer(body=HALF_A_REPLY, close=True), None, CLOSED, True),
    "closed without a reply": (lambda r, n: Answer(close=True), None, CLOSED, True),
}


@pytest.mark.parametrize("name", FAULTS)
def test_each_fault_is_one_line_naming_the_server(name):
    """Every HTTP-level fault is one ServerError line: "server URL: reason", the key never in it."""
    script, key, said, down = FAULTS[name]
    with scripted_server(script) as server:
        remote = RemoteServer(server.url, api_key=key)
        with pytest.raises(ServerError) as caught:
            list(run_server(remote, speechless(), TranscribeOptions())[0])
    message = str(caught.value)
    assert message.startswith(f"server {server.url}: ")
    assert said in message, message
    assert "\n" not in message and KEY not in message
    assert caught.value.down is down
    assert len(server.requests) == 1


def test_connection_refused_unknown_host_and_silence():
    """Nothing listening, a name that cannot resolve (.invalid) and a server that accepts and never
    answers (within the configured time-out) each give their own line, and take the server out."""
    options = TranscribeOptions()
    cases = [(refused_url(), "connection refused"), ("http://whisper.invalid:8000/v1", "unknown host whisper.invalid")]
    for url, said in cases:
        with pytest.raises(ServerError, match=f"^server {url}: {said}") as caught:
            run_server(RemoteServer(url), speechless(), options)
        assert caught.value.down
    with silent_server() as url, pytest.raises(ServerError, match=rf"^server {url}: no answer within 0.5 s$"):
        run_server(RemoteServer(url, timeout_s=0.5), speechless(), options)


def test_a_key_echoed_by_the_server_is_blanked_out():
    """A server that echoes the Authorization header in its error text does not get the key printed."""
    echo = lambda request, number: json_answer({"error": {"message": f"bad {request.headers['Authorization']}"}}, 400)  # noqa: E731
    with scripted_server(echo) as server, pytest.raises(ServerError) as caught:
        run_server(RemoteServer(server.url, api_key=KEY), speechless(), TranscribeOptions())
    assert str(caught.value).endswith("HTTP 400 Bad Request: bad Bearer ***")
    assert KEY not in repr(RemoteServer(server.url, api_key=KEY))


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000/v1", True),
        ("http://127.5.0.1:8000/v1", True),
        ("http://localhost:8000/v1", True),
        ("http://[::1]:8000/v1", True),
        ("https://gpu-box.example/v1", True),
        ("http://gpu-box.example:8000/v1", False),
        ("http://192.0.2.10:8000/v1", False),
    ],
)
def test_a_key_goes_over_plain_http_only_to_this_computer(url, allowed):
    """With a key, plain http is refused for any host but loopback unless the user allows it."""
    if allowed:
        RemoteServer(url, api_key=KEY)
    else:
        with pytest.raises(ValueError, match="refusing to send the API key over plain http") as caught:
            RemoteServer(url, api_key=KEY)
        assert KEY not in str(caught.value)
        RemoteServer(url, api_key=KEY, allow_insecure_key=True)
    RemoteServer(url)  # without a key there is nothing to protect


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("gpu-box:8000/v1", "must look like http://host:port/v1"),
        ("ftp://gpu-box/v1", "must look like http://host:port/v1"),
        ("http://user:secret@gpu-box/v1", "put the API key in $WHISPERDESK_API_KEY"),
        ("http://gpu-box:99999/v1", "is not valid"),
        ("http://gpu-box/v1?key=1", "must not have a query"),
    ],
)
def test_bad_server_urls_are_refused(url, said):
    with pytest.raises(ValueError, match=said.replace("$", r"\$").replace("?", r"\?")) as caught:
        RemoteServer(url)
    assert "secret" not in str(caught.value)


def test_reply_parsing_is_strict_about_numbers():
    """A NaN time or a boolean is no number: the reply is refused, not turned into garbage segments."""
    bad = json.loads('{"segments": [{"start": 0, "end": true, "text": "x"}]}')
    with scripted_server(reply_for(bad)) as server, pytest.raises(ServerError, match="segment end is not a number"):
        run_server(RemoteServer(server.url), speechless(), TranscribeOptions())


def test_connection_check_sends_half_a_second_and_reports_faults():
    """The Settings connection test posts 0.5 s of contract silence like real work, and fails with the
    same line as real work would."""
    with scripted_server(reply_for({"text": ""})) as server:
        assert check_connection(RemoteServer(server.url)) > 0
    (request,) = server.requests
    assert request.decoded()[0].size == SAMPLE_RATE // 2
    with pytest.raises(ServerError, match="connection refused"):
        check_connection(RemoteServer(refused_url()))
