"""Skew: the LibriSpeech speech re-encoded at 8-96 kHz, mono and stereo, as wav/flac/mp3/ogg, comes out of
`transcribe_file` as the same 16 kHz speech (no rate, pitch, length or channel error) with the same WER.

Two kinds of check, because they fail for different reasons:
- The signal (what the pipeline controls, deterministic on any CPU): each variant decodes to the
  original's length to 1 ms and matches its waveform in band (SNR). A wrong rate, a dropped block or a
  dropped channel fails here first. The "split" layout puts every other utterance on the right channel
  only, so a pipeline that keeps one channel loses half the speech.
- The words (model noise included): tiny.en int8 flips a word or two on inaudible sample changes, and
  which words flip depends on the CPU (int8 kernels differ between AMD and Intel). So the yardstick is
  not the one 16 kHz original but a noise floor measured in the same run on the same CPU: the original
  and copies of it with an inaudible -60 dBFS noise floor, pooled. Each rate's WER, pooled over its
  encodings, must stay within a bound of that floor set from measurements on both CPU vendors (see
  MAX_WER_DRIFT). A lost channel or lost speech still costs tens of points.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.services.file_jobs import transcribe_file
from app.services.wer import corpus_wer
from audio.constants import SAMPLE_RATE
from audio.convert import device_rate
from audio.decode import decode_to_contract
from inference.options import TranscribeOptions
from tests.media import read_native, write_audio

pytestmark = pytest.mark.slow

RATES = (8000, 22050, 44100, 48000, 96000)
LAYOUTS = ("mono", "stereo")
FORMATS = ("wav", "flac", "mp3", "ogg")
SPLIT_FORMATS = ("flac", "mp3")  # the split layout, lossless and lossy (mp3 joint stereo mixes channels)
LOSSLESS = ("wav", "flac")
RIGHT_GAIN = 0.6  # stereo: the right channel is quieter, so the downmix really averages
GAP_S = 0.5
FLOOR_COPIES = 3  # noisy copies of the original pooled with it into the noise floor
FLOOR_NOISE_DBFS = -60.0  # a quiet room's noise: inaudible under speech, enough to flip tiny.en's words
# WER bounds against the noise floor, pooled per rate (179 reference words: one word is 0.56 points).
# Measured per variant, 16 kHz original vs re-encoded 22.05-96 kHz: AMD EPYC original 3.35%, variants
# 2.79-4.47%; Intel Xeon original 2.23%, variants 2.79-3.91% (pooled up to +1.26 points over the
# original there, which failed the old 1-point bound against the original alone). 2 points is about
# 3.6 words per variant on average; dropping one channel of the split layout costs about 50 points.
MAX_WER_DRIFT = 0.02
# 8 kHz keeps only 0-4 kHz of the speech and the model does measurably worse on it: pooled 5.10% against
# the original's 3.35% on AMD (+1.75 points). That rate gets its own, stated bound.
MAX_WER_DRIFT_8K = 0.04
OPTIONS = TranscribeOptions(beam_size=5, vad_filter=False, word_timestamps=False)

Variant = tuple[int, str, str]  # (rate, layout, format)


def _variants(rate: int) -> list[Variant]:
    """All layout/format encodings at one rate (MP3 has no rate above 48 kHz)."""
    encodings = [(layout, fmt) for layout in LAYOUTS for fmt in FORMATS] + [("split", fmt) for fmt in SPLIT_FORMATS]
    return [(rate, layout, fmt) for layout, fmt in encodings if not (fmt == "mp3" and rate > 48000)]


@pytest.fixture(scope="module")
def speech(manifest) -> tuple[np.ndarray, str, np.ndarray]:
    """All LibriSpeech rows joined into one 16 kHz mono signal, the joined reference, and per sample
    whether it belongs to an odd-numbered utterance (the split layout's right channel)."""
    rows = [row for row in manifest if row.is_librispeech]
    assert len(rows) == 7
    gap = np.zeros(round(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts, right = [], []
    for index, row in enumerate(rows):
        samples, rate = read_native(row.path)
        assert (rate, samples.shape[1]) == (SAMPLE_RATE, 1)
        parts += [samples[:, 0], gap]
        right += [np.full(samples.shape[0], index % 2 == 1), np.zeros(gap.size, dtype=bool)]
    return np.concatenate(parts), " ".join(row.reference for row in rows), np.concatenate(right)


def _layout(native: np.ndarray, layout: str, right: np.ndarray) -> np.ndarray:
    """Mono speech as (frames, channels) in one of the layouts."""
    if layout == "mono":
        return native
    if layout == "stereo":
        return np.stack([native, RIGHT_GAIN * native], axis=1)
    silent = np.zeros_like(native)
    return np.stack([np.where(right, silent, native), np.where(right, native, silent)], axis=1)


def _downmix_gain(layout: str) -> float:
    """What averaging the channels does to the speech's level in each layout."""
    return {"mono": 1.0, "stereo": (1 + RIGHT_GAIN) / 2, "split": 0.5}[layout]


@pytest.fixture(scope="module")
def make_variant(speech, tmp_path_factory):
    """Writes (rate, layout, format) of the joined speech once; the rate change is audio.convert.device_rate."""
    folder = tmp_path_factory.mktemp("skew")
    made: dict[Variant, Path] = {}

    def make(rate: int, layout: str, fmt: str) -> Path:
        key = (rate, layout, fmt)
        if key not in made:
            native = np.asarray(device_rate(speech[0], SAMPLE_RATE, rate), dtype=np.float32)
            right = device_rate(speech[2].astype(np.float32), SAMPLE_RATE, rate) > 0.5
            made[key] = write_audio(folder / f"speech_{rate}_{layout}.{fmt}", _layout(native, layout, right), rate)
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
    signal = audio.samples[:n] / _downmix_gain(layout)
    top_hz = 3500 if rate == 8000 else 7000  # below each variant's own band edge
    snr = _in_band_snr_db(original[:n], signal, top_hz)
    assert snr > (40 if fmt in LOSSLESS else 10), f"{rate} Hz {layout} {fmt}: in-band SNR {snr:.1f} dB"


@pytest.fixture(scope="module")
def transcribed(tiny_model):
    """Text of each file through transcribe_file, cached: every file is transcribed once per run."""
    texts: dict[Path, str] = {}

    def text(path: Path) -> str:
        if path not in texts:
            texts[path] = transcribe_file(path, tiny_model, OPTIONS).transcript.text
        return texts[path]

    return text


@pytest.fixture(scope="module")
def noise_floor(speech, transcribed, tmp_path_factory) -> tuple[float, list[float]]:
    """Pooled WER of the 16 kHz original and FLOOR_COPIES copies with a -60 dBFS noise floor
    (this CPU's model noise on inaudible changes), and each of their WERs."""
    folder = tmp_path_factory.mktemp("floor")
    original, reference = speech[0], speech[1]
    noise_rms = 10 ** (FLOOR_NOISE_DBFS / 20)
    paths = [write_audio(folder / "original.wav", original, SAMPLE_RATE)]
    for seed in range(FLOOR_COPIES):
        noise = np.random.default_rng(seed).normal(0.0, noise_rms, original.size).astype(np.float32)
        paths.append(write_audio(folder / f"noisy_{seed}.wav", original + noise, SAMPLE_RATE))
    texts = [transcribed(path) for path in paths]
    return corpus_wer([reference] * len(texts), texts), [corpus_wer([reference], [t]) for t in texts]


@pytest.mark.model
@pytest.mark.parametrize("rate", RATES)
def test_reencoded_rate_keeps_its_wer(rate, speech, make_variant, transcribed, noise_floor, record_property):
    """Pooled over its layouts and encodings, WER at this rate is within 2 points of the noise floor
    (4 at 8 kHz), and no single variant lost a channel's worth of words."""
    reference = speech[1]
    variants = _variants(rate)
    texts = [transcribed(make_variant(*variant)) for variant in variants]
    per_variant = {
        f"{r}/{lay}/{f}": round(corpus_wer([reference], [t]), 4) for (r, lay, f), t in zip(variants, texts, strict=True)
    }
    rate_wer = corpus_wer([reference] * len(texts), texts)
    floor, floor_each = noise_floor
    record_property("wer", {"rate": rate, "pooled": round(rate_wer, 4), "floor": round(floor, 4), **per_variant})
    print(f"\n{rate} Hz: pooled {rate_wer:.4f}, floor {floor:.4f} {[round(w, 4) for w in floor_each]}; {per_variant}")
    limit = MAX_WER_DRIFT_8K if rate == 8000 else MAX_WER_DRIFT
    assert abs(rate_wer - floor) <= limit, f"{rate} Hz: {rate_wer:.4f} vs floor {floor:.4f}; {per_variant}"
    worst = max(per_variant.values())
    assert worst <= max(floor_each) + 2 * limit, f"{rate} Hz: a variant lost words: {per_variant}"
