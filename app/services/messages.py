"""Exceptions as the one line the window shows."""

from __future__ import annotations

from audio.contract import ContractError
from audio.errors import AudioError, first_line
from inference.errors import ModelIntegrityError, ModelLoadError, ModelNotFoundError

# Errors whose message is already written for the user; others get their type name in front.
USER_FACING = (AudioError, ContractError, ModelNotFoundError, ModelIntegrityError, ModelLoadError, ValueError, OSError)


def one_line(exc: BaseException) -> str:
    """The error's first line (an OSError as "reason: file"), prefixed with its type when it is not
    user-facing."""
    text = first_line(exc)
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    if isinstance(exc, USER_FACING) or text == type(exc).__name__:
        return text
    return f"{type(exc).__name__}: {text}"
