"""Qt-free part of the launcher: deciding whether a window can be shown, and which arguments open it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app import cli
from app.gui.launch import display_problem, parse_args, window_options
from app.window.live_controller import simulated_microphone


def test_no_display_variables_is_a_problem_on_linux():
    """Linux with neither DISPLAY nor WAYLAND_DISPLAY cannot show a window."""
    assert "no display found" in display_problem({}, platform="linux")


def test_chosen_platform_plugin_or_wayland_or_other_os_is_trusted():
    """QT_QPA_PLATFORM (offscreen, xcb...), a Wayland session, or macOS/Windows need no check."""
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux") is None
    assert display_problem({}, platform="darwin") is None
    assert display_problem({}, platform="win32") is None


def test_remote_display_is_left_to_qt():
    """A TCP display (host:0) cannot be probed cheaply, so it is not refused."""
    assert display_problem({"DISPLAY": "otherhost:0"}, platform="linux") is None


def test_screenshot_arguments():
    """--screenshot takes a path, --view live|files, --file repeats."""
    args = parse_args(["--screenshot", "out.png", "--view", "files", "--file", "a.wav", "--file", "b.mp3"])
    assert (args.screenshot, args.view, args.file) == ("out.png", "files", ["a.wav", "b.mp3"])
    assert parse_args([]).view == "live"


@pytest.mark.parametrize("option", sorted(window_options()))
def test_every_window_option_reaches_the_window(option: str, monkeypatch):
    """`whisperdesk --contract-demo` (or any window option first) opens the window, not the subcommand
    parser's "unrecognized arguments"."""
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "launch_gui", lambda argv: seen.append(argv) or 0)
    assert cli.main([option]) == 0 and seen == [[option]]


def test_simulate_with_a_bad_file_is_one_line_before_any_window(tmp_path):
    """A --simulate file that is not audio fails at launch with one line naming it (no Qt started)."""
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "app", "--simulate", str(bad)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "notes.wav" in result.stderr
    assert "Traceback" not in result.stderr


def test_simulated_microphone_lists_the_file_at_its_native_format(utterance):
    """The window's only device is the file, with its own rate and channels, replayed in real time."""
    jfk = utterance("jfk.flac")
    backends = simulated_microphone(str(jfk.path))
    (device,) = backends.list_devices()
    assert (device.name, device.sample_rate, device.channels) == ("simulated: jfk.flac", jfk.sample_rate, jfk.channels)
    source = backends.microphone(device.index)
    assert source.realtime and source.sample_rate == jfk.sample_rate
    source.close()
