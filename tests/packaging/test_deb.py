"""The Debian package built by packaging/deb.sh: its control data and files, then installed with apt-get on
this machine, run the way a user would run it, and purged again."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bench.dataset import Utterance
from app.services.wer import wer
from tests.packaging.user_env import offline_prefix, run_build_script, user_env
from tests.tools import need_tools

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]  # what deb.sh reads
DEB = REPO / "dist" / f"whisperdesk_{VERSION}_amd64.deb"
BUILD_TIMEOUT_S = 3600  # bundle (about a minute) plus xz compression (about two minutes here)
APT_TIMEOUT_S = 1200
RUN_TIMEOUT_S = 600
MAX_WER = 0.25  # as for the bundle: tiny.en int8 stays well below this on these recordings
SHOT_FILE = "jfk.flac"

APP_DIR = Path("/opt/whisperdesk")
COMMAND = Path("/usr/bin/whisperdesk")
DESKTOP = Path("/usr/share/applications/whisperdesk.desktop")
METAINFO = Path("/usr/share/metainfo/io.github.whisperdesk.metainfo.xml")
ICONS = [
    Path("/usr/share/icons/hicolor/scalable/apps/whisperdesk.svg"),
    *(Path(f"/usr/share/icons/hicolor/{n}x{n}/apps/whisperdesk.png") for n in (48, 128, 256)),
]
INSTALLED = [APP_DIR / "whisperdesk", APP_DIR / "_internal", COMMAND, DESKTOP, METAINFO, *ICONS]


def _is_installed() -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "whisperdesk"], capture_output=True, text=True, check=False
    )
    return status.returncode == 0 and "installed" in status.stdout.split()


def _purge() -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", "remove", "-y", "--purge", "whisperdesk"],
        env=env,
        capture_output=True,
        text=True,
        timeout=APT_TIMEOUT_S,
        check=False,
    )


def _depends(control: str) -> list[str]:
    """The Depends field's relations, each as its list of alternative package names."""
    field = re.search(r"^Depends: (.*)$", control, re.MULTILINE)
    assert field, control
    return [[alt.split()[0] for alt in rel.split("|")] for rel in field.group(1).split(",")]


def _owner(library: str) -> str:
    """The Debian package that holds a library file: dpkg records the path it unpacked (/lib or /usr/lib)."""
    real = os.path.realpath(library)
    for query in (library, real, f"*/{os.path.basename(real)}"):
        found = subprocess.run(["dpkg", "-S", query], capture_output=True, text=True, check=False)
        if found.returncode == 0:
            return found.stdout.split(":")[0]
    return f"no package ({library})"


def _elf_files(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    yield path


@pytest.fixture(scope="module")
def deb() -> Path:
    """dist/whisperdesk_<version>_amd64.deb, built (with the bundle) unless fresh."""
    need_tools("dpkg-deb", "objdump")
    build = run_build_script(REPO, "deb.sh", BUILD_TIMEOUT_S)
    assert build.returncode == 0, build.stderr[-4000:]
    assert build.stdout.strip().splitlines()[-1] == str(DEB.relative_to(REPO))
    return DEB


@pytest.fixture(scope="module")
def installed(deb: Path) -> Iterator[Path]:
    """The package installed with `apt-get install ./...deb`; purged afterwards whatever happened."""
    if shutil.which("apt-get") is None:
        pytest.skip("apt-get not found: installing the .deb needs a Debian/Ubuntu system")
    if os.geteuid() != 0:
        pytest.skip("installing the .deb needs root (apt-get install); run as root to test the package")
    if _is_installed():
        pytest.skip("a whisperdesk package is already installed here; `apt-get purge whisperdesk` to test this build")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", f"./{deb.name}"]
    try:
        done = subprocess.run(
            install, cwd=deb.parent, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT_S, check=False
        )
        if done.returncode != 0 and "fetch" in done.stderr.lower():  # stale package lists: a missing Depends 404s
            subprocess.run(
                ["apt-get", "update", "-q"], env=env, capture_output=True, timeout=APT_TIMEOUT_S, check=False
            )
            done = subprocess.run(
                install, cwd=deb.parent, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT_S, check=False
            )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        assert _is_installed()
        yield COMMAND
    finally:
        if _is_installed():
            _purge()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def _run(args: list[str], home: Path, prefix: list[str] | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*(prefix or []), str(COMMAND), *args],
        cwd=home,
        env={**user_env(home), **env},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def test_control_names_version_and_dependencies(deb: Path) -> None:
    """DEBIAN/control: the pyproject version, amd64, the Depends from packaging/deb/depends, a real size."""
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
    control = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True).stdout
    for field in ("Package: whisperdesk", f"Version: {VERSION}", "Architecture: amd64", "Section: sound"):
        assert f"\n{field}\n" in f"\n{control}"
    assert re.search(r"^Maintainer: .+ <.+@.+>$", control, re.MULTILINE)
    assert re.search(r"^Description: .+\n .+", control, re.MULTILINE)  # a synopsis and a long description
    depends = _depends(control)
    assert ["libportaudio2"] in depends and ["libgl1"] in depends and ["libc6"] in depends
    assert "postinst" in info and "postrm" in info
    installed_kib = int(re.search(r"^Installed-Size: (\d+)$", control, re.MULTILINE).group(1))
    program = REPO / "dist" / "whisperdesk"
    program_bytes = sum(p.stat().st_size for p in program.rglob("*") if p.is_file() and not p.is_symlink())
    assert 0.95 < installed_kib * 1024 / program_bytes < 1.1


def test_contents_have_the_paths_and_policy_modes(deb: Path, tmp_path: Path) -> None:
    """Program in /opt, the command link, menu entry, icons and metainfo; root-owned, 0755/0644 modes."""
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True).stdout
    entries = {}
    for line in listing.splitlines():
        mode, owner, _size, _date, _time, name = line.split(maxsplit=5)
        name, _, target = name.partition(" -> ")
        entries[name.removeprefix(".").rstrip("/") or "/"] = (mode, owner, target)
    for path in [p for p in INSTALLED if p != COMMAND]:
        assert str(path) in entries, path
    assert entries[str(COMMAND)] == ("lrwxrwxrwx", "root/root", str(APP_DIR / "whisperdesk"))
    assert entries[str(APP_DIR / "whisperdesk")][0] == "-rwxr-xr-x"
    assert {owner for _mode, owner, _link in entries.values()} == {"root/root"}
    modes = {mode for mode, _owner, _link in entries.values() if mode[0] != "l"}
    assert modes == {"drwxr-xr-x", "-rw-r--r--", "-rwxr-xr-x"}
    executables = [name for name, (mode, _o, _l) in entries.items() if mode == "-rwxr-xr-x"]
    assert executables == [str(APP_DIR / "whisperdesk")]

    control_dir = tmp_path / "DEBIAN"
    subprocess.run(["dpkg-deb", "--control", str(deb), str(control_dir)], check=True)
    for script in ("postinst", "postrm"):
        assert (control_dir / script).stat().st_mode & 0o777 == 0o755
        syntax = subprocess.run(["sh", "-n", str(control_dir / script)], capture_output=True, text=True, check=False)
        assert syntax.returncode == 0, syntax.stderr
    assert (control_dir / "control").stat().st_mode & 0o777 == 0o644


def test_installed_files_are_in_place(installed: Path) -> None:
    """apt-get put the program, the command on PATH, the menu entry, icons and metainfo where desktops look."""
    for path in INSTALLED:
        assert path.exists(), path
    assert COMMAND.is_symlink() and COMMAND.resolve() == APP_DIR / "whisperdesk"
    entry = dict(line.split("=", 1) for line in DESKTOP.read_text().splitlines() if "=" in line)
    assert entry["Exec"].split()[0] in ("whisperdesk", str(APP_DIR / "whisperdesk"))
    assert entry["Icon"] == "whisperdesk"
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr


def test_depends_cover_every_system_library(installed: Path) -> None:
    """With the package (and so its Depends) installed, each library the bundle links but does not carry
    resolves on this system, and comes from a package named in Depends."""
    control = subprocess.run(
        ["dpkg-query", "-W", "-f=${Depends}", "whisperdesk"], capture_output=True, text=True, check=True
    ).stdout
    allowed = {name for relation in _depends(f"Depends: {control}") for name in relation}
    bundled = {path.name for path in APP_DIR.rglob("*")}
    env = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": str(APP_DIR / "_internal")}  # the bundle's own first
    owners: dict[str, str] = {}
    for path in _elf_files(APP_DIR):
        headers = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
        needed = {f[1] for f in (line.split() for line in headers.splitlines()) if len(f) == 2 and f[0] == "NEEDED"}
        system = needed - bundled
        if not system:
            continue
        ldd = subprocess.run(["ldd", str(path)], env=env, capture_output=True, text=True, check=False).stdout
        assert "not found" not in ldd, f"{path}:\n{ldd}"
        resolved = {}  # soname -> file; the loader itself is listed by its path alone
        for fields in (line.split() for line in ldd.splitlines()):
            if len(fields) >= 3 and fields[1] == "=>":
                resolved[fields[0]] = fields[2]
            elif fields and fields[0].startswith("/"):
                resolved[os.path.basename(fields[0])] = fields[0]
        for soname in system - set(owners):
            owners[soname] = _owner(resolved[soname])
    assert "libGL.so.1" in owners  # the survey found the graphics stack at all
    assert {soname: pkg for soname, pkg in owners.items() if pkg not in allowed} == {}


def test_installed_command_transcribes_offline(
    installed: Path, home: Path, english: list[Utterance], utterance
) -> None:
    """`whisperdesk transcribe` from /usr/bin, in a user's environment, with tiny.en from /opt/whisperdesk."""
    picks = [utterance(SHOT_FILE), next(u for u in english if u.is_librispeech)]
    result = _run(["transcribe", *[str(u.path) for u in picks], "--format", "json"], home, offline_prefix())
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [Path(r["file"]).name for r in records] == [u.name for u in picks]
    for record, spoken in zip(records, picks, strict=True):
        assert wer(spoken.reference, record["text"]) <= MAX_WER, record["text"]
        assert record["model"] == "tiny.en"
        assert Path(record["pipeline"]["model"]["path"]).is_relative_to(APP_DIR)


def test_installed_window_saves_a_screenshot(installed: Path, home: Path, utterance) -> None:
    """The installed GUI starts (on Xvfb with the system's libxcb/libGL where xvfb-run exists, else offscreen),
    transcribes a file and saves its window as a PNG."""
    from PySide6.QtGui import QImage

    target = home / "deb-installed.png"
    args = ["--screenshot", str(target), "--view", "files", "--file", str(utterance(SHOT_FILE).path)]
    if shutil.which("xvfb-run"):
        result = _run(args, home, ["xvfb-run", "-a"])
    else:
        result = _run(args, home, QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 0, result.stderr
    assert f"saved {target}" in result.stdout
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(target))
    assert image.width() >= 640 and image.height() >= 480
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 8  # a drawn window, not a blank frame


def test_purge_removes_every_installed_file(installed: Path) -> None:
    """`apt-get remove --purge` leaves no program, command, menu entry, icon or metainfo, and dpkg forgets it.
    (Last in this file: the later tests would find nothing installed.)"""
    gone = _purge()
    assert gone.returncode == 0, gone.stdout[-2000:] + gone.stderr[-4000:]
    assert not [path for path in [APP_DIR, *INSTALLED] if path.exists() or path.is_symlink()]
    status = subprocess.run(["dpkg", "-s", "whisperdesk"], capture_output=True, text=True, check=False)
    assert status.returncode != 0 and "not installed" in status.stderr
