"""Exceptions as the one line the window shows."""

from __future__ import annotations

from audio.contract import ContractError
from audio.errors import AudioError
from inference.errors import ModelIntegrityError, ModelNotFoundError

# Errors whose message is already written for the user; others get their type name in front.
USER_FACING = (AudioError, ContractError, ModelNotFoundError, ModelIntegrityError, ValueError, OSError)


def one_line(exc: BaseException) -> str:
    """The first line of the error's message, prefixed with its type when it is not user-facing."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    if isinstance(exc, USER_FACING):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
