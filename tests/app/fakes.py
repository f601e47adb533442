"""Stand-ins shared by the controller tests: a model that is never run, a view that records calls,
and a task runner that holds work until released."""

from __future__ import annotations

from app.tasks import InlineRunner
from inference.loader import LoadedModel, ModelInfo

FAKE_MODEL = LoadedModel(None, ModelInfo("tiny.en", "/nowhere", "test", None, "cpu", "int8", False))


class RecordingView:
    """Any view method call is recorded as (name, *args)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getattr__(self, name: str):
        return lambda *args: self.calls.append((name, *args))

    def of(self, name: str) -> list[tuple]:
        return [call[1:] for call in self.calls if call[0] == name]


class HeldRunner(InlineRunner):
    """Keeps submitted work until `release()`, to act between submit and completion."""

    def __init__(self) -> None:
        self.held: list[tuple] = []

    def submit(self, work, on_done, on_error, on_event=None):
        self.held.append((work, on_done, on_error, on_event))

    def release(self) -> None:
        held, self.held = self.held, []
        for args in held:
            InlineRunner.submit(self, *args)
