"""Stand-ins shared by the controller tests: a model that is never run, a view that records calls,
and a task runner that holds work until released."""

from __future__ import annotations

import inspect

from app.services.tasks import InlineRunner
from inference.loader import LoadedModel, ModelInfo

FAKE_MODEL = LoadedModel(None, ModelInfo("tiny.en", "/nowhere", "test", None, "cpu", "int8", False))


class RecordingView:
    """Records each call of a method `protocol` declares, as (name, *args). Any other name, or arguments
    the protocol's signature does not accept, raise: a controller cannot call what the real view lacks."""

    def __init__(self, protocol: type) -> None:
        self._protocol = protocol
        self.calls: list[tuple] = []

    def __getattr__(self, name: str):
        method = getattr(self.__dict__.get("_protocol"), name, None)
        if name.startswith("_") or not inspect.isfunction(method):
            raise AttributeError(f"{name!r} is not a method of {self._protocol.__name__}")
        signature = inspect.signature(method)

        def record(*args, **kwargs) -> None:
            signature.bind(self, *args, **kwargs)  # TypeError when the real view could not take these
            self.calls.append((name, *args, *kwargs.values()))

        return record

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
