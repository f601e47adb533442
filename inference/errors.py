"""Errors from the inference package, each with a one-line message fit for a user."""

from __future__ import annotations


class ModelNotFoundError(Exception):
    """A model name or folder that cannot be resolved offline, with what to install or point at."""


class ModelIntegrityError(Exception):
    """Model weights whose checksum does not match the packaged value."""


class ModelLoadError(Exception):
    """A model folder CTranslate2 cannot read (a damaged or foreign model.bin, a missing vocabulary)."""


class TranscriptionCancelled(Exception):
    """The user cancelled a transcription; whatever was produced so far is kept by the caller."""


class UnsupportedTaskError(ValueError):
    """A task or language the loaded model cannot do (e.g. translation with an English-only model)."""
