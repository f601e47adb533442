"""Model fingerprints: sha256 of model.bin, computed once and served from the cache afterwards."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from inference import fingerprint
from inference.fingerprint import model_fingerprint, sha256_file


@pytest.fixture
def model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake model folder with 3 MB of random weights, and a private cache."""
    monkeypatch.setenv("WHISPERDESK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(os.urandom(3 << 20))
    return folder


@pytest.fixture
def hash_calls(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every real hashing of a file."""
    calls: list[Path] = []

    def counting(path: Path) -> str:
        calls.append(path)
        return sha256_file(path)

    monkeypatch.setattr(fingerprint, "sha256_file", counting)
    return calls


def test_fingerprint_is_the_sha256_of_model_bin(model_dir):
    """The fingerprint equals hashlib's sha256 of the weights file."""
    expected = hashlib.sha256((model_dir / "model.bin").read_bytes()).hexdigest()
    assert model_fingerprint(str(model_dir)) == expected


def test_second_call_does_not_rehash(model_dir, hash_calls):
    """The first call hashes; the second is answered from the cache file without reading the weights."""
    first = model_fingerprint(str(model_dir))
    assert len(hash_calls) == 1
    second = model_fingerprint(str(model_dir))
    assert second == first
    assert len(hash_calls) == 1


def test_cache_survives_a_new_process(model_dir):
    """The cache is a file under WHISPERDESK_CACHE_DIR keyed by path, size and mtime."""
    sha = model_fingerprint(str(model_dir))
    cache = json.loads((Path(os.environ["WHISPERDESK_CACHE_DIR"]) / "fingerprints.json").read_text())
    (key, value), *_ = cache.items()
    weights = (model_dir / "model.bin").resolve()
    assert value == sha
    assert key == f"{weights}|{weights.stat().st_size}|{weights.stat().st_mtime_ns}"


def test_changed_weights_are_hashed_again(model_dir, hash_calls):
    """New content (new mtime) is not served a stale fingerprint."""
    first = model_fingerprint(str(model_dir))
    weights = model_dir / "model.bin"
    weights.write_bytes(os.urandom(1 << 20))
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 1_000_000_000))
    second = model_fingerprint(str(model_dir))
    assert second != first
    assert second == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert len(hash_calls) == 2


def test_unwritable_cache_only_costs_a_rehash(model_dir, hash_calls, monkeypatch, tmp_path):
    """A cache folder that cannot be written still gives correct fingerprints."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("WHISPERDESK_CACHE_DIR", str(blocker))
    assert model_fingerprint(str(model_dir)) == model_fingerprint(str(model_dir))
    assert len(hash_calls) == 2


def test_corrupt_cache_file_is_ignored(model_dir):
    """A damaged fingerprints.json is treated as empty."""
    cache = Path(os.environ["WHISPERDESK_CACHE_DIR"])
    cache.mkdir(parents=True)
    (cache / "fingerprints.json").write_text("{not json")
    expected = hashlib.sha256((model_dir / "model.bin").read_bytes()).hexdigest()
    assert model_fingerprint(str(model_dir)) == expected
