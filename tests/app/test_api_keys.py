"""The server's API key in the system keyring (app/services/api_keys.py), against a real Secret Service
(gnome-keyring-daemon on a private D-Bus) and keyring's own no-backend backend."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import fail

from app.services.api_keys import SERVICE, KeyStore
from inference.remote.server import KEY_ENV
from tests.secret_service import SecretService, secret_service

URL = "https://gpu-box.example:8000/v1"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[SecretService]:
    with secret_service(tmp_path / "keyring") as running:
        yield running


def a_key() -> str:
    return f"sk-test-{secrets.token_hex(12)}"


def test_a_stored_key_survives_a_restart_of_the_keyring(service: SecretService):
    """The key goes into the keyring's file: a fresh store reads it after the daemon restarted, and
    the entry is under whisperdesk's service name with the URL (trailing slash or not) as its name."""
    key = a_key()
    assert KeyStore(service.backend(), environ={}).store(URL + "/", key) is True
    service.restart()
    fresh = KeyStore(service.backend(), environ={})
    assert fresh.stored(URL) == key and fresh.api_key(URL) == key and not fresh.problem
    assert service.backend().get_password(SERVICE, URL) == key
    assert service.keyring_files(), "the Secret Service kept no keyring file"
    assert all(key.encode() not in path.read_bytes() for path in service.keyring_files())  # encrypted at rest


def test_each_server_has_its_own_key_and_an_empty_one_forgets_it(service: SecretService):
    """A key typed for one server is never the key of another; storing "" deletes the entry."""
    keys = KeyStore(service.backend(), environ={})
    first, second = a_key(), a_key()
    keys.store(URL, first)
    keys.store("http://127.0.0.1:9000/v1", second)
    fresh = KeyStore(service.backend(), environ={})
    assert (fresh.stored(URL), fresh.stored("http://127.0.0.1:9000/v1")) == (first, second)
    assert fresh.stored("https://other.example/v1") is None
    assert keys.store(URL, "") is True
    assert KeyStore(service.backend(), environ={}).stored(URL) is None
    assert service.backend().get_password(SERVICE, URL) is None


def test_the_environment_variable_wins_over_the_keyring(service: SecretService):
    """$WHISPERDESK_API_KEY, when set, is the key sent, whatever the keyring holds."""
    keyring_key, env_key = a_key(), a_key()
    KeyStore(service.backend(), environ={}).store(URL, keyring_key)
    keys = KeyStore(service.backend(), environ={KEY_ENV: env_key})
    assert keys.from_env and keys.api_key(URL) == env_key and keys.stored(URL) == keyring_key


def test_without_a_keyring_the_key_lasts_for_this_run_only():
    """keyring's no-backend backend (what a desktop without a Secret Service gets): one line says so,
    the key still works in this run, and a new run has none."""
    key = a_key()
    keys = KeyStore(fail.Keyring(), environ={})
    assert "no system keyring" in keys.check() and "this run only" in keys.problem
    assert keys.store(URL, key) is False
    assert keys.api_key(URL) == key
    assert KeyStore(fail.Keyring(), environ={}).stored(URL) is None
    assert key not in keys.problem and "\n" not in keys.problem


def test_a_keyring_that_fails_mid_run_keeps_the_key_in_memory(service: SecretService):
    """A Secret Service that goes away after the start: the store says it failed, in one line without
    the key, and the key stays usable for this run."""
    keys = KeyStore(service.backend(), environ={})
    assert keys.check() == ""
    service.stop()
    key = a_key()
    assert keys.store(URL, key) is False
    assert keys.problem.startswith("the system keyring failed (") and key not in keys.problem
    assert keys.api_key(URL) == key
