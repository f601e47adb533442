"""CUDA 12's cuBLAS and cuDNN from their PyPI wheels (the `cuda` extra), loaded before CTranslate2 needs them.

CTranslate2's Linux wheel opens `libcublas.so.12` by name at its first GPU call. A machine with a current
NVIDIA driver but no CUDA 12 toolkit (CUDA 13 only, or none) has no such file where the loader looks, so a
GPU that CTranslate2 can see still fails there. The nvidia-cublas-cu12 and nvidia-cudnn-cu12 wheels put the
libraries in site-packages/nvidia/<name>/lib, which the loader never searches. Loading them first by full
path, with RTLD_GLOBAL and each after the ones it needs, puts them in the process under their sonames, and
the later dlopen("libcublas.so.12") gets the copy already loaded: no LD_LIBRARY_PATH, no system CUDA 12,
no symlinks.

Without the wheels this does nothing. A wheel that is installed but cannot be loaded is not an error here:
the reason is kept, and inference/loader.py adds it to its "CUDA GPU visible but unusable" message. Linux
only: on other systems nothing is loaded (the wheels keep their DLLs elsewhere there).
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from audio.errors import first_line

INSTALL_HINT = "pip install 'whisperdesk[cuda]' brings them"


@dataclass(frozen=True)
class Wheel:
    """One wheel's shared libraries that a program opens by name, in the order they are loaded (each after
    those it needs). What they open in turn they find themselves: the wheels' libraries carry an rpath of
    their own folder (and cuDNN's of cuBLAS's and NVRTC's)."""

    package: str  # the namespace package the wheel installs, e.g. nvidia.cublas
    dist: str  # its name on the package index
    libraries: tuple[str, ...]


WHEELS = (
    # cuBLAS 12.9's wheel depends on NVRTC's: libcublasLt.so.12 opens libnvrtc.so.12 by name, and its rpath
    # is only its own folder, so NVRTC is loaded first.
    Wheel("nvidia.cuda_nvrtc", "nvidia-cuda-nvrtc-cu12", ("libnvrtc.so.12",)),
    Wheel("nvidia.cublas", "nvidia-cublas-cu12", ("libcublasLt.so.12", "libcublas.so.12")),
    # cuDNN 9 is one small library (137 KB in 9.28) that opens its sub-libraries (ops, cnn, adv, engines:
    # about 1 GB) from its own folder when first used, so loading it costs little; the pinned CTranslate2
    # 4.8.5 wheel does not use cuDNN at all, other builds open libcudnn.so.9 by name.
    Wheel("nvidia.cudnn", "nvidia-cudnn-cu12", ("libcudnn.so.9",)),
)


@dataclass(frozen=True)
class CudaLibraries:
    """What was loaded from the wheels (full paths, in load order), from which wheels, and why one failed."""

    loaded: tuple[str, ...] = ()
    wheels: tuple[str, ...] = ()  # the wheels whose libraries all loaded
    problem: str | None = None  # one line: the first wheel that is installed but could not be loaded

    def describe(self) -> str:
        """One line for the user: where CUDA 12's libraries come from, or why not from the wheels."""
        if self.problem:
            return f"CUDA 12 libraries from the cuda extra not loadable: {self.problem}"
        if self.wheels:
            return f"CUDA 12 libraries loaded from {', '.join(self.wheels)}"
        return f"no CUDA 12 libraries from wheels: {INSTALL_HINT}"


def package_folder(package: str) -> Path | None:
    """The package's folder of an installed wheel, found without importing it; None when not installed."""
    try:
        spec = importlib.util.find_spec(package)  # imports only the parent, the empty `nvidia` namespace
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def load_wheels(wheels: tuple[Wheel, ...] = WHEELS) -> CudaLibraries:
    """Load every installed wheel's libraries (RTLD_GLOBAL, in order); a wheel that fails stops there."""
    loaded: list[str] = []
    good: list[str] = []
    problem: str | None = None
    for wheel in wheels:
        folder = package_folder(wheel.package)
        if folder is None:
            continue
        paths = [folder / "lib" / name for name in wheel.libraries]
        missing = [path for path in paths if not path.is_file()]
        if missing:
            problem = problem or f"{wheel.dist} is installed but {missing[0]} is missing"
            continue
        try:
            for path in paths:
                ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
                loaded.append(str(path))
        except OSError as exc:
            problem = problem or f"{wheel.dist}: {first_line(exc)}"
            continue
        good.append(wheel.dist)
    return CudaLibraries(tuple(loaded), tuple(good), problem)


_lock = threading.Lock()
_result: CudaLibraries | None = None


def preload_cuda_libraries() -> CudaLibraries:
    """Load the wheels' libraries once per process (later calls return the first call's result)."""
    global _result
    with _lock:
        if _result is None:
            _result = load_wheels() if sys.platform.startswith("linux") else CudaLibraries()
        return _result
