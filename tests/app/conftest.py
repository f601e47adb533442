"""Fixtures for the app tests: the CLI run in this process on the session's model."""

from __future__ import annotations

import pytest

from app.cli import main
from app.commands import transcribe as transcribe_command


@pytest.fixture
def cli(monkeypatch, tiny_model, capfd):
    """Run `whisperdesk ARGS` in this process on the session's tiny.en; returns (status, stdout, stderr)."""
    monkeypatch.setattr(transcribe_command, "load_from_args", lambda args: tiny_model)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capfd.readouterr()
        return status, out, err

    return run
