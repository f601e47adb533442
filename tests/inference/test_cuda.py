"""The CUDA path on a real GPU (skipped where CTranslate2 sees none, as in CI; run by
`.ci/gpu-check` on a GPU machine): auto picks the GPU with int8_float16 and transcribes as well as
the CPU does."""

from __future__ import annotations

import pytest

from app.services.wer import corpus_wer
from audio.decode import decode_to_contract
from inference import loader
from inference.options import TranscribeOptions
from inference.transcribe import transcribe

pytestmark = [
    pytest.mark.model,
    pytest.mark.cuda,
    pytest.mark.skipif(not loader.cuda_available(), reason="CTranslate2 sees no CUDA GPU"),
]


@pytest.fixture(scope="module")
def gpu_model():
    loaded = loader.load_model("tiny.en", device="auto")
    if loaded.info.fallback:
        pytest.fail(loaded.info.fallback)
    return loaded


def test_auto_runs_on_the_gpu_with_int8_float16(gpu_model):
    """auto = cuda + int8_float16, and the model really runs there (no CPU fallback)."""
    assert (gpu_model.info.device, gpu_model.info.compute_type) == ("cuda", "int8_float16")
    assert gpu_model.model.model.device == "cuda"


def test_gpu_transcripts_match_the_cpu(gpu_model, tiny_model, english):
    """Same files, same options: the GPU's WER stays within 1 point of the CPU's."""
    refs, gpu_text, cpu_text = [], [], []
    for utt in english:
        audio, _ = decode_to_contract(utt.path)
        options = TranscribeOptions(beam_size=5)
        refs.append(utt.reference)
        gpu_text.append(transcribe(gpu_model, audio, options).text)
        cpu_text.append(transcribe(tiny_model, audio, options).text)
    gpu_wer, cpu_wer = corpus_wer(refs, gpu_text), corpus_wer(refs, cpu_text)
    print(f"tiny.en WER over {len(refs)} files: cuda int8_float16 {gpu_wer:.4f}, cpu int8 {cpu_wer:.4f}")
    assert gpu_wer <= cpu_wer + 0.01
