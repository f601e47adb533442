"""Device selection and model loading: auto picks CPU int8 here, CUDA int8_float16 when a GPU is seen."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.contract import PcmAudio
from audio.decode import decode_to_contract
from inference import loader
from inference.loader import load_model, pick_device
from inference.models import BASE_SHA256, resolve_model
from inference.options import TranscribeOptions
from inference.transcribe import transcribe


def test_auto_picks_cpu_int8_without_a_gpu(monkeypatch):
    """No CUDA device visible: auto = cpu with int8."""
    monkeypatch.setattr(loader, "cuda_available", lambda: False)
    assert pick_device("auto") == ("cpu", "int8")


def test_auto_on_this_machine():
    """On this machine the real CTranslate2 query decides; without a GPU that is cpu/int8."""
    expected = ("cuda", "int8_float16") if loader.cuda_available() else ("cpu", "int8")
    assert pick_device("auto") == expected


def test_auto_picks_cuda_int8_float16_with_a_gpu(monkeypatch):
    """A visible GPU makes auto choose cuda with int8_float16."""
    monkeypatch.setattr(loader, "cuda_available", lambda: True)
    assert pick_device("auto") == ("cuda", "int8_float16")


def test_explicit_choices_win(monkeypatch):
    """A forced device and compute type are used as given."""
    monkeypatch.setattr(loader, "cuda_available", lambda: True)
    assert pick_device("cpu") == ("cpu", "int8")
    assert pick_device("cpu", "float32") == ("cpu", "float32")
    assert pick_device("cuda", "float16") == ("cuda", "float16")
    assert pick_device("auto", "int8_float32") == ("cuda", "int8_float32")


def test_forcing_cuda_without_a_gpu_is_a_clear_error(monkeypatch):
    """--device cuda on a machine without a GPU says so instead of failing inside CTranslate2."""
    monkeypatch.setattr(loader, "cuda_available", lambda: False)
    with pytest.raises(ValueError, match="CTranslate2 sees no CUDA GPU"):
        pick_device("cuda")


def test_unknown_device_is_refused():
    """Only auto, cpu and cuda exist."""
    with pytest.raises(ValueError, match="auto, cpu or cuda"):
        pick_device("tpu")


@pytest.mark.model
def test_loaded_tiny_en_reports_its_artifact(tiny_model):
    """The loaded model's info names the exact weights (sha256 of model.bin), device and compute type."""
    info = tiny_model.info
    weights = Path(info.path) / "model.bin"
    assert info.sha256 == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert (info.name, info.device, info.compute_type, info.multilingual) == ("tiny.en", "cpu", "int8", False)


@pytest.mark.model
def test_a_local_folder_loads_and_transcribes(tmp_path, utterance):
    """tiny.en's files linked into another folder load as a local model and transcribe."""
    folder = tmp_path / "copied-tiny"
    folder.mkdir()
    for item in Path(resolve_model("tiny.en").path).iterdir():
        os.symlink(item, folder / item.name)
    loaded = load_model(str(folder), device="cpu")
    assert (loaded.info.name, loaded.info.source, loaded.info.compute_type) == ("copied-tiny", "local folder", "int8")
    audio, _ = decode_to_contract(utterance("jfk.flac").path)
    text = transcribe(loaded, audio, TranscribeOptions(beam_size=1)).text.lower()
    assert "ask not what your country" in text


@pytest.mark.model
def test_joined_base_loads_and_transcribes_multilingual(utterance):
    """base (joined from the parts) loads with the packaged fingerprint and detects English itself."""
    loaded = load_model("base", device="cpu")
    assert loaded.info.sha256 == BASE_SHA256
    assert loaded.info.multilingual
    audio, _ = decode_to_contract(utterance("jfk.flac").path)
    transcript = transcribe(loaded, audio, TranscribeOptions(beam_size=1))
    assert transcript.language == "en"
    assert "ask not what your country" in transcript.text.lower()


@pytest.mark.model
def test_compute_type_is_passed_to_ctranslate2():
    """A forced compute type reaches the model (float32 on CPU loads and is reported)."""
    loaded = load_model("tiny.en", device="cpu", compute_type="float32")
    assert loaded.info.compute_type == "float32"
    assert loaded.model.model.compute_type == "float32"
    silence = PcmAudio(np.zeros(SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE, 1)
    transcribe(loaded, silence, TranscribeOptions(beam_size=1, vad_filter=False))


class _CublasMissingWhisper:
    """Loads the real model on the CPU; built for 'cuda' its encoder fails as CTranslate2 does when
    the GPU is visible but libcublas.so.12 is not installed (seen on a CUDA 13-only machine)."""

    built: ClassVar[list[str]] = []

    def __new__(cls, path, device, compute_type, **kwargs):
        from inference.aligned_model import AlignedWhisperModel

        cls.built.append(f"{device}/{compute_type}")
        model = AlignedWhisperModel(path, device="cpu", compute_type="int8", **kwargs)
        if device == "cuda":

            class Broken:
                n_mels = model.model.n_mels

                def encode(self, *args, **kw):
                    raise RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")

            model.model = Broken()
        return model


@pytest.mark.model
def test_auto_falls_back_to_cpu_when_the_gpu_cannot_run(monkeypatch):
    """A visible GPU whose CUDA libraries are missing: auto reloads on the CPU and says why."""
    monkeypatch.setattr(loader, "cuda_available", lambda: True)
    monkeypatch.setattr(loader, "AlignedWhisperModel", _CublasMissingWhisper)
    _CublasMissingWhisper.built.clear()
    loaded = load_model("tiny.en")
    assert _CublasMissingWhisper.built == ["cuda/int8_float16", "cpu/int8"]
    assert (loaded.info.device, loaded.info.compute_type) == ("cpu", "int8")
    assert "libcublas.so.12" in loaded.info.fallback and "running on the CPU" in loaded.info.fallback


@pytest.mark.model
def test_forced_cuda_that_cannot_run_is_a_clear_error(monkeypatch):
    """--device cuda on such a GPU raises a one-line error naming the missing library."""
    monkeypatch.setattr(loader, "cuda_available", lambda: True)
    monkeypatch.setattr(loader, "AlignedWhisperModel", _CublasMissingWhisper)
    with pytest.raises(loader.CudaUnusableError, match=r"^CUDA GPU visible but unusable: Library libcublas\.so\.12"):
        load_model("tiny.en", device="cuda")
