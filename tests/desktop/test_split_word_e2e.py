"""A commit that starts inside a word ("42" then "-line", "mud" then "huts"), through the real parts on a
real X server (Xvfb): the live controller fed a scripted session whose commits carry Whisper's word texts,
the window's output typing with XTest into another process's text field, the autosave and the history.
The word arrives whole in the field, in the transcript and in the history."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from app.desktop.type_queue import TypingQueue
from app.desktop.typing import open_typer
from app.services.autosave import Autosaver, read_session
from app.services.history import HistoryStore
from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import InlineRunner
from app.window.dictation_output import DictationOutput
from app.window.live_controller import LiveBackends, LiveController
from app.window.model_controller import ModelController
from app.window.settings_model import AppSettings
from app.window.views import LiveView, ModelView
from audio.devices import InputDevice
from inference.results import Word
from inference.stream_events import Commit
from inference.streaming_words import words_text
from tests.app.fakes import FAKE_MODEL, RecordingView
from tests.app.test_live_controller import Scripted, Source
from tests.desktop.test_dictation_output import RecordingClipboard
from tests.xdisplay import x_env

pytestmark = pytest.mark.gui

MIC = InputDevice(0, "Desk mic", "ALSA", 48000, 1, True)
# Whisper's word texts: a new word has its leading space, a continuation has none ("-line", "huts").
COMMITTED_WORDS = [
    (" The", " 42"),
    ("-line", " Bible", " was"),
    (" printed", " near", " the", " mud"),
    ("huts.",),
    (" Then", " it", " ended."),
]


def _commits() -> list[Commit]:
    commits, at = [], 0.0
    for texts in COMMITTED_WORDS:
        words = []
        for text in texts:
            words.append(Word(at, at + 0.3, text, 0.9))
            at += 0.3
        commits.append(Commit(words_text(words), words[0].start, words[-1].end, 0.0, 0.5, tuple(words)))
    return commits


EXPECTED = words_text([w for c in _commits() for w in c.words])  # "The 42-line Bible was ... mudhuts. Then it ended."


def test_a_word_split_across_commits_is_typed_shown_and_kept_whole(
    xdisplay: str, target_factory, tmp_path: Path
) -> None:
    """The field receives exactly the model's words ("42-line", "mudhuts." with no space inside), as do the
    window's transcript (its view is told to glue), the autosave and the history record."""
    target = target_factory()
    backends = LiveBackends(
        lambda: [MIC], lambda index: Source(), session=lambda s, m, o, emit: Scripted(_commits(), emit)
    )
    view, runner = RecordingView(LiveView), InlineRunner()
    models = ModelController(
        ModelManager(lambda name, **kw: FAKE_MODEL),
        runner,
        RecordingView(ModelView),
        ModelSpec("tiny.en", "cpu", "int8"),
    )
    autosaver = Autosaver(tmp_path / "autosave")
    history = HistoryStore(tmp_path / "history")
    controller = LiveController(view, models, runner, autosaver, AppSettings, backends, history=history)

    def make_queue(on_failed: Callable[[str, str], None]) -> TypingQueue:
        return TypingQueue(on_failed, lambda: open_typer(x_env(xdisplay)))

    problems: list[str] = []
    output = DictationOutput(lambda: "type", RecordingClipboard(), problems.append, lambda fn: fn(), make_queue)
    controller.output = output
    try:
        controller.refresh_devices()
        controller.toggle()  # the scripted session runs to its end on this thread
        typed = threading.Event()
        assert output._queue is not None
        output._queue.after(typed.set)
        assert typed.wait(10)
    finally:
        output.close()
        controller.shutdown()
    assert target.wait_for(lambda text: text == EXPECTED) == EXPECTED
    assert not problems
    assert "42-line" in EXPECTED and "mudhuts." in EXPECTED  # the script does split words
    assert [call[2] for call in view.of("append_committed")] == [False, True, False, True, False]
    assert controller.transcript.text == EXPECTED
    assert read_session(autosaver.path).text == EXPECTED
    records = history.load().records
    assert [r.text for r in records] == [EXPECTED]
