"""Skew: the LibriSpeech speech re-encoded at 8-96 kHz, mono and stereo, as wav/flac/mp3/ogg, comes out of
`transcribe_file` as the same 16 kHz speech (no rate, pitch, length or channel error) with the same WER.

The seven utterances are joined (0.5 s apart) into one 16 kHz recording, so each variant is one file.
On this 179-word text one word is 0.56 WER points, and Whisper flips a word for inaudible sample
differences (greedy decoding flipped two on a lossless 22.05 kHz round trip; beam search is steadier).
So the signal is checked strictly per variant (length, in-band SNR), and WER uses the file default
beam search (VAD and word timestamps off for speed, same on both sides), pooled per rate over its
encodings and compared with the 16 kHz original.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.bench.wer import corpus_wer
from app.file_jobs import transcribe_file
from audio.constants import SAMPLE_RATE
from audio.convert import device_rate
from audio.decode import decode_to_contract
from inference.options import TranscribeOptions
from tests.media import read_native, write_audio

pytestmark = pytest.mark.slow

RATES = (8000, 22050, 44100, 48000, 96000)
LAYOUTS = ("mono", "stereo")
FORMATS = ("wav", "flac", "mp3", "ogg")
LOSSLESS = ("wav", "flac")
RIGHT_GAIN = 0.6  # the right channel is quieter, so the downmix really averages
GAP_S = 0.5
MAX_WER_DRIFT = 0.01  # one WER point
# 8 kHz keeps only 0-4 kHz of the speech and the model does measurably worse on it: pooled WER measured
# 5.10% against the original's 3.35% (+1.75 points). That rate gets its own, stated bound instead of
# a silently loosened one; every other rate measured within 0.5 points.
MAX_WER_DRIFT_8K = 0.03
OPTIONS = TranscribeOptions(beam_size=5, vad_filter=False, word_timestamps=False)


def _variants(rate: int) -> list[tuple[int, str, str]]:
    """All layout/format encodings at one rate (MP3 has no rate above 48 kHz)."""
    return [(rate, layout, fmt) for layout in LAYOUTS for fmt in FORMATS if not (fmt == "mp3" and rate > 48000)]


@pytest.fixture(scope="module")
def speech(manifest) -> tuple[np.ndarray, str]:
    """All LibriSpeech rows joined into one 16 kHz mono signal, and the joined reference."""
    rows = [row for row in manifest if row.is_librispeech]
    assert len(rows) == 7
    gap = np.zeros(round(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts = []
    for row in rows:
        samples, rate = read_native(row.path)
        assert (rate, samples.shape[1]) == (SAMPLE_RATE, 1)
        parts += [samples[:, 0], gap]
    return np.concatenate(parts), " ".join(row.reference for row in rows)


@pytest.fixture(scope="module")
def make_variant(speech, tmp_path_factory):
    """Writes (rate, layout, format) of the joined speech once; the rate change is audio.convert.device_rate."""
    folder = tmp_path_factory.mktemp("skew")
    made: dict[tuple[int, str, str], Path] = {}

    def make(rate: int, layout: str, fmt: str) -> Path:
        key = (rate, layout, fmt)
        if key not in made:
            native = device_rate(speech[0], SAMPLE_RATE, rate)
            native = np.asarray(native, dtype=np.float32)
            if layout == "stereo":
                native = np.stack([native, RIGHT_GAIN * native], axis=1)
            made[key] = write_audio(folder / f"speech_{rate}_{layout}.{fmt}", native, rate)
        return made[key]

    return make


def _in_band_snr_db(reference: np.ndarray, signal: np.ndarray, top_hz: float) -> float:
    """SNR of `signal` against `reference` over 50 Hz..top_hz (both 16 kHz, same length)."""
    freqs = np.fft.rfftfreq(reference.size, 1 / SAMPLE_RATE)
    band = (freqs > 50) & (freqs < top_hz)
    ref, sig = np.fft.rfft(reference)[band], np.fft.rfft(signal)[band]
    return float(10 * np.log10(np.sum(np.abs(ref) ** 2) / np.sum(np.abs(sig - ref) ** 2)))


@pytest.mark.parametrize(("rate", "layout", "fmt"), [v for rate in RATES for v in _variants(rate)])
def test_variant_decodes_to_the_original_speech(rate, layout, fmt, speech, make_variant):
    """Native format as written; same length to 1 ms; the waveform matches the original in band."""
    audio, native = decode_to_contract(make_variant(rate, layout, fmt))
    assert (native.sample_rate, native.channels) == (rate, 1 if layout == "mono" else 2)
    original = speech[0]
    assert abs(audio.samples.size - original.size) <= SAMPLE_RATE // 1000
    n = min(audio.samples.size, original.size)
    signal = audio.samples[:n] / ((1 + RIGHT_GAIN) / 2 if layout == "stereo" else 1.0)
    top_hz = 3500 if rate == 8000 else 7000  # below each variant's own band edge
    snr = _in_band_snr_db(original[:n], signal, top_hz)
    assert snr > (40 if fmt in LOSSLESS else 10), f"{rate} Hz {layout} {fmt}: in-band SNR {snr:.1f} dB"


@pytest.fixture(scope="module")
def pooled_wer(speech, make_variant, tiny_model):
    """Corpus WER of a list of variants transcribed through transcribe_file; per-variant WERs kept."""
    reference = speech[1]
    per_variant: dict[tuple[int, str, str], float] = {}

    def score(variants: list[tuple[int, str, str]]) -> float:
        texts = []
        for variant in variants:
            text = transcribe_file(make_variant(*variant), tiny_model, OPTIONS).transcript.text
            per_variant[variant] = corpus_wer([reference], [text])
            texts.append(text)
        return corpus_wer([reference] * len(texts), texts)

    score.per_variant = per_variant
    return score


@pytest.fixture(scope="module")
def original_wer(pooled_wer) -> float:
    """WER of the 16 kHz original (the joined utterances as a 16-bit mono WAV)."""
    return pooled_wer([(SAMPLE_RATE, "mono", "wav")])


@pytest.mark.model
@pytest.mark.parametrize("rate", RATES)
def test_reencoded_rate_keeps_its_wer(rate, pooled_wer, original_wer, record_property):
    """Pooled over mono/stereo x wav/flac/mp3/ogg, WER at this rate is within 1 point of 16 kHz (3 at 8 kHz)."""
    variants = _variants(rate)
    rate_wer = pooled_wer(variants)
    table = {f"{r}/{layout}/{fmt}": round(pooled_wer.per_variant[(r, layout, fmt)], 4) for r, layout, fmt in variants}
    record_property("wer", {"rate": rate, "pooled": round(rate_wer, 4), "original": round(original_wer, 4), **table})
    limit = MAX_WER_DRIFT_8K if rate == 8000 else MAX_WER_DRIFT
    assert abs(rate_wer - original_wer) <= limit, f"{rate} Hz: {rate_wer:.4f} vs 16 kHz {original_wer:.4f}; {table}"
