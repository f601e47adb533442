"""The freedesktop entry and AppStream metainfo agree with each other, with the icon files and the command."""

from __future__ import annotations

import configparser
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.tools import need_tools

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
DESKTOP = REPO / "packaging" / "whisperdesk.desktop"
METAINFO = REPO / "packaging" / "io.github.whisperdesk.metainfo.xml"
RESOURCES = REPO / "app" / "resources"


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_launches_the_command_with_a_shipped_icon() -> None:
    """Exec is the `whisperdesk` command and Icon names the SVG/PNGs in app/resources."""
    entry = _entry()
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Exec"].split()[0] == "whisperdesk"
    icon = entry["Icon"]
    assert (RESOURCES / f"{icon}.svg").is_file()
    for size in (48, 128, 256):
        assert (RESOURCES / f"{icon}-{size}.png").is_file()


def test_metainfo_points_at_the_desktop_entry() -> None:
    """The AppStream launchable is this .desktop file and the provided binary is the same command."""
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == _entry()["Exec"].split()[0]
    assert root.findtext("icon") == _entry()["Icon"]


def test_icon_pngs_have_their_named_sizes() -> None:
    """whisperdesk-N.png is N x N pixels (rendered from the SVG by packaging/render_icons.py)."""
    from PySide6.QtGui import QImage

    for size in (48, 128, 256):
        image = QImage(str(RESOURCES / f"whisperdesk-{size}.png"))
        assert (image.width(), image.height()) == (size, size)


@pytest.mark.parametrize(
    ("tool", "args", "target"),
    [
        ("desktop-file-validate", [], DESKTOP),
        ("appstreamcli", ["validate", "--no-net", "--pedantic"], METAINFO),
    ],
)
def test_freedesktop_validators_accept_the_files(tool: str, args: list[str], target: Path) -> None:
    """desktop-file-validate and appstreamcli report no error or warning."""
    need_tools(tool)
    result = subprocess.run([tool, *args, str(target)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower()
