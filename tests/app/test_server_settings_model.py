"""AppSettings' "on a server" choice: stored as strings without the key, and turned into the RemoteServer
files go to, refusing a key over plain http to another computer unless the user confirmed that URL."""

from __future__ import annotations

import pytest

from app.window.settings_model import AppSettings, key_needs_confirmation

KEY = "sk-test-settings-0123456789"
KEYS = {"http://192.0.2.10:8000/v1": KEY, "https://gpu-box.example/v1": KEY, "http://127.0.0.1:8000/v1": KEY}


def test_the_server_choice_round_trips_and_holds_no_key():
    """engine, URL, model and the confirmed URL survive the string form; an unknown engine is local."""
    settings = AppSettings(
        engine="server",
        server_url="http://192.0.2.10:8000/v1",
        server_model="large-v3",
        insecure_key_url="http://192.0.2.10:8000/v1",
    )
    strings = settings.to_strings()
    assert AppSettings.from_strings(strings) == settings
    assert KEY not in "".join(strings.values())
    assert AppSettings.from_strings({"engine": "cloud", "server_model": " "}) == AppSettings()


def test_local_engine_has_no_server():
    """Files stay on this computer unless the engine is "server", whatever URL is filled in."""
    assert AppSettings(server_url="https://gpu-box.example/v1").remote_server(KEYS.get) is None


def test_the_server_carries_the_key_for_its_url():
    """The key is looked up for the settings' URL (trailing slash dropped) and goes into the server."""
    settings = AppSettings(engine="server", server_url="https://gpu-box.example/v1/", server_model="whisper-x")
    server = settings.remote_server(KEYS.get)
    assert server is not None
    assert (server.display, server.model, server.api_key) == ("https://gpu-box.example/v1", "whisper-x", KEY)
    assert KEY not in repr(server)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "no server URL is set"),
        ("ftp://gpu-box/v1", "must look like http://host:port/v1"),
        ("http://192.0.2.10:8000/v1", "would go over plain http to 192.0.2.10"),
    ],
)
def test_unusable_server_settings_are_one_line(url: str, message: str):
    """A missing or invalid URL, or an unconfirmed plain-http key, is a ValueError in words for the window."""
    with pytest.raises(ValueError, match=message) as caught:
        AppSettings(engine="server", server_url=url).remote_server(KEYS.get)
    assert "\n" not in str(caught.value) and KEY not in str(caught.value)


def test_a_confirmed_plain_http_url_gets_its_key_and_no_other_does():
    """The confirmation is for one URL: that one gets the key; plain http without a key, or to this
    computer, needs none."""
    confirmed = AppSettings(
        engine="server", server_url="http://192.0.2.10:8000/v1", insecure_key_url="http://192.0.2.10:8000/v1/"
    )
    server = confirmed.remote_server(KEYS.get)
    assert server is not None and server.api_key == KEY and server.allow_insecure_key
    other = AppSettings(engine="server", server_url="http://192.0.2.11:8000/v1", insecure_key_url=confirmed.server_url)
    with pytest.raises(ValueError):
        other.remote_server(lambda url: KEY)
    assert AppSettings(engine="server", server_url="http://192.0.2.11:8000/v1").remote_server(lambda url: None)
    assert not key_needs_confirmation("http://127.0.0.1:8000/v1", KEY)
    assert not key_needs_confirmation("http://localhost:8000/v1", KEY)
    assert not key_needs_confirmation("https://192.0.2.10/v1", KEY)
    assert key_needs_confirmation("http://192.0.2.10/v1", KEY)
    assert not key_needs_confirmation("http://192.0.2.10/v1", "")
