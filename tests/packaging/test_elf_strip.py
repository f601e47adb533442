"""packaging/elf_strip.py keeps a stripped library only when the loader would map the same bytes."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from tests.tools import need_tools

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
SITE = Path(numpy.__file__).resolve().parents[1]


def _load_elf_strip():
    spec = importlib.util.spec_from_file_location("elf_strip", REPO / "packaging" / "elf_strip.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["elf_strip"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


elf_strip = _load_elf_strip()


@pytest.fixture(autouse=True)
def _needs_strip() -> None:
    need_tools("strip")


def _one(pattern: str) -> Path:
    found = sorted(SITE.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} in this environment")
    return found[0]


def test_keeps_the_stripped_ctranslate2_extension(tmp_path: Path) -> None:
    """CTranslate2's extension loses its ~66 MB symbol table and still maps identically."""
    source = _one("ctranslate2/_ext.*.so")
    target = tmp_path / source.name
    assert elf_strip.strip_copy(source, target)
    assert target.stat().st_size < source.stat().st_size / 2
    assert elf_strip.loads_the_same(source, target)


def test_refuses_the_strip_that_breaks_openblas(tmp_path: Path) -> None:
    """numpy's patchelf-rewritten OpenBLAS, which `strip` breaks, is left as it was."""
    source = _one("numpy.libs/libscipy_openblas*.so")
    broken = tmp_path / "broken.so"
    shutil.copy2(source, broken)
    subprocess.run(["strip", "--strip-unneeded", str(broken)], check=True)
    assert not elf_strip.loads_the_same(source, broken)
    assert not elf_strip.strip_copy(source, tmp_path / "kept.so")
    assert not (tmp_path / "kept.so").exists()


def test_not_elf_is_not_touched(tmp_path: Path) -> None:
    """A file that is not a 64-bit ELF has no layout and is never stripped."""
    text = tmp_path / "notes.txt"
    text.write_text("not a library\n")
    assert elf_strip.read_layout(text) is None
    binaries, report = elf_strip.strip_binaries([("notes.txt", str(text), "BINARY")], tmp_path / "out")
    assert binaries == [("notes.txt", str(text), "BINARY")] and report.stripped == 0
