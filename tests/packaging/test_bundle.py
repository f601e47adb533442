"""The PyInstaller bundle, built by packaging/build.sh (reused when fresh), run the way a user would run it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.bench.dataset import Utterance
from app.commands.bench import NOT_INSTALLED
from app.services.wer import wer
from tests.packaging.user_env import offline_prefix, run_build_script, user_env
from tests.tools import need_tools

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 1800  # a fresh build takes about a minute here; generous for a loaded CI runner
RUN_TIMEOUT_S = 600
MAX_WER = 0.25  # tiny.en int8 on these clean recordings stays well below this
SHOT_FILE = "jfk.flac"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The executable of a copy of dist/whisperdesk made away from the repository (built first if stale)."""
    build = run_build_script(REPO, "build.sh", BUILD_TIMEOUT_S)
    assert build.returncode == 0, build.stderr[-4000:]
    installed = tmp_path_factory.mktemp("installed") / "whisperdesk"
    shutil.copytree(REPO / "dist" / "whisperdesk", installed, symlinks=True)
    return installed / "whisperdesk"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def _run(bundle: Path, args: list[str], home: Path, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*(prefix or []), str(bundle), *args],
        cwd=home,
        env=user_env(home),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def test_transcribes_offline_without_python_or_source_tree(
    bundle: Path, home: Path, english: list[Utterance], utterance
) -> None:
    """The copied bundle transcribes real speech with no network, venv or source tree, using its own tiny.en."""
    picks = [utterance(SHOT_FILE), next(u for u in english if u.is_librispeech)]
    result = _run(bundle, ["transcribe", *[str(u.path) for u in picks], "--format", "json"], home, offline_prefix())
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [Path(r["file"]).name for r in records] == [u.name for u in picks]
    for record, spoken in zip(records, picks, strict=True):
        assert wer(spoken.reference, record["text"]) <= MAX_WER, record["text"]
        assert record["model"] == "tiny.en" and record["compute_type"] == "int8"
        assert Path(record["pipeline"]["model"]["path"]).is_relative_to(bundle.parent)
        assert "not installed" not in record["pipeline"]["versions"].values()


def test_bad_input_is_one_clear_line(bundle: Path, home: Path) -> None:
    """A missing file fails with one line naming it, not a frozen-app traceback."""
    result = _run(bundle, ["transcribe", str(home / "missing.wav")], home)
    assert result.returncode != 0
    assert "missing.wav" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_benchmarks_stay_out_of_the_bundle(bundle: Path, home: Path) -> None:
    """app.bench is not shipped: no module of it in the bundle, and `whisperdesk bench` says so in one line."""
    result = _run(bundle, ["bench", "files"], home)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"whisperdesk: error: {NOT_INSTALLED}"
    archive = subprocess.run(
        [sys.executable, "-m", "PyInstaller.utils.cliutils.archive_viewer", "-l", "-r", str(bundle)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert archive.returncode == 0, archive.stderr[-2000:]
    assert "app.services.wer" in archive.stdout  # the listing names the shipped modules...
    assert "app.bench" not in archive.stdout  # ...and none of the benchmarks


def test_every_linked_library_is_inside_or_a_base_system_library(bundle: Path) -> None:
    """Pruning left no dangling link: each NEEDED entry is bundled or one PyInstaller leaves to the OS."""
    from PyInstaller.depend.dylib import include_library

    need_tools("objdump")
    root = bundle.parent
    bundled = {path.name for path in root.rglob("*")}
    dangling: dict[str, str] = {}
    for path in root.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        with open(path, "rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        headers = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
        for line in headers.splitlines():
            fields = line.split()
            if len(fields) == 2 and fields[0] == "NEEDED":
                name = fields[1]
                if name not in bundled and include_library(name) and not name.startswith("ld-linux"):
                    dangling[name] = str(path.relative_to(root))
    assert not dangling


def test_window_screenshot_under_xvfb(bundle: Path, home: Path, utterance) -> None:
    """The bundled GUI starts on a virtual X display (xcb plugin), transcribes a file and saves the window."""
    need_tools("xvfb-run")
    from PySide6.QtGui import QImage

    target = home / "files.png"
    args = ["--screenshot", str(target), "--view", "files", "--file", str(utterance(SHOT_FILE).path)]
    result = _run(bundle, args, home, ["xvfb-run", "-a"])
    assert result.returncode == 0, result.stderr
    assert f"saved {target}" in result.stdout
    image = QImage(str(target))
    assert image.width() >= 640 and image.height() >= 480
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 8  # a drawn window, not a blank frame


def test_install_script_adds_a_command_and_menu_entry_and_removes_them(bundle: Path, home: Path) -> None:
    """install.sh puts the app under PREFIX with a working command, menu entry and icons; --uninstall undoes it."""
    prefix = home / "prefix"
    env = {**user_env(home), "PREFIX": str(prefix)}
    install = [str(bundle.parent / "install.sh")]
    done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    models = _run(prefix / "bin" / "whisperdesk", ["models"], home)
    assert models.returncode == 0, models.stderr
    assert str(prefix / "lib" / "whisperdesk") in models.stdout  # tiny.en found inside the installed copy
    desktop = prefix / "share" / "applications" / "whisperdesk.desktop"
    exec_line = next(line for line in desktop.read_text().splitlines() if line.startswith("Exec="))
    assert Path(exec_line.removeprefix("Exec=").split()[0]) == prefix / "lib" / "whisperdesk" / "whisperdesk"
    assert (prefix / "share" / "icons" / "hicolor" / "256x256" / "apps" / "whisperdesk.png").is_file()
    assert (prefix / "share" / "metainfo" / "io.github.whisperdesk.metainfo.xml").is_file()

    gone = subprocess.run([*install, "--uninstall"], env=env, capture_output=True, text=True, check=False)
    assert gone.returncode == 0, gone.stderr
    caches = {"mimeinfo.cache", "icon-theme.cache"}  # shared indexes the desktop tools keep up to date
    leftovers = [p for p in prefix.rglob("*") if (p.is_file() or p.is_symlink()) and p.name not in caches]
    assert not leftovers
