"""The transcription server's API key: in the system keyring, never in the settings file.

The keyring is reached through the `keyring` package (the Secret Service on Linux desktops, the
macOS Keychain, the Windows Credential Locker), one entry per server URL, so a key typed for one
server is never sent to another. $WHISPERDESK_API_KEY wins when set, as it does for the CLI. Where
no keyring works (no Secret Service running, a collection that cannot be unlocked) the key is kept
in memory for this run only and `problem` says so in one line. The key itself is never part of a
message. Qt-free: the Settings dialog and the window both use it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from audio.errors import first_line
from inference.remote.server import KEY_ENV

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "whisperdesk"  # the keyring's service name; the username is the server's URL
_REASON_CHARS = 120  # a backend's error text is cut to this many characters in `problem`
_THIS_RUN = ": the API key is kept for this run only"


def entry_name(url: str) -> str:
    """The keyring username a server's key is stored under: its URL without a trailing slash."""
    return url.strip().rstrip("/")


class KeyStore:
    """API keys per server URL: read and written through the keyring, cached for this run.

    `backend` is a keyring backend (default: the one `keyring` picks for this desktop); `environ`
    is where $WHISPERDESK_API_KEY is looked up (default: os.environ).
    """

    def __init__(self, backend: KeyringBackend | None = None, environ: Mapping[str, str] | None = None) -> None:
        self._backend = backend
        self._environ = os.environ if environ is None else environ
        self._known: dict[str, str | None] = {}  # entry -> key, read or written this run
        self.problem = ""  # why keys are kept for this run only; "" while the keyring works

    @property
    def from_env(self) -> bool:
        """True when $WHISPERDESK_API_KEY is set: it is used instead of any stored key."""
        return bool(self._environ.get(KEY_ENV))

    def check(self) -> str:
        """Find the keyring backend (without reading any key); returns `problem` ("" when one works)."""
        self._keyring()
        return self.problem

    def api_key(self, url: str) -> str | None:
        """The key to send to the server at `url`: $WHISPERDESK_API_KEY, else the stored one, else None."""
        return self._environ.get(KEY_ENV) or self.stored(url)

    def stored(self, url: str) -> str | None:
        """The key kept for `url` (in the keyring, or in memory where none works), ignoring the environment."""
        name = entry_name(url)
        if not name:
            return None
        if name in self._known:
            return self._known[name]
        key: str | None = None
        backend = self._keyring()
        if backend is not None:
            try:
                key = backend.get_password(SERVICE, name) or None
            except Exception as exc:  # every backend fault (D-Bus, locked, refused) is the same for the user
                self._failed(exc)
        self._known[name] = key
        return key

    def store(self, url: str, key: str) -> bool:
        """Keep `key` for `url` ("" forgets it); True when it is in the keyring, False when for this run only."""
        name = entry_name(url)
        if not name:
            return False
        key = key.strip()
        if self._known.get(name) == (key or None) and not self.problem:
            return True
        self._known[name] = key or None
        backend = self._keyring()
        if backend is None:
            return False
        try:
            if key:
                backend.set_password(SERVICE, name, key)
            elif self._has_entry(backend, name):
                backend.delete_password(SERVICE, name)
        except Exception as exc:
            self._failed(exc, key)
            return False
        return True

    def _has_entry(self, backend: KeyringBackend, name: str) -> bool:
        return backend.get_password(SERVICE, name) is not None

    def _keyring(self) -> KeyringBackend | None:
        """The backend, or None (with `problem` said) when there is none that works."""
        if self.problem:
            return None
        if self._backend is None:
            import keyring  # lazily: the CLI and the local-only window never need it

            self._backend = keyring.get_keyring()
        from keyring.backends import fail

        if isinstance(self._backend, fail.Keyring):
            self.problem = f"no system keyring works here (no Secret Service running){_THIS_RUN}"
            return None
        return self._backend

    def _failed(self, exc: BaseException, key: str = "") -> None:
        reason = first_line(exc)[:_REASON_CHARS]
        if key:
            reason = reason.replace(key, "***")  # a backend that echoes what it was given
        self.problem = f"the system keyring failed ({reason}){_THIS_RUN}"
