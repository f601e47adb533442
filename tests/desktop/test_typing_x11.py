"""app/desktop/typing on a real X server (Xvfb): text typed into another application's text field arrives
exactly, special characters included, and nothing is typed while the user holds a modifier."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from app.desktop.type_queue import TypingQueue
from app.desktop.typing import TypingUnavailable, XTestTyper, open_typer
from tests.xdisplay import x_env

pytestmark = pytest.mark.gui

TEXT = "Hello, world. Ça va? 42%"


def test_typed_text_arrives_exactly(xdisplay: str, target_factory) -> None:
    target = target_factory()
    typer = XTestTyper(xdisplay)
    try:
        typer.type_text(TEXT)
        typer.type_text(" — naïve €5\tend")
    finally:
        typer.close()
    expected = TEXT + " — naïve €5\tend"
    assert target.wait_for(lambda text: text == expected) == expected


def test_nothing_is_typed_while_shift_is_held(xdisplay: str, target_factory) -> None:
    target = target_factory()
    subprocess.run(["xdotool", "keydown", "shift"], env=x_env(xdisplay), check=True)
    failures: list[tuple[str, str]] = []
    typing = TypingQueue(lambda text, why: failures.append((text, why)), lambda: open_typer(x_env(xdisplay)))
    try:
        typing.type("quiet words")
        time.sleep(1.0)
        held_text = target.text()
        subprocess.run(["xdotool", "keyup", "shift"], env=x_env(xdisplay), check=True)
        done = threading.Event()
        typing.after(done.set)
        assert done.wait(10)
    finally:
        subprocess.run(["xdotool", "keyup", "shift"], env=x_env(xdisplay), check=False)
        typing.close()
    assert held_text == ""  # queued, not typed, while Shift was down
    assert target.wait_for(lambda text: text == "quiet words") == "quiet words"  # no shifted/uppercase strays
    assert failures == []


def test_a_key_pressed_mid_text_pauses_the_rest_until_its_release(xdisplay: str, target_factory) -> None:
    """Shift goes down while a long text is being typed: nothing more arrives until it is up again, so
    the letters after it are not shifted (a held Super would otherwise turn a typed "d" into Super+D,
    the dictation shortcut itself). The character being typed at the instant of the press may still
    catch it: at most that one differs."""
    target = target_factory()
    text = "one two three four five six seven eight nine ten " * 5  # 250 characters, about 1.3 s of typing
    typer = XTestTyper(xdisplay)
    worker = threading.Thread(target=typer.type_text, args=(text, threading.Event()))
    worker.start()
    try:
        assert len(target.wait_for(lambda typed: len(typed) >= 20)) >= 20
        subprocess.run(["xdotool", "keydown", "shift"], env=x_env(xdisplay), check=True)
        time.sleep(0.3)
        paused = target.text()
        time.sleep(0.7)
        still = target.text()
        subprocess.run(["xdotool", "keyup", "shift"], env=x_env(xdisplay), check=True)
        worker.join(20)
    finally:
        subprocess.run(["xdotool", "keyup", "shift"], env=x_env(xdisplay), check=False)
        worker.join(20)
        typer.close()
    assert still == paused and len(paused) < len(text) - 20  # nothing typed while Shift was down
    typed = target.wait_for(lambda typed: len(typed) >= len(text))
    assert len(typed) == len(text)
    differs = [i for i, (got, wanted) in enumerate(zip(typed, text, strict=True)) if got != wanted]
    assert len(differs) <= 1, typed


def test_no_display_is_one_clear_reason() -> None:
    with pytest.raises(TypingUnavailable, match="DISPLAY"):
        open_typer({"PATH": ""})
    with pytest.raises(TypingUnavailable, match="wtype or ydotool"):
        open_typer({"WAYLAND_DISPLAY": "wayland-0", "PATH": ""})


def test_untypable_words_are_reported_not_lost() -> None:
    failures: list[tuple[str, str]] = []
    typing = TypingQueue(lambda text, why: failures.append((text, why)), lambda: open_typer({"PATH": ""}))
    typing.type("first")
    typing.type(" second")
    typing.close()
    assert [text for text, _ in failures] == ["first", " second"]
    assert "DISPLAY" in failures[0][1]
