"""The model controller: loading, ready and failed states for the window, and settings changed mid-load."""

from __future__ import annotations

from app.services.model_manager import ModelManager, ModelSpec
from app.services.tasks import InlineRunner
from app.window.model_controller import ModelController
from app.window.views import ModelPhase
from inference.errors import ModelNotFoundError
from inference.loader import LoadedModel, ModelInfo
from tests.app.fakes import HeldRunner


def loaded(name: str) -> LoadedModel:
    return LoadedModel(None, ModelInfo(name, "/m", "test", None, "cpu", "int8", False))


def loader(name: str, **kwargs) -> LoadedModel:
    if name == "base":
        raise ModelNotFoundError("model 'base' is not installed: pip install 'whisperdesk[base]'")
    return loaded(name)


class StateView:
    def __init__(self) -> None:
        self.states = []

    def show_model_state(self, state) -> None:
        self.states.append(state)


def test_missing_model_is_reported_to_the_view_and_to_waiters():
    """A failed load shows LOADING then FAILED with the installer hint; waiting callers get the message."""
    view, errors = StateView(), []
    controller = ModelController(ModelManager(loader), InlineRunner(), view, ModelSpec("base", "cpu", "int8"))
    controller.with_model(lambda model: None, errors.append)
    assert [s.phase for s in view.states] == [ModelPhase.LOADING, ModelPhase.FAILED]
    assert "pip install 'whisperdesk[base]'" in view.states[-1].message and errors == [view.states[-1].message]


def test_settings_changed_while_loading_end_on_the_new_model():
    """A load finishing after the settings changed is ignored; the new spec's model is the one reported."""
    view, runner, ready = StateView(), HeldRunner(), []
    controller = ModelController(ModelManager(loader), runner, view, ModelSpec("tiny.en", "cpu", "int8"))
    controller.load()
    controller.with_model(lambda model: ready.append(model.info.name), print)
    controller.set_spec(ModelSpec("small.en", "cpu", "int8"))
    runner.release()
    assert [s.phase for s in view.states] == [ModelPhase.LOADING, ModelPhase.LOADING, ModelPhase.READY]
    assert view.states[-1].info.name == "small.en" and ready == ["small.en"]
    assert controller.manager.current().info.name == "small.en"
