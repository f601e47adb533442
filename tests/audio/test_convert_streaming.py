"""Streaming and one-shot conversion are one implementation: any chunking gives bit-identical samples."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audio.constants import MAX_INPUT_CHANNELS, SAMPLE_RATE
from audio.convert import StreamConverter, convert

RATES = (8000, 11025, SAMPLE_RATE, 22050, 32000, 44100, 48000, 96000, 192000)
DTYPES = (np.int16, np.int32, np.uint8, np.float32, np.float64)


def _signal(frames: int, channels: int, dtype: type, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).uniform(-0.9, 0.9, (frames, channels))
    if np.dtype(dtype).kind == "f":
        return noise.astype(dtype)
    info = np.iinfo(dtype)
    middle = (int(info.max) + int(info.min) + 1) / 2
    return (middle + noise * (info.max - middle)).astype(dtype)


def _split(frames: int, cuts: list[int]) -> list[tuple[int, int]]:
    """Chunk boundaries from arbitrary cut points, keeping empty chunks (repeated cuts)."""
    points = [0, *sorted(min(c, frames) for c in cuts), frames]
    return list(itertools.pairwise(points))


def _streamed(samples: np.ndarray, rate: int, cuts: list[int], flush: bool) -> np.ndarray:
    converter = StreamConverter(rate, samples.shape[1])
    spans = _split(len(samples), cuts)
    parts = []
    for index, (start, end) in enumerate(spans):
        last = not flush and index == len(spans) - 1
        parts.append(converter.process(samples[start:end], last=last))
    if flush:
        parts.append(converter.flush())
    return np.concatenate(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rate=st.sampled_from(RATES),
    channels=st.integers(1, MAX_INPUT_CHANNELS),
    dtype=st.sampled_from(DTYPES),
    frames=st.one_of(st.integers(0, 3), st.integers(0, 6000), st.sampled_from([1023, 1024, 1025, 4096, 44101])),
    cuts=st.lists(st.integers(0, 50000), max_size=12),
    flush=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_any_chunking_matches_one_shot_bit_for_bit(rate, channels, dtype, frames, cuts, flush, seed):
    """Random chunk sizes (odd, empty, edge lengths, many channels) give the exact one-shot samples."""
    samples = _signal(frames, channels, dtype, seed)
    one_shot = convert(samples, rate, channels).samples
    streamed = _streamed(samples, rate, cuts, flush)
    assert streamed.dtype == one_shot.dtype == np.float32
    assert streamed.shape == one_shot.shape
    assert np.array_equal(streamed, one_shot)


@settings(max_examples=40, deadline=None)
@given(chunk=st.integers(1, 5000), rate=st.sampled_from(RATES))
def test_fixed_block_sizes_match_one_shot(chunk, rate):
    """The way devices deliver audio (equal blocks, then a flush) also matches the one-shot result."""
    samples = _signal(rate // 2 + 3, 2, np.int16, chunk)
    cuts = list(range(chunk, len(samples), chunk))
    assert np.array_equal(_streamed(samples, rate, cuts, flush=True), convert(samples, rate).samples)


def test_one_sample_at_a_time_matches_one_shot():
    """The most extreme chunking, one frame per call, still gives identical samples."""
    samples = _signal(2000, 2, np.float32, 1)
    cuts = list(range(1, len(samples)))
    assert np.array_equal(_streamed(samples, 44100, cuts, flush=True), convert(samples, 44100).samples)
