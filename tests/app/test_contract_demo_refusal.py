"""Normal mode refuses non-contract audio with ContractError; only the demo holds the bypass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.demo.mismatch import INT16_FULL_SCALE, Mismatch, RawStream
from audio.constants import SAMPLE_RATE
from audio.contract import ContractError, PcmAudio
from audio.convert import convert
from inference.boundary import run_model
from inference.loader import LoadedModel, ModelInfo
from inference.options import TranscribeOptions

REPO = Path(__file__).resolve().parents[2]
BYPASS = "run_model_unchecked_for_contract_demo"
NATIVE_RATE = 44100


class _ModelThatMustNotRun:
    """Fails the test if the contract check ever lets audio through to it."""

    def transcribe(self, *args, **kwargs):
        raise AssertionError("non-contract audio reached the model")


def _loaded() -> LoadedModel:
    info = ModelInfo("fake", "/nowhere", "test", None, "cpu", "int8", multilingual=False)
    return LoadedModel(_ModelThatMustNotRun(), info)


def _stereo() -> np.ndarray:
    t = np.arange(NATIVE_RATE) / NATIVE_RATE
    return np.stack([0.5 * np.sin(2 * np.pi * 440 * t)] * 2, axis=1).astype(np.float32)


def test_native_44k_stereo_is_refused_before_the_model():
    """run_model refuses 44.1 kHz stereo PcmAudio, naming rate and channels, without calling the model."""
    with pytest.raises(ContractError, match="44100 Hz, 2 channels"):
        run_model(_loaded(), PcmAudio(_stereo(), NATIVE_RATE, 2), TranscribeOptions())


def test_native_rate_mono_is_refused():
    """Mono at 44.1 kHz (the no-resample input, honestly labelled) is refused."""
    mono = RawStream(Mismatch.NO_RESAMPLE, NATIVE_RATE, 2).process(_stereo())
    with pytest.raises(ContractError, match="44100 Hz, 1 channel"):
        run_model(_loaded(), PcmAudio(mono, NATIVE_RATE, 1), TranscribeOptions())


def test_int16_valued_floats_are_refused():
    """16 kHz mono float32 holding int16 values (the int16 mismatch) is refused as unscaled."""
    contract = convert(_stereo(), NATIVE_RATE).samples
    unscaled = np.round(contract * INT16_FULL_SCALE).astype(np.float32)
    with pytest.raises(ContractError, match="must be scaled"):
        run_model(_loaded(), PcmAudio(unscaled, SAMPLE_RATE, 1), TranscribeOptions())


def test_only_the_demo_calls_the_bypass():
    """The unchecked entry point is defined in inference/boundary.py and called only from app/demo/bypass.py."""
    users = {
        path.relative_to(REPO).as_posix()
        for package in ("app", "audio", "inference")
        for path in (REPO / package).rglob("*.py")
        if BYPASS in path.read_text(encoding="utf-8")
    }
    assert users == {"inference/boundary.py", "app/demo/bypass.py"}
