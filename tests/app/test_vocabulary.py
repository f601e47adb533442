"""The user's vocabulary: names and terms tiny.en misspells on the shared speech are spelled as given
once they are in the list, for files and for live dictation, from the CLI and from Settings."""

from __future__ import annotations

import json

import pytest

from app.commands import live as live_command
from app.services.wer import normalize
from app.window.settings_model import AppSettings

pytestmark = pytest.mark.model

# (file, the term as spoken and written in the reference, how tiny.en int8 wrote it without the list)
TERMS = (
    ("ljspeech_LJ001-0003.flac", "woodcutters", "wood cutters"),
    ("librispeech_test-clean_1089-134686-0000.flac", "flour", "flower"),
)
VOCABULARY = ", ".join(term for _, term, _ in TERMS)


def _text(cli, *argv: str) -> str:
    status, out, err = cli("transcribe", *argv)
    assert status == 0, err
    return normalize(out)


def test_files_spell_the_vocabulary_as_given(cli, utterance):
    """Without the list tiny.en misspells at least one term (measured: both, on AMD EPYC); with
    --vocabulary every term comes out as written."""
    without = [_text(cli, str(utterance(name).path)) for name, _, _ in TERMS]
    with_list = [_text(cli, str(utterance(name).path), "--vocabulary", VOCABULARY) for name, _, _ in TERMS]
    assert any(term not in text.split() for (_, term, _), text in zip(TERMS, without, strict=True)), without
    assert all(term in text.split() for (_, term, _), text in zip(TERMS, with_list, strict=True)), with_list


def test_live_dictation_spells_the_vocabulary_as_given(monkeypatch, tiny_model, capfd, utterance):
    """`live --vocabulary` gives every step's decode the list: the replayed file's term is spelled as given."""
    from app.cli import main

    monkeypatch.setattr(live_command, "load_from_args", lambda args: tiny_model)
    name, term, _ = TERMS[0]
    assert main(["live", "--simulate", str(utterance(name).path), "--fast", "--json", "--vocabulary", term]) == 0
    summary = json.loads(capfd.readouterr().out.splitlines()[-1])
    assert summary["type"] == "summary" and term in normalize(summary["text"]).split(), summary["text"]


def test_settings_vocabulary_reaches_files_and_dictation():
    """Settings' comma-separated list becomes the hotwords of file and live decoding, blanks dropped."""
    settings = AppSettings(vocabulary=" woodcutters, ,flour ")
    assert settings.transcribe_options().hotwords == "woodcutters, flour"
    assert settings.streaming_options().hotwords == "woodcutters, flour"
    assert AppSettings().transcribe_options().hotwords is None
    restored = AppSettings.from_strings(settings.to_strings())
    assert restored.transcribe_options().hotwords == "woodcutters, flour"
