"""The one-thread decoder beside a multi-thread encoder: what runs where, when the copy is made, and that
it leaves the words and the benchmarks' faster-whisper baseline as they were."""

from __future__ import annotations

import jiwer
import pytest

from inference import decoder_threads
from inference.aligned_model import engine_view
from inference.decoder_threads import (
    SPLIT_MAX_BYTES,
    SplitWhisper,
    auto_decoder_threads,
    default_threads,
    split_for_cpu,
    unsplit,
)
from inference.loader import ModelInfo, load_model
from inference.options import TranscribeOptions
from inference.transcribe import transcribe


class _Model:
    """Stands in for ctranslate2.models.Whisper: records the calls it gets."""

    def __init__(self, name: str, device: str = "cpu") -> None:
        self.name, self.device, self.calls = name, device, []
        self.is_multilingual = name == "narrow"

    def __getattr__(self, method: str):
        return lambda *args, **kwargs: self.calls.append(method) or self.name


def test_encoding_and_alignment_go_wide_and_everything_else_narrow():
    """encode and align (large parallel products) on the encoder's threads; token-by-token work and the
    model's facts on the one-thread copy."""
    wide, narrow = _Model("wide"), _Model("narrow")
    split = SplitWhisper(wide, narrow)  # type: ignore[arg-type]
    assert split.encode("features") == "wide" and split.align("tokens") == "wide"
    assert split.generate("memory") == "narrow" and split.detect_language("memory") == "narrow"
    assert split.is_multilingual is True  # narrow's
    assert wide.calls == ["encode", "align"] and narrow.calls == ["generate", "detect_language"]
    assert unsplit(split) is wide  # type: ignore[arg-type]


def test_a_copy_is_made_only_on_the_cpu_with_more_encoder_than_decoder_threads(monkeypatch):
    built: list[dict] = []
    monkeypatch.setattr(decoder_threads.ctranslate2.models, "Whisper", lambda *a, **k: built.append(k) or "copy")
    for device, encoder, decoder in [("cuda", 4, 1), ("cpu", 1, 1), ("cpu", 2, 2), ("cpu", 2, 0), ("cpu", 1, 2)]:
        model = _Model("wide", device)
        assert split_for_cpu(model, "/m", "int8", encoder, decoder) is model  # type: ignore[arg-type]
    assert built == []
    split = split_for_cpu(_Model("wide"), "/m", "int8", 4, 1)  # type: ignore[arg-type]
    assert isinstance(split, SplitWhisper) and split.narrow == "copy"
    assert built == [{"device": "cpu", "compute_type": "int8", "intra_threads": 1}]


def test_only_models_up_to_small_get_the_copy_by_default(tmp_path):
    """The copy costs the weights again: tiny, base and small get it, medium and large keep one copy."""
    for size, expected in [(75_000_000, 1), (SPLIT_MAX_BYTES, 1), (SPLIT_MAX_BYTES + 1, 0)]:
        folder = tmp_path / str(size)
        folder.mkdir()
        with open(folder / "model.bin", "wb") as weights:
            weights.truncate(size)  # sparse: no disk used
        assert auto_decoder_threads(str(folder)) == expected, size
    assert auto_decoder_threads(str(tmp_path)) == 0  # no model.bin to size


def test_default_threads_follow_ctranslate2(monkeypatch):
    """0 threads means OMP_NUM_THREADS, else at most 4 of the CPUs this process may use."""
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert default_threads() == 3
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.setattr(decoder_threads.os, "sched_getaffinity", lambda pid: set(range(16)))
    assert default_threads() == 4
    monkeypatch.setattr(decoder_threads.os, "sched_getaffinity", lambda pid: {0, 1})
    assert default_threads() == 2


def test_negative_thread_counts_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        load_model("tiny.en", decoder_threads=-1)


@pytest.mark.model
def test_the_split_model_decodes_on_its_copy_and_keeps_the_words(audio_dir):
    """tiny.en with 2 encoder threads and a 1-thread decoder: the copy does the generating, the words
    of JFK's 11 s are those of the one-copy model (a thread count changes float sums' order only), and
    the benchmarks' faster-whisper view runs on the 2-thread model alone."""
    split = load_model("tiny.en", cpu_threads=2)  # tiny.en gets the copy by default
    single = load_model("tiny.en", cpu_threads=2, decoder_threads=0)
    assert split.info.threads == (2, 1) and single.info.threads == (2, 2)
    assert isinstance(split.model.model, SplitWhisper) and not isinstance(single.model.model, SplitWhisper)
    assert engine_view(split.model).model is split.model.model.wide

    from audio.decode import decode_to_contract

    audio, _ = decode_to_contract(str(audio_dir / "jfk.flac"))
    options = TranscribeOptions(language="en", beam_size=5)
    generated: list[int] = []
    narrow = split.model.model.narrow

    class Counting:
        def __getattr__(self, name):
            return getattr(narrow, name)

        def generate(self, *args, **kwargs):
            generated.append(1)
            return narrow.generate(*args, **kwargs)

    split.model.model.narrow = Counting()
    texts = [transcribe(loaded, audio, options).text.lower() for loaded in (split, single)]
    assert generated, "the one-thread copy never decoded"
    assert "ask not what your country can do for you" in texts[0]
    assert jiwer.wer(texts[1], texts[0]) <= 0.05, texts


def test_benchmarks_name_the_threads_the_model_runs_on():
    cpu = ModelInfo("tiny.en", "/m", "test", None, "cpu", "int8", False, threads=(2, 1))
    gpu = ModelInfo("tiny.en", "/m", "test", None, "cuda", "int8_float16", False)
    assert cpu.describe() == "tiny.en int8 on cpu (2 encoder threads, 1 decoder thread)"
    assert gpu.describe() == "tiny.en int8_float16 on cuda"


def test_the_cli_passes_both_thread_counts_and_refuses_a_negative_one(monkeypatch):
    import argparse

    from app.commands import common
    from tests.app.fakes import FAKE_MODEL

    parser = argparse.ArgumentParser()
    common.add_model_args(parser)
    with pytest.raises(common.UserError, match="cannot be negative"):
        common.load_from_args(parser.parse_args(["--decoder-threads", "-1"]))
    seen: dict = {}
    monkeypatch.setattr(common, "load_model", lambda *args, **kwargs: seen.update(kwargs) or FAKE_MODEL)
    common.load_from_args(parser.parse_args(["--cpu-threads", "3", "--decoder-threads", "0"]))
    assert (seen["cpu_threads"], seen["decoder_threads"]) == (3, 0)
    common.load_from_args(parser.parse_args([]))
    assert (seen["cpu_threads"], seen["decoder_threads"]) == (0, None)  # None: auto_decoder_threads
