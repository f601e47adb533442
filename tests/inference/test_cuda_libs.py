"""inference/cuda_libs.py on a fake wheel layout: tiny real shared libraries, compiled here and named like
CUDA 12's, in `nvidia/<name>/lib` folders on the path. They are found, loaded in dependency order, once; a
missing wheel changes nothing; a broken one is a kept one-line reason. No GPU needed.

Each load runs in a fresh `python -S` (no site-packages: real nvidia wheels stay out of it): a library
loaded under the name libcublas.so.12 stays in its process, and must never reach the real CTranslate2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inference import cuda_libs, loader
from tests.tools import need_tools

ROOT = Path(__file__).resolve().parents[2]

# Each fake library notes its name in $FAKE_CUDA_LOG when it is loaded (its constructor runs once per process).
NOTE = r"""
#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void loaded(void) {
    const char *log = getenv("FAKE_CUDA_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f) { fprintf(f, "%s\n", NAME); fclose(f); }
}
"""
LT = "int lt_version(void) { return 12; }\n"
BLAS = "int lt_version(void);\nint blas_version(void) { return lt_version() * 100; }\n"

CUBLAS_ORDER = ["libcublasLt.so.12", "libcublas.so.12"]


def _compile(lib: Path, name: str, source: str, needs: tuple[str, ...] = ()) -> None:
    """lib/name: a shared library with soname `name`, linked against `needs` (in lib/) without an rpath."""
    lib.mkdir(parents=True, exist_ok=True)
    c_file = lib.parent / f"{name}.c"
    c_file.write_text(NOTE + source)
    argv = ["cc", "-shared", "-fPIC", f'-DNAME="{name}"', f"-Wl,-soname,{name}", "-o", str(lib / name), str(c_file)]
    argv += [f"-L{lib}", *[f"-l:{dep}" for dep in needs]]
    subprocess.run(argv, check=True, capture_output=True)


def _package(site: Path, name: str, namespace: bool = True) -> Path:
    """site/nvidia/<name>/lib, as the wheels lay it out: namespace packages without __init__.py (the 12.9
    wheels), or regular packages (older ones)."""
    package = site / "nvidia" / name
    package.mkdir(parents=True)
    if not namespace:
        (site / "nvidia" / "__init__.py").write_text("")
        (package / "__init__.py").write_text("")
    return package / "lib"


def _cublas(site: Path, namespace: bool = True) -> Path:
    """Fake nvidia-cublas-cu12: libcublas.so.12 needs libcublasLt.so.12 and calls into it."""
    lib = _package(site, "cublas", namespace)
    _compile(lib, "libcublasLt.so.12", LT)
    _compile(lib, "libcublas.so.12", BLAS, needs=("libcublasLt.so.12",))
    return lib


def _run(code: str, site: Path | None, log: Path) -> dict:
    """Run `code` (which prints one JSON line) in a fresh `python -S` with only `site` and the checkout on its path."""
    path = [str(site)] if site else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(ROOT)]), "FAKE_CUDA_LOG": str(log)}
    done = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


PRELOAD = """
import ctypes, json, sys
from inference.cuda_libs import preload_cuda_libraries
result = preload_cuda_libraries()
maps = open("/proc/self/maps").read()
names = {line.split("/")[-1] for line in maps.splitlines()}
out = {"loaded": result.loaded, "wheels": result.wheels, "problem": result.problem, "describe": result.describe(),
       "mapped": sorted(n for n in names if n.startswith(("libcublas", "libcudnn", "libnvrtc"))),
       "nvidia_imported": sorted(name for name in sys.modules if name.startswith("nvidia"))}
"""


@pytest.fixture
def cc() -> None:
    need_tools("cc", hint="a C compiler: Debian package gcc")


@pytest.mark.parametrize("namespace", [True, False], ids=["namespace-nvidia", "regular-nvidia"])
def test_the_wheels_libraries_load_in_dependency_order(cc, tmp_path: Path, namespace: bool) -> None:
    """libcublasLt before libcublas, whose own dependency on it then resolves: its call into it works."""
    lib = _cublas(tmp_path / "site", namespace)
    log = tmp_path / "loaded.log"
    code = PRELOAD + "out['blas_version'] = ctypes.CDLL('libcublas.so.12').blas_version()\nprint(json.dumps(out))"
    out = _run(code, tmp_path / "site", log)
    assert out["loaded"] == [str(lib / name) for name in CUBLAS_ORDER]
    assert out["wheels"] == ["nvidia-cublas-cu12"] and out["problem"] is None
    assert log.read_text().split() == CUBLAS_ORDER  # each constructor ran, in that order
    assert out["blas_version"] == 1200  # dlopen by soname got the loaded copy, linked to the loaded Lt
    assert out["describe"] == "CUDA 12 libraries loaded from nvidia-cublas-cu12"
    assert out["nvidia_imported"] == ["nvidia"]  # the namespace only: nvidia.cublas itself is never imported


def test_the_order_matters(cc, tmp_path: Path) -> None:
    """The fake libcublas.so.12 cannot load on its own (no rpath, Lt not on the loader's path): the test above
    passes only because the Lt library was loaded first."""
    lib = _cublas(tmp_path / "site")
    code = (
        "import ctypes, json\n"
        f"try:\n    ctypes.CDLL({str(lib / 'libcublas.so.12')!r}); print(json.dumps('loaded'))\n"
        "except OSError as exc:\n    print(json.dumps(str(exc)))"
    )
    assert "libcublasLt.so.12: cannot open shared object file" in _run(code, None, tmp_path / "log")


def test_every_wheel_in_turn(cc, tmp_path: Path) -> None:
    """NVRTC, cuBLAS, then cuDNN, whose library needs cuBLAS from the other wheel's folder (no rpath to it)."""
    site = tmp_path / "site"
    _compile(_package(site, "cuda_nvrtc"), "libnvrtc.so.12", "")
    cublas = _cublas(site)
    cudnn = _package(site, "cudnn")
    cudnn.mkdir(parents=True)
    for name in CUBLAS_ORDER:  # to link against; removed again, so only the loaded copy can satisfy it
        (cudnn / name).symlink_to(cublas / name)
    _compile(
        cudnn,
        "libcudnn.so.9",
        "int blas_version(void);\nint cudnn(void) { return blas_version(); }\n",
        ("libcublas.so.12",),
    )
    for name in CUBLAS_ORDER:
        (cudnn / name).unlink()
    log = tmp_path / "loaded.log"
    out = _run(PRELOAD + "print(json.dumps(out))", site, log)
    expected = ["libnvrtc.so.12", *CUBLAS_ORDER, "libcudnn.so.9"]
    assert [Path(path).name for path in out["loaded"]] == expected
    assert log.read_text().split() == expected
    assert out["wheels"] == ["nvidia-cuda-nvrtc-cu12", "nvidia-cublas-cu12", "nvidia-cudnn-cu12"]
    assert out["problem"] is None


def test_loaded_once_per_process(cc, tmp_path: Path) -> None:
    """A second call returns the first result and loads nothing: even with the files gone it reports no problem."""
    lib = _cublas(tmp_path / "site")
    log = tmp_path / "loaded.log"
    code = PRELOAD + (
        "import shutil\n"
        f"shutil.rmtree({str(lib)!r})\n"
        "again = preload_cuda_libraries()\n"
        "out['same'] = again is result\n"
        "out['again_problem'] = again.problem\n"
        "print(json.dumps(out))"
    )
    out = _run(code, tmp_path / "site", log)
    assert out["same"] is True and out["again_problem"] is None
    assert log.read_text().split() == CUBLAS_ORDER  # one load each


def test_without_the_wheels_nothing_happens(tmp_path: Path) -> None:
    """No nvidia packages: nothing loaded, nothing imported, no problem, and the hint names the extra."""
    out = _run(PRELOAD + "print(json.dumps(out))", None, tmp_path / "loaded.log")
    assert (out["loaded"], out["wheels"], out["problem"]) == ([], [], None)
    assert out["mapped"] == [] and out["nvidia_imported"] == []
    assert out["describe"] == f"no CUDA 12 libraries from wheels: {cuda_libs.INSTALL_HINT}"
    assert not (tmp_path / "loaded.log").exists()


def test_a_broken_library_is_a_kept_one_line_reason(cc, tmp_path: Path) -> None:
    """A libcublas.so.12 that is not a library: no exception, the reason names the wheel and the file; the
    other wheels still load."""
    site = tmp_path / "site"
    _compile(_package(site, "cuda_nvrtc"), "libnvrtc.so.12", "")
    lib = _package(site, "cublas")
    _compile(lib, "libcublasLt.so.12", LT)
    (lib / "libcublas.so.12").write_bytes(b"not a shared library\n" * 100)
    out = _run(PRELOAD + "print(json.dumps(out))", site, tmp_path / "loaded.log")
    problem = out["problem"]
    assert problem.startswith("nvidia-cublas-cu12: ") and str(lib / "libcublas.so.12") in problem
    assert "\n" not in problem
    assert out["wheels"] == ["nvidia-cuda-nvrtc-cu12"]
    assert out["describe"] == f"CUDA 12 libraries from the cuda extra not loadable: {problem}"


def test_an_installed_wheel_without_its_library_is_a_reason(cc, tmp_path: Path) -> None:
    """nvidia.cublas present but libcublas.so.12 absent (a half-removed install): said, nothing loaded from it."""
    lib = _package(tmp_path / "site", "cublas")
    _compile(lib, "libcublasLt.so.12", LT)
    out = _run(PRELOAD + "print(json.dumps(out))", tmp_path / "site", tmp_path / "loaded.log")
    assert out["problem"] == f"nvidia-cublas-cu12 is installed but {lib / 'libcublas.so.12'} is missing"
    assert out["loaded"] == [] and not (tmp_path / "loaded.log").exists()


class _FailingEncoder:
    """A model whose GPU encoder fails as CTranslate2's does when cuBLAS 12 cannot be loaded."""

    n_mels = 80

    def encode(self, *args, **kwargs):
        raise RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")


class _Model:
    model = _FailingEncoder()


def test_the_reason_reaches_the_gpu_check_message(monkeypatch) -> None:
    """The kept reason is part of the "CUDA GPU visible but unusable" line (the fallback warning, --device cuda)."""
    kept = cuda_libs.CudaLibraries(problem="nvidia-cublas-cu12: /x/libcublas.so.12: invalid ELF header")
    monkeypatch.setattr(cuda_libs, "_result", kept)
    with pytest.raises(loader.CudaUnusableError) as raised:
        loader.check_cuda_runs(_Model())  # type: ignore[arg-type]
    assert str(raised.value) == (
        f"CUDA GPU visible but unusable: Library libcublas.so.12 is not found or cannot be loaded ({kept.describe()})"
    )


@pytest.mark.skipif(loader.cuda_available(), reason="checks the CPU-only behaviour; CTranslate2 sees a GPU here")
def test_pick_device_auto_on_this_cpu_machine_is_unchanged() -> None:
    """Without a GPU, auto is still cpu/int8, and nothing was loaded from wheels to decide it."""
    maps_before = Path("/proc/self/maps").read_text().count("libcublas")
    assert loader.pick_device("auto") == ("cpu", "int8")
    assert loader.pick_device("auto", "float32") == ("cpu", "float32")
    with pytest.raises(ValueError, match="sees no CUDA GPU"):
        loader.pick_device("cuda")
    assert Path("/proc/self/maps").read_text().count("libcublas") == maps_before
