"""Errors the audio package raises, each carrying a one-line message fit for a user."""

from __future__ import annotations


class AudioError(Exception):
    """Base class: audio that cannot be turned into contract audio."""


class DecodeError(AudioError):
    """A file that is missing, unreadable, corrupt, or holds no audio."""


class UnsupportedFormatError(AudioError):
    """A rate, channel count or sample type outside what we convert."""


class InvalidSamplesError(AudioError):
    """Samples that are not numbers (NaN or Inf)."""


def first_line(exc: BaseException) -> str:
    """An error as one line for the user: its message's first line, or its type's name when it has none.
    The one helper for this everywhere (CLI, window, capture, loader)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
