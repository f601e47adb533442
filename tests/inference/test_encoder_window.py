"""The live path's shorter encoder window: only the zero padding after the audio is dropped, the
window asked for is the one the encoder gets, contract audio is still the only way in, and the
per-phase clock sees every phase of a run.

Also the guard for upstream's one-frame alignment crash (faster-whisper PR #1460), reproduced on the
real model.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from faster_whisper.tokenizer import Tokenizer

from audio.constants import SAMPLE_RATE
from audio.contract import ContractError, PcmAudio
from audio.decode import decode_to_contract
from inference.aligned_model import engine_view
from inference.boundary import run_model
from inference.model_phases import PHASES
from inference.options import TranscribeOptions
from inference.streaming import StreamingOptions

pytestmark = pytest.mark.model

LIVE = StreamingOptions().transcribe_options(None, "en")


def _encoded_frames(tiny_model, audio: PcmAudio, options: TranscribeOptions) -> tuple[int, str]:
    segments, _, _ = run_model(tiny_model, audio, options)
    text = " ".join(s.text.strip() for s in segments)
    return tiny_model.model._last_encoded.output.shape[1], text


@pytest.mark.parametrize(("seconds", "minimum", "margin", "expected"), [(3.0, 15.0, 2.0, 1500), (20.0, 5.0, 2.0, 2200)])
def test_frames_cover_the_audio_and_the_margin(seconds, minimum, margin, expected):
    options = TranscribeOptions(encoder_min_s=minimum, encoder_margin_s=margin)
    frames = options.encoder_frames(round(seconds * SAMPLE_RATE))
    assert frames == expected
    assert frames >= math.ceil(seconds * 100)  # never a frame of the audio itself
    assert TranscribeOptions().encoder_frames(SAMPLE_RATE) is None  # files: the padded 30 s window
    assert TranscribeOptions(encoder_min_s=1.0).encoder_frames(60 * SAMPLE_RATE) == 3000  # never past 30 s


def test_the_encoder_gets_the_window_asked_for(tiny_model, utterance):
    jfk = decode_to_contract(utterance("jfk.flac").path)[0]  # 11 s
    short, text = _encoded_frames(tiny_model, jfk, LIVE)
    assert short == LIVE.encoder_frames(jfk.samples.size) // 2  # the encoder halves the frames
    assert short < 1500
    full, _ = _encoded_frames(tiny_model, jfk, TranscribeOptions(beam_size=1, temperature=(0.0,), vad_filter=False))
    assert full == 1500
    assert "ask not what your country can do for you" in text.lower()


def test_a_shorter_window_still_refuses_non_contract_audio(tiny_model):
    stereo = PcmAudio(np.zeros((SAMPLE_RATE, 2), dtype=np.float32), SAMPLE_RATE, 2)
    with pytest.raises(ContractError):
        run_model(tiny_model, stereo, LIVE)
    with pytest.raises(ContractError):
        run_model(tiny_model, PcmAudio(np.zeros(44100, dtype=np.float32), 44100, 1), LIVE)


def test_the_phase_clock_sees_every_phase(tiny_model, utterance):
    jfk = decode_to_contract(utterance("jfk.flac").path)[0]
    clock = tiny_model.model.phases
    clock.take()
    list(run_model(tiny_model, jfk, LIVE)[0])
    phases = clock.take()
    assert set(phases) == set(PHASES)
    assert all(seconds > 0 for seconds in phases.values()), phases
    assert all(seconds == 0 for seconds in clock.take().values())  # take() starts again from zero


def test_one_frame_alignment_gives_no_words_instead_of_a_crash(tiny_model):
    model = tiny_model.model
    tokenizer = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
    encoded = model.encode(np.zeros((80, 3000), dtype=np.float32))
    tokens = [model.hf_tokenizer.encode(" Hello world.", add_special_tokens=False).ids]
    with pytest.raises(IndexError):  # upstream's behaviour, the reason for the guard
        engine_view(model).find_alignment(tokenizer, tokens, encoded, 1)
    assert model.find_alignment(tokenizer, tokens, encoded, 1) == [[]]
    assert len(model.find_alignment(tokenizer, tokens, encoded, 100)[0]) == 3  # longer windows: words as before
