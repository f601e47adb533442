"""The widgets the controllers talk to have every method of their view protocol, with the same
parameters: the fakes in tests/app/fakes.py accept exactly those calls, so a controller test that
passes against a fake cannot call something the real window lacks. (mypy checks the same statically
where MainWindow hands the widgets to the controllers.)"""

from __future__ import annotations

import inspect

import pytest

from app.gui.contract_demo_panel import ContractDemoPanel
from app.gui.files_panel import FilesPanel
from app.gui.history_panel import HistoryPanel
from app.gui.live_panel import LivePanel
from app.gui.main_window import MainWindow
from app.window import views
from tests.app.fakes import RecordingView

IMPLEMENTATIONS = [
    (views.ModelView, MainWindow),
    (views.FilesView, FilesPanel),
    (views.LiveView, LivePanel),
    (views.DemoView, ContractDemoPanel),
    (views.HistoryView, HistoryPanel),
]


def _methods(protocol: type) -> list[str]:
    return [name for name, value in vars(protocol).items() if inspect.isfunction(value) and not name.startswith("_")]


def _parameters(function) -> list[tuple[str, inspect._ParameterKind]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(("protocol", "widget"), IMPLEMENTATIONS, ids=lambda item: item.__name__)
def test_widget_implements_every_protocol_method(protocol: type, widget: type) -> None:
    methods = _methods(protocol)
    assert methods, f"{protocol.__name__} declares no methods"
    for name in methods:
        real = getattr(widget, name, None)
        assert callable(real), f"{widget.__name__} lacks {protocol.__name__}.{name}"
        assert _parameters(real) == _parameters(getattr(protocol, name)), f"{widget.__name__}.{name} differs"


def test_fake_view_refuses_what_the_protocol_lacks() -> None:
    view = RecordingView(views.LiveView)
    view.set_partial("hello")
    assert view.of("set_partial") == [("hello",)]
    with pytest.raises(AttributeError):
        view.show_everything()
    with pytest.raises(TypeError):
        view.set_partial("too", "many")
