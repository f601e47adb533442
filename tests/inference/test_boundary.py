"""The inference boundary: only contract audio reaches the model; the demo bypass is the one exception."""

from __future__ import annotations

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.contract import ContractError, PcmAudio
from inference.boundary import run_model, run_model_unchecked_for_contract_demo
from inference.options import TranscribeOptions

pytestmark = pytest.mark.model

FAST = TranscribeOptions(beam_size=1, vad_filter=False, word_timestamps=False)


@pytest.mark.parametrize(
    ("audio", "reason"),
    [
        (PcmAudio(np.zeros(44100, dtype=np.float32), 44100, 1), "got 44100 Hz, 1 channel"),
        (PcmAudio(np.zeros((SAMPLE_RATE, 2), dtype=np.float32), SAMPLE_RATE, 2), "2 channels"),
        (PcmAudio(np.zeros(SAMPLE_RATE, dtype=np.int16), SAMPLE_RATE, 1), "dtype int16"),
        (PcmAudio(np.full(SAMPLE_RATE, 2.0, dtype=np.float32), SAMPLE_RATE, 1), "outside [-1, 1]"),
        (PcmAudio(np.zeros(0, dtype=np.float32), SAMPLE_RATE, 1), "zero-length"),
    ],
)
def test_run_model_refuses_non_contract_audio(tiny_model, audio, reason):
    """Each kind of broken audio is refused before the model sees it."""
    with pytest.raises(ContractError) as caught:
        run_model(tiny_model, audio, FAST)
    assert reason in str(caught.value)


def test_english_only_model_always_decodes_english(tiny_model):
    """tiny.en is told language=en even when the options ask to detect."""
    _, language, _ = run_model(tiny_model, PcmAudio(np.zeros(SAMPLE_RATE, np.float32), SAMPLE_RATE, 1), FAST)
    assert language == "en"


def test_demo_bypass_accepts_what_the_boundary_refuses(tiny_model):
    """The contract-demo path feeds raw samples (here int16-scale floats) straight to the model."""
    loud = np.full(SAMPLE_RATE, 1000.0, dtype=np.float32)
    with pytest.raises(ContractError):
        run_model(tiny_model, PcmAudio(loud, SAMPLE_RATE, 1), FAST)
    segments, language, _ = run_model_unchecked_for_contract_demo(tiny_model, loud, FAST)
    list(segments)
    assert language == "en"
