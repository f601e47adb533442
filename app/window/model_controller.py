"""Loads the model the settings name, in the background, and tells the window how it went.

Both views ask `with_model` for the model; they share the one instance the manager holds.
"""

from __future__ import annotations

from collections.abc import Callable

from app.services.messages import one_line
from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import TaskRunner
from app.window.views import ModelPhase, ModelState, ModelView
from inference.loader import LoadedModel

ReadyFn = Callable[[LoadedModel], None]
FailFn = Callable[[str], None]


class ModelController:
    """Keeps the window's model state (loading / ready / failed) in step with the settings."""

    def __init__(self, manager: ModelManager, runner: TaskRunner, view: ModelView, spec: ModelSpec) -> None:
        self.manager = manager
        self._runner = runner
        self._view = view
        self.spec = spec
        self.loaded: LoadedModel | None = None
        self.error = ""
        self._loading = False
        self._generation = 0
        self._waiters: list[tuple[ReadyFn, FailFn]] = []

    def load(self) -> None:
        """Start loading `spec` in the background (again, if it failed before)."""
        self._generation += 1
        generation, spec = self._generation, self.spec
        self._loading = True
        self._view.show_model_state(ModelState(ModelPhase.LOADING, spec.name))
        self._runner.submit(
            lambda emit: self.manager.get(spec),
            on_done=lambda loaded: self._loaded(generation, loaded),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def set_spec(self, spec: ModelSpec) -> None:
        """New settings: load the model they name; the old one is freed by the manager."""
        if spec == self.spec and (self.loaded is not None or self._loading):
            return
        self.spec = spec
        self.loaded, self.error = None, ""
        self.load()

    def with_model(self, on_ready: ReadyFn, on_error: FailFn) -> None:
        """Call `on_ready(model)` once the model is loaded, or `on_error(message)` if it cannot be."""
        if self.loaded is not None:
            on_ready(self.loaded)
            return
        self._waiters.append((on_ready, on_error))
        if not self._loading:
            self.load()

    def _loaded(self, generation: int, loaded: LoadedModel) -> None:
        if generation != self._generation:
            return  # the settings changed while this one loaded
        self._loading = False
        self.loaded, self.error = loaded, ""
        self._view.show_model_state(ModelState(ModelPhase.READY, self.spec.name, loaded.info))
        waiters, self._waiters = self._waiters, []
        for on_ready, _ in waiters:
            on_ready(loaded)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self.loaded, self.error = None, one_line(exc)
        self._view.show_model_state(ModelState(ModelPhase.FAILED, self.spec.name, message=self.error))
        waiters, self._waiters = self._waiters, []
        for _, on_error in waiters:
            on_error(self.error)
