"""Tray icon states and menu, the overlay that never takes the focus, and the autostart entry."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon

from app.desktop.autostart import autostart_enabled, autostart_path, entry_text, set_autostart
from app.gui.main_window import app_icon
from app.gui.overlay import MAX_CHARS, DictationOverlay
from app.gui.tray import IDLE, LISTENING, TRANSCRIBING, Tray, state_icon
from app.services.model_manager import ModelManager

pytestmark = pytest.mark.gui


def _pixels(icon: QIcon) -> bytes:
    image = icon.pixmap(64, 64).toImage()
    return bytes(image.constBits())


def test_each_state_has_its_own_icon(qapp):
    base = app_icon()
    idle, listening, transcribing = (_pixels(state_icon(base, s)) for s in (IDLE, LISTENING, TRANSCRIBING))
    assert len({idle, listening, transcribing}) == 3


def test_tray_menu_follows_the_state_and_sends_its_actions(qapp):
    tray = Tray(app_icon())
    seen: list[str] = []
    tray.toggle_requested.connect(lambda: seen.append("toggle"))
    tray.quit_requested.connect(lambda: seen.append("quit"))
    texts = [a.text() for a in tray.menu.actions() if a.text()]
    assert texts == ["Start dictation", "Show window", "Settings…", "Quit"]
    tray.set_state(LISTENING)
    assert tray.toggle_action.text() == "Stop dictation" and tray.icon.toolTip() == "whisperdesk: listening"
    tray.toggle_action.trigger()
    tray.menu.actions()[-1].trigger()
    assert seen == ["toggle", "quit"]


def test_overlay_never_takes_the_focus_and_shows_the_newest_words(qtbot):
    overlay = DictationOverlay()
    qtbot.addWidget(overlay)
    flags = overlay.windowFlags()
    assert flags & Qt.WindowType.WindowDoesNotAcceptFocus and flags & Qt.WindowType.WindowStaysOnTopHint
    assert overlay.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    overlay.appear()
    assert overlay.isVisible() and not overlay.isActiveWindow()
    long_text = " ".join(f"word{i}" for i in range(60))
    overlay.show_text(long_text)
    shown = overlay.text.text()
    assert shown.startswith("…") and shown.endswith("word59") and len(shown) <= MAX_CHARS + 1
    assert overlay.text.fontMetrics().horizontalAdvance(shown) <= overlay.text.width()
    overlay.show_level(-12.0, -3.0)
    assert overlay.meter.level() == (-12.0, -3.0)


def test_autostart_entry_is_written_and_removed(tmp_path: Path):
    path = autostart_path({"XDG_CONFIG_HOME": str(tmp_path)})
    assert path == tmp_path / "autostart" / "whisperdesk.desktop" and not autostart_enabled(path)
    set_autostart(True, path, ["/opt/whisperdesk/whisperdesk"])
    assert autostart_enabled(path)
    text = path.read_text()
    assert "Exec=/opt/whisperdesk/whisperdesk --hidden\n" in text and text == entry_text(
        ["/opt/whisperdesk/whisperdesk"]
    )
    set_autostart(False, path)
    assert not path.exists()


def test_window_shows_the_overlay_only_while_dictating(make_window):
    """The live state drives the overlay (when enabled) and would drive the tray icon."""
    from app.window.live_controller import IDLE as LIVE_IDLE
    from app.window.live_controller import RUNNING
    from tests.app.fakes import FAKE_MODEL

    window = make_window(models=ModelManager(loader=lambda name, **kw: FAKE_MODEL), start=False)
    window.live_panel.set_live_state(RUNNING, "mic")
    assert window.overlay.isVisible()
    window.live_panel.set_partial("hello there")
    assert window.overlay.text.text() == "hello there"
    window.live_panel.set_live_state(LIVE_IDLE)
    assert not window.overlay.isVisible()
    window.settings = replace(window.settings, overlay=False)
    window.live_panel.set_live_state(RUNNING, "mic")
    assert not window.overlay.isVisible()
    window.live_panel.set_live_state(LIVE_IDLE)
