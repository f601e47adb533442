"""One shared model: the same settings reuse it, other settings free it first, concurrent callers load once."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from app.services.model_manager import ModelManager, ModelSpec
from inference.errors import ModelNotFoundError
from inference.loader import LoadedModel, ModelInfo


class Weights:
    """Stands in for a WhisperModel (weakref-able, to see when it is freed)."""


def fake_loader(calls: list[tuple], gate: threading.Event | None = None):
    def load(name: str, device: str, compute_type: str) -> LoadedModel:
        calls.append((name, device, compute_type))
        if gate is not None:
            gate.wait(10)
        if name == "missing":
            raise ModelNotFoundError("model 'missing' is not available offline")
        return LoadedModel(Weights(), ModelInfo(name, "/m", "test", None, device, compute_type, False))

    return load


def test_same_spec_reuses_the_instance_and_auto_resolves_to_the_device():
    """'auto' with the default compute type and an explicit cpu/int8 are the same model, loaded once."""
    calls: list[tuple] = []
    manager = ModelManager(fake_loader(calls))
    first = manager.get(ModelSpec("tiny.en", "cpu", "int8"))
    if ModelSpec().resolved().device == "cpu":
        assert manager.get(ModelSpec("tiny.en")) is first
    assert manager.get(ModelSpec("tiny.en", "cpu", "int8")) is first
    assert calls.count(("tiny.en", "cpu", "int8")) == 1


def test_switching_models_frees_the_old_one():
    """Asking for another model drops the manager's reference first, so the old weights are collected."""
    manager = ModelManager(fake_loader([]))
    old = weakref.ref(manager.get(ModelSpec("tiny.en", "cpu", "int8")).model)
    new = manager.get(ModelSpec("base", "cpu", "int8"))
    gc.collect()
    assert old() is None and manager.current() is new


def test_concurrent_requests_load_once():
    """Two threads asking at the same time share one load."""
    calls: list[tuple] = []
    gate = threading.Event()
    manager = ModelManager(fake_loader(calls, gate))
    results: list[LoadedModel] = []
    threads = [threading.Thread(target=lambda: results.append(manager.get(ModelSpec("tiny.en", "cpu")))) for _ in "ab"]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1 and results[0] is results[1]


def test_failures_propagate_and_leave_nothing_loaded():
    """A model that cannot be found raises its message; the manager then holds no model."""
    manager = ModelManager(fake_loader([]))
    manager.get(ModelSpec("tiny.en", "cpu", "int8"))
    with pytest.raises(ModelNotFoundError, match="not available offline"):
        manager.get(ModelSpec("missing", "cpu", "int8"))
    assert manager.current() is None


def test_cuda_without_a_gpu_is_a_clear_error(monkeypatch):
    """Asking for CUDA where CTranslate2 sees no GPU names the problem (ValueError) before loading."""
    monkeypatch.setattr("inference.loader.cuda_available", lambda: False)
    calls: list[tuple] = []
    with pytest.raises(ValueError, match="sees no CUDA GPU"):
        ModelManager(fake_loader(calls)).get(ModelSpec("tiny.en", "cuda"))
    assert calls == []
