"""Strip symbol tables from the bundle's shared libraries, keeping only copies proven to load the same.

The wheels' libraries carry ~110 MB of symbols (66 MB in CTranslate2's extension alone), but
PyInstaller's all-or-nothing `strip=True` breaks libraries that auditwheel rewrote with patchelf:
`strip` empties the segments patchelf appended, and numpy's OpenBLAS then fails to load ("ELF load
command address/offset not page-aligned"). So each library is stripped into a copy, and the copy is
used only when the dynamic loader would see the same thing: the same program headers (type, address,
flags), every PT_LOAD page-aligned, and every allocated section mapped at the same address with the
same bytes. Anything that fails a check, or is not a 64-bit little-endian ELF, ships unstripped.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

PT_LOAD = 1
SHF_ALLOC = 0x2
SHT_NOBITS = 8
PAGE_SIZE = 4096  # bytes: x86-64 Linux
MIN_SIZE = 512 * 1024  # bytes: smaller files are not worth a strip run
_ELF64_LE = b"\x7fELF\x02\x01"
_PHDR = struct.Struct("<IIQQQQQQ")  # p_type p_flags p_offset p_vaddr p_paddr p_filesz p_memsz p_align
_SHDR = struct.Struct("<IIQQQQIIQQ")  # sh_name sh_type sh_flags sh_addr sh_offset sh_size sh_link sh_info ...


@dataclass(frozen=True)
class ProgramHeader:
    """One program header: what the loader maps (PT_LOAD) or reads (PT_DYNAMIC, PT_TLS, ...)."""

    type: int
    flags: int
    offset: int
    vaddr: int
    filesz: int
    memsz: int
    align: int

    @property
    def aligned(self) -> bool:
        """glibc's own checks: file offset and address agree modulo the page size and p_align."""
        delta = self.vaddr - self.offset
        return delta % PAGE_SIZE == 0 and (self.align <= 1 or delta % self.align == 0)


@dataclass(frozen=True)
class Section:
    """One section header; only allocated sections (SHF_ALLOC) exist at run time."""

    name: str
    type: int
    flags: int
    addr: int
    offset: int
    size: int


@dataclass(frozen=True)
class ElfLayout:
    """The parts of an ELF file the dynamic loader depends on."""

    program_headers: tuple[ProgramHeader, ...]
    sections: tuple[Section, ...]

    @property
    def loads(self) -> tuple[ProgramHeader, ...]:
        return tuple(ph for ph in self.program_headers if ph.type == PT_LOAD)

    def allocated(self) -> dict[tuple[str, int], Section]:
        return {(s.name, s.addr): s for s in self.sections if s.flags & SHF_ALLOC}

    def file_offset(self, addr: int, size: int) -> int | None:
        """Where the loader reads the bytes it maps at [addr, addr+size), or None if no PT_LOAD covers them."""
        for ph in self.loads:
            if ph.vaddr <= addr and addr + size <= ph.vaddr + ph.filesz:
                return ph.offset + (addr - ph.vaddr)
        return None


def read_layout(path: Path) -> ElfLayout | None:
    """Program and section headers of a 64-bit little-endian ELF file, or None for anything else."""
    with open(path, "rb") as handle:
        header = handle.read(64)
        if len(header) < 64 or not header.startswith(_ELF64_LE):
            return None
        phoff, shoff = struct.unpack_from("<QQ", header, 0x20)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", header, 0x36)
        if shnum == 0 or shstrndx >= shnum:  # extended numbering or no sections: not handled
            return None
        handle.seek(phoff)
        raw_ph = handle.read(phentsize * phnum)
        program_headers = []
        for index in range(phnum):
            p_type, flags, offset, vaddr, _paddr, filesz, memsz, align = _PHDR.unpack_from(raw_ph, index * phentsize)
            program_headers.append(ProgramHeader(p_type, flags, offset, vaddr, filesz, memsz, align))
        handle.seek(shoff)
        raw_sh = handle.read(shentsize * shnum)
        headers = [_SHDR.unpack_from(raw_sh, index * shentsize) for index in range(shnum)]
        names_offset, names_size = headers[shstrndx][4], headers[shstrndx][5]
        handle.seek(names_offset)
        names = handle.read(names_size)
    sections = tuple(
        Section(names[h[0] : names.index(b"\0", h[0])].decode(errors="replace"), h[1], h[2], h[3], h[4], h[5])
        for h in headers
    )
    return ElfLayout(tuple(program_headers), sections)


def _read(path: Path, offset: int, size: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(size)


def loads_the_same(original: Path, stripped: Path) -> bool:
    """True when the loader would map the same allocated bytes at the same addresses from both files."""
    before, after = read_layout(original), read_layout(stripped)
    if before is None or after is None or len(before.program_headers) != len(after.program_headers):
        return False
    for old, new in zip(before.program_headers, after.program_headers, strict=True):
        if (old.type, old.vaddr, old.flags) != (new.type, new.vaddr, new.flags):
            return False
        if new.type == PT_LOAD and not new.aligned:
            return False
    new_sections = after.allocated()
    for key, old in before.allocated().items():
        new = new_sections.get(key)
        if new is None or (new.type, new.size) != (old.type, old.size):
            return False
        if old.type == SHT_NOBITS or old.size == 0:
            continue
        old_at, new_at = before.file_offset(old.addr, old.size), after.file_offset(new.addr, new.size)
        if old_at is None or new_at is None or _read(original, old_at, old.size) != _read(stripped, new_at, new.size):
            return False
    return True


def strip_copy(source: Path, target: Path) -> bool:
    """Write a stripped copy of `source` to `target` if it is smaller and provably loads the same.

    Returns False, and leaves no file, otherwise.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    done = subprocess.run(["strip", "--strip-unneeded", str(target)], capture_output=True, check=False)
    smaller = target.stat().st_size < source.stat().st_size
    if done.returncode == 0 and smaller and loads_the_same(source, target):
        return True
    target.unlink(missing_ok=True)
    return False


@dataclass(frozen=True)
class StripReport:
    """What strip_binaries did, for the build log."""

    stripped: int
    kept: int
    saved_bytes: int


def strip_binaries(binaries: list[tuple[str, str, str]], work_dir: Path) -> tuple[list, StripReport]:
    """PyInstaller's binaries TOC with its large ELF libraries swapped for verified stripped copies."""
    if shutil.which("strip") is None:  # binutils missing: ship everything as is
        return binaries, StripReport(0, len(binaries), 0)
    result, stripped, kept, saved = [], 0, 0, 0
    for dest, source, typecode in binaries:
        src = Path(source)
        small = typecode not in {"BINARY", "EXTENSION"} or not src.is_file() or src.stat().st_size < MIN_SIZE
        if small or read_layout(src) is None:
            result.append((dest, source, typecode))
            continue
        target = work_dir / dest
        if strip_copy(src, target):
            stripped += 1
            saved += src.stat().st_size - target.stat().st_size
            result.append((dest, str(target), typecode))
        else:
            kept += 1
            result.append((dest, source, typecode))
    return result, StripReport(stripped, kept, saved)
