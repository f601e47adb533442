"""The whisper_streaming baseline's plumbing without its checkout: finding whisper_online.py, a missing
dependency in one line, and the replay loop (chunks of at least min-chunk, its commits' latency measured
like ours) driven through a stand-in module with whisper_online.py's interface."""

from __future__ import annotations

import types

import numpy as np
import pytest

from app.bench.whisper_streaming import (
    MIN_CHUNK_S,
    TRIMMING,
    WhisperStreamingMissing,
    load_module,
    locate,
    run_session,
)
from audio.file_source import FileSource
from inference.loader import LoadedModel, ModelInfo
from tests.media import write_audio

STAND_IN = """
class FasterWhisperASR:
    sep = ""
    def __init__(self, lan, modelsize=None, cache_dir=None, model_dir=None, logfile=None):
        self.lan = lan
        self.model = self.load_model(modelsize, cache_dir, model_dir)

class OnlineASRProcessor:
    def __init__(self, asr, tokenizer=None, buffer_trimming=("segment", 15), logfile=None):
        self.asr, self.trimming, self.chunks, self.samples = asr, buffer_trimming, [], 0
        INSTANCES.append(self)
    def insert_audio_chunk(self, audio):
        self.chunks.append(audio.size)
        self.samples += audio.size
    def process_iter(self):
        end = self.samples / 16000
        return (end - 1.0, end - 0.5, " word")  # commits a word that ended 0.5 s before the buffer's end
    def finish(self):
        return (None, None, "")

INSTANCES = []
"""


def test_locate_finds_the_file_in_a_checkout_or_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("WHISPERDESK_WHISPER_STREAMING", raising=False)
    assert locate(None) is None
    (tmp_path / "whisper_online.py").write_text(STAND_IN)
    assert locate(str(tmp_path)) == tmp_path / "whisper_online.py"
    monkeypatch.setenv("WHISPERDESK_WHISPER_STREAMING", str(tmp_path))
    assert locate(None) == tmp_path / "whisper_online.py"
    with pytest.raises(WhisperStreamingMissing, match=r"no whisper_online\.py"):
        locate(str(tmp_path / "elsewhere"))


def test_a_missing_dependency_is_one_line(tmp_path):
    path = tmp_path / "whisper_online.py"
    path.write_text("import librosa_that_is_not_installed\n")
    with pytest.raises(WhisperStreamingMissing) as caught:
        load_module(path)
    assert "librosa_that_is_not_installed" in str(caught.value) and ".[bench]" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_replay_feeds_min_chunks_and_measures_commit_latency(tmp_path):
    path = tmp_path / "whisper_online.py"
    path.write_text(STAND_IN)
    module = load_module(path)
    speech = tmp_path / "tone.wav"
    write_audio(speech, (0.1 * np.sin(np.arange(3 * 44100) / 10)).astype(np.float32), 44100)
    weights = types.SimpleNamespace(feature_extractor=None, model=None)  # engine_view copies what the model holds
    loaded = LoadedModel(weights, ModelInfo("stand-in", "-", "test", None, "cpu", "int8", False))  # type: ignore[arg-type]
    done = run_session(module, loaded, FileSource(speech, realtime=True))
    online = module.INSTANCES[-1]
    assert online.trimming == TRIMMING and online.asr.lan == "en"
    assert all(size >= MIN_CHUNK_S * 16000 for size in online.chunks[:-1])  # the last one is what was left
    assert sum(online.chunks) == pytest.approx(3 * 16000, abs=400)  # every converted sample, at 16 kHz
    assert done.text == " ".join(["word"] * len(online.chunks))  # its words carry their own leading spaces
    assert len(done.commits) == len(online.chunks)
    assert all(latency >= 0.45 for _, _, latency in done.commits)  # the word ended 0.5 s before the buffer end
    assert all(end - start == pytest.approx(0.5) for start, end, _ in done.commits)  # its span, as it said
    assert done.audio_s == pytest.approx(3.0, abs=0.05)
