"""app/desktop/typing on a real Wayland compositor (sway 1.7, headless): a Qt text field (text_target.py
on Qt's wayland platform) has the focus, and what CommandTyper("wtype") types arrives there exactly,
capitals, punctuation, non-ASCII and newlines included, phrase by phrase as dictation types it; Ctrl+V
pastes what wl-copy put on the Wayland clipboard."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.desktop.type_queue import TypingQueue
from app.desktop.typing import CommandTyper, open_typer
from tests.tools import need_tools
from tests.wayland import Sway, WaylandTarget, sway_session

pytestmark = pytest.mark.gui

# Phrases as dictation commits them: each one wtype run, the space before it included.
PHRASES = ["Hello, world.", " Café au lait — naïve?", " 42% done!\nNext line: «ça va», €5 (ok)", "\tend"]


@pytest.fixture(scope="module")
def sway() -> Iterator[Sway]:
    yield from sway_session()


@pytest.fixture
def target(sway: Sway, tmp_path: Path) -> Iterator[WaylandTarget]:
    made = WaylandTarget(sway, tmp_path, "whisperdesk-wayland-target")
    yield made
    made.close()


def test_wtype_types_each_phrase_exactly(sway: Sway, target: WaylandTarget) -> None:
    typer = open_typer(sway.env())
    assert isinstance(typer, CommandTyper) and typer.name == "wtype"  # what a Wayland session picks
    for phrase in PHRASES:
        typer.type_text(phrase)
    expected = "".join(PHRASES)
    assert target.wait_for(expected) == expected


def test_the_typing_queue_types_dictation_into_the_wayland_app(sway: Sway, target: WaylandTarget) -> None:
    failures: list[tuple[str, str]] = []
    typing = TypingQueue(lambda text, why: failures.append((text, why)), lambda: open_typer(sway.env()))
    done = threading.Event()
    try:
        for phrase in PHRASES:
            typing.type(phrase)
        typing.after(done.set)
        assert done.wait(30)
    finally:
        typing.close()
    assert failures == []
    expected = "".join(PHRASES)
    assert target.wait_for(expected) == expected


def test_ctrl_v_pastes_the_wayland_clipboard(sway: Sway, target: WaylandTarget) -> None:
    need_tools("wl-copy", hint="packaging/system-deps.sh installs wl-clipboard")
    clipboard = "Pasted from the clipboard: café, 3 × 4."
    copy = subprocess.run(["wl-copy", "--", clipboard], env=sway.env(), stderr=subprocess.DEVNULL, timeout=20)
    assert copy.returncode == 0  # wl-copy stays behind, serving the clipboard, until it is cleared
    try:
        CommandTyper("wtype", sway.env()).press_paste()
        assert target.wait_for(clipboard) == clipboard
    finally:
        subprocess.run(["wl-copy", "--clear"], env=sway.env(), stderr=subprocess.DEVNULL, timeout=20, check=False)
