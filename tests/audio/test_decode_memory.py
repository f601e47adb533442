"""Memory: a long 48 kHz stereo file is decoded block by block; only the 16 kHz mono result is held whole.

A 20-minute 48 kHz stereo FLAC is 461 MB of native float32 (230 MB as the int16 FFmpeg gives)
but only 77 MB of contract audio. Streaming the blocks must use a few MB whatever the length, and
a whole decode may hold the contract result once, never the native audio (not even as int16).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.convert import StreamConverter, device_rate
from audio.decode import decode_to_contract, iter_native_blocks
from tests.media import encode_blocks, read_native

pytestmark = pytest.mark.slow

MINUTES = 20
RATE = 48000  # native rate of the long file
CHANNELS = 2
NATIVE_FLOAT32_BYTES = MINUTES * 60 * RATE * CHANNELS * 4
NATIVE_INT16_BYTES = NATIVE_FLOAT32_BYTES // 2
CONTRACT_BYTES = MINUTES * 60 * SAMPLE_RATE * 4
MB = 1 << 20


@pytest.fixture(scope="module")
def long_flac(tmp_path_factory: pytest.TempPathFactory, utterance) -> Path:
    """20 minutes of 48 kHz stereo FLAC: a LibriSpeech utterance repeated, right channel with light noise."""
    speech, rate = read_native(utterance("librispeech_dev-clean_2412-153948-0000.flac").path)
    left = device_rate(speech[:, 0], rate, RATE).astype(np.float32)
    noise = np.random.default_rng(0).normal(0, 0.003, left.size).astype(np.float32)
    loop = np.stack([left, 0.5 * left + noise], axis=1)
    total = MINUTES * 60 * RATE

    def blocks():
        for start in range(0, total, RATE):
            index = np.arange(start, min(start + RATE, total)) % len(loop)
            yield loop[index]

    return encode_blocks(tmp_path_factory.mktemp("long") / "long_48k_stereo.flac", blocks(), RATE, CHANNELS)


def test_streaming_decode_uses_constant_memory(long_flac):
    """Decoding + converting all blocks (output dropped) peaks at a few MB of Python/numpy memory."""
    tracemalloc.start()
    try:
        converter, produced = None, 0
        for fmt, block in iter_native_blocks(long_flac):
            converter = converter or StreamConverter(fmt.sample_rate, fmt.channels)
            produced += converter.process(block).size
        produced += converter.flush().size
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert produced == pytest.approx(MINUTES * 60 * SAMPLE_RATE, abs=2)
    assert peak < 8 * MB, f"streaming peaked at {peak / MB:.1f} MB"


def test_whole_decode_holds_only_contract_audio(long_flac):
    """decode_to_contract peaks at about one 16 kHz result, under half the native audio even as int16."""
    tracemalloc.start()
    try:
        audio, native = decode_to_contract(long_flac)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (native.sample_rate, native.channels) == (RATE, CHANNELS)
    assert audio.samples.nbytes == pytest.approx(CONTRACT_BYTES, abs=16)
    assert peak < 1.1 * CONTRACT_BYTES + 8 * MB, f"peak {peak / MB:.0f} MB"
    assert peak < NATIVE_INT16_BYTES / 2


# ru_maxrss would be wrong here: Linux carries the parent's peak across fork + exec. VmHWM
# belongs to the child's own address space.
_CHILD = """
import json, sys
from audio.decode import decode_to_contract
from audio.convert import device_rate

def peak_kb():
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
    return int(status["VmHWM"].split()[0])

decode_to_contract(sys.argv[2])  # warm-up: load codecs and libraries
before = peak_kb()
audio, _ = decode_to_contract(sys.argv[1])
print(json.dumps({"before_kb": before, "after_kb": peak_kb(), "bytes": audio.samples.nbytes}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc for VmHWM")
def test_whole_decode_peak_rss_in_a_fresh_process(long_flac, utterance):
    """Peak RSS growth of a whole decode (FFmpeg buffers included) stays far below the native audio size."""
    short = utterance("jfk.flac").path
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(long_flac), str(short)], capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout)
    growth = (report["after_kb"] - report["before_kb"]) * 1024
    assert report["bytes"] == pytest.approx(CONTRACT_BYTES, abs=16)
    assert growth < 1.2 * CONTRACT_BYTES + 16 * MB, f"peak RSS grew {growth / MB:.0f} MB"
    assert growth < NATIVE_INT16_BYTES / 2
