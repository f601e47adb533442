"""Qt-free part of the launcher: deciding whether a window can be shown."""

from __future__ import annotations

from app.gui.launch import display_problem, parse_args


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
