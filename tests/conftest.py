"""Shared fixtures: the one way to reach the shared speech set, a session-wide tiny.en model,
offscreen Qt and offline Hugging Face for every test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"

from pathlib import Path

import pytest

from app.bench.dataset import Utterance, default_audio_dir, english_set, load_manifest
from tests.tools import missing_fixture

pytest_plugins = ["tests.pulse", "tests.session_bus"]  # private PulseAudio (`pulse`) and D-Bus (`session_bus`)


@pytest.fixture(scope="session")
def audio_dir() -> Path:
    """The shared speech folder ($WHISPERDESK_TEST_AUDIO or ../shared/audio); CI requires it."""
    folder = default_audio_dir()
    if not (folder / "manifest.tsv").is_file():
        missing_fixture(f"shared speech set not found at {folder} (set WHISPERDESK_TEST_AUDIO)")
    return folder


@pytest.fixture(scope="session")
def manifest(audio_dir: Path) -> list[Utterance]:
    return load_manifest(audio_dir)


@pytest.fixture(scope="session")
def english(audio_dir: Path) -> list[Utterance]:
    return english_set(audio_dir)


@pytest.fixture(scope="session")
def utterance(manifest: list[Utterance]):
    """Look up one manifest row by file name."""
    by_name = {u.name: u for u in manifest}
    return by_name.__getitem__


@pytest.fixture(scope="session")
def tiny_model():
    """tiny.en int8 on CPU, loaded once for the whole run."""
    from inference.loader import load_model

    return load_model("tiny.en", device="cpu", compute_type="int8")


@pytest.fixture(scope="session")
def base_model():
    """The multilingual base int8 on CPU (joined from its two packages), loaded once for the whole run."""
    from inference.loader import load_model

    return load_model("base", device="cpu", compute_type="int8")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep fingerprints and joined models out of the user's cache, and dictation history out of the
    user's data folder, during tests (the window tests give each test its own data folder)."""
    monkeypatch.setenv("WHISPERDESK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("WHISPERDESK_DATA_DIR", str(tmp_path_factory.getbasetemp() / "data"))
