"""Stopping a dictation whose server stalls, in the window (offscreen): Stop lets the last pass run, a
second click on the button ("click to stop now") ends it at once, and closing the window does not wait
for the server either; the words heard so far stay in the transcript in both cases."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt

from app.gui.live_panel import STOP_TEXT, STOPPING_TEXT
from app.gui.main_window import LAST_PASS_WAIT_S
from app.services.api_keys import KeyStore
from app.services.autosave import Autosaver
from app.services.history import HistoryStore
from app.services.live_session import LiveSession
from app.services.model_manager import ModelManager
from app.window.live_controller import IDLE, STOPPING, LiveBackends
from app.window.settings_model import AppSettings
from tests.app.test_live_controller import MIC
from tests.app.test_live_remote import OPTIONS, answer_as, stalling
from tests.app.test_live_session import WORDS, ScriptedSource
from tests.inference.streaming_fakes import ScriptedWhisper, fake_loaded, scripted_detector, spoken_text
from tests.remote_http import ScriptedServer, scripted_server

pytestmark = [pytest.mark.gui]

STALL_FROM = 6  # the 7th request stalls: "the first phrase is short" committed, "and" pending
ANSWER_MS = 20_000  # the longest wait for loopback answers on a busy 2-core machine
STOP_NOW_MS = 2_000  # stop now drops the waiting request within 0.1 s; a margin for a loaded machine


def _session(source, engine, options, on_event, **extra):
    return LiveSession(source, engine, OPTIONS, on_event=on_event, detector=scripted_detector(WORDS), **extra)


def _window(qtbot, store, tmp_path: Path, url: str):
    from app.gui.main_window import MainWindow, WindowDeps

    store.save(AppSettings(engine="server", server_url=url))
    deps = WindowDeps(
        models=ModelManager(loader=lambda name, **kw: fake_loaded(ScriptedWhisper(WORDS))),
        autosaver=Autosaver(tmp_path / "autosave"),
        live=LiveBackends(
            list_devices=lambda: [MIC], microphone=lambda index: ScriptedSource(8.0, realtime=False), session=_session
        ),
        history=HistoryStore(tmp_path / "history"),
        keys=KeyStore(fail.Keyring(), environ={}),
    )
    window = MainWindow(store, deps)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    return window


def _stalled_and_stopping(qtbot, window, server) -> None:
    """Start, wait for the stalled request, press Stop: the last pass waits on the server."""
    button = window.live_panel.start_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(server.requests) > STALL_FROM, timeout=ANSWER_MS)
    assert button.text() == STOP_TEXT
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.live.state == STOPPING
    qtbot.wait(300)
    assert window.live.state == STOPPING, "Stop waits for the step in flight"
    assert button.text() == STOPPING_TEXT and button.isEnabled()


def _heard_so_far(text: str) -> None:
    assert text.startswith("the first phrase is short and"), text  # "and" was pending, "hezz cozz" cut off
    assert spoken_text(WORDS).startswith(text) and text != spoken_text(WORDS)


@contextmanager
def stopping_on_a_stalled_server(qtbot, store, tmp_path: Path) -> Iterator[tuple[object, ScriptedServer]]:
    """A window dictating on a server that has stopped answering, Stop pressed: (window, server)."""
    release = threading.Event()
    with scripted_server(stalling(answer_as(ScriptedWhisper(WORDS)), release, STALL_FROM)) as server:
        window = _window(qtbot, store, tmp_path, server.url)
        try:
            _stalled_and_stopping(qtbot, window, server)
            yield window, server
        finally:
            release.set()


def test_a_second_click_stops_a_dictation_whose_server_stalls(qtbot, store, tmp_path: Path):
    with stopping_on_a_stalled_server(qtbot, store, tmp_path) as (window, server):
        started = time.monotonic()
        qtbot.mouseClick(window.live_panel.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.live.state == IDLE, timeout=STOP_NOW_MS)
        took = time.monotonic() - started
        assert len(server.requests) == STALL_FROM + 1  # nothing more went up
    _heard_so_far(window.live_panel.transcript.committed_text())
    assert window.live_panel.transcript.partial_text() == ""
    assert not window.live_panel.error_banner.label.text(), window.live_panel.error_banner.label.text()
    assert took < STOP_NOW_MS / 1000
    window.close()


def test_closing_the_window_does_not_wait_for_a_stalled_server(qtbot, store, tmp_path: Path):
    with stopping_on_a_stalled_server(qtbot, store, tmp_path) as (window, _):
        started = time.monotonic()
        window.shutdown()
        took = time.monotonic() - started
    assert LAST_PASS_WAIT_S <= took < LAST_PASS_WAIT_S + STOP_NOW_MS / 1000, took
    assert window.live.state == IDLE
    _heard_so_far(window.live.transcript.text)
    window.close()
