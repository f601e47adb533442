"""FileSource replays a file like a device: native format, device-sized blocks, real-time pacing, close()."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from audio.errors import DecodeError
from audio.file_source import FileSource, rechunk
from audio.sources import AudioSource, CapturedBlock, level_dbfs
from tests.media import read_native, sine, write_audio


def test_blocks_keep_native_rate_channels_and_samples(utterance):
    """jfk.flac replays at 44.1 kHz stereo in 882-frame blocks holding exactly the decoded samples."""
    path = utterance("jfk.flac").path
    source = FileSource(path, realtime=False)
    assert isinstance(source, AudioSource)
    assert (source.sample_rate, source.channels, source.block_frames) == (44100, 2, 882)
    blocks = list(source.blocks())
    assert all(isinstance(b, CapturedBlock) and b.data.dtype == np.float32 for b in blocks)
    assert all(b.data.shape == (882, 2) for b in blocks[:-1])
    assert 0 < blocks[-1].frames <= 882
    native, _ = read_native(path)
    assert np.array_equal(np.concatenate([b.data for b in blocks]), native)
    assert not any(b.overflow for b in blocks)


def test_rechunk_any_sizes_into_fixed_blocks():
    """Decoder frames of uneven sizes are re-cut into equal blocks without losing a sample."""
    data = np.arange(1000, dtype=np.float32).reshape(-1, 2)
    pieces = [data[:3], data[3:250], data[250:251], data[251:]]
    out = list(rechunk(iter(pieces), 64))
    assert [len(b) for b in out] == [64] * 7 + [52]
    assert np.array_equal(np.concatenate(out), data)


@pytest.mark.realtime
def test_realtime_pacing_follows_the_audio_clock(tmp_path):
    """Blocks are handed over no earlier than their audio time, and stamped with it."""
    path = write_audio(tmp_path / "tone.wav", sine(440, 1.0, 16000), 16000)
    source = FileSource(path, block_frames=1600, realtime=True)
    started = time.time()
    arrivals = []
    stamps = []
    for block in source.blocks():
        arrivals.append(time.time())
        stamps.append(block.captured_at)
    assert len(stamps) == 10
    assert np.allclose(np.diff(stamps), 0.1, atol=1e-6)
    assert all(arrived >= stamp - 0.005 for arrived, stamp in zip(arrivals, stamps, strict=True))
    assert stamps[-1] - started == pytest.approx(1.0, abs=0.05)


@pytest.mark.realtime
def test_close_from_another_thread_ends_a_paced_replay(utterance):
    """close() wakes a paced wait at once: a 11 s file stops right after the first block."""
    source = FileSource(utterance("jfk.flac").path, block_frames=44100, realtime=True)
    got: list[CapturedBlock] = []
    first = threading.Event()

    def consume() -> None:
        for block in source.blocks():
            got.append(block)
            first.set()

    worker = threading.Thread(target=consume)
    worker.start()
    assert first.wait(5.0)
    source.close()
    worker.join(timeout=2.0)
    assert not worker.is_alive()
    assert len(got) <= 2


def test_unreadable_file_is_a_one_line_error_naming_it(tmp_path):
    """A missing or non-audio file fails at construction with the path and the reason."""
    with pytest.raises(DecodeError, match=r"nope\.wav: no such file"):
        FileSource(tmp_path / "nope.wav")
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not audio at all" * 10)
    with pytest.raises(DecodeError, match=r"junk\.wav: not a readable audio"):
        FileSource(junk)


def test_level_dbfs_of_full_scale_and_silence():
    """A full-scale square wave is 0 dBFS; digital silence is the floor."""
    square = np.tile(np.array([[1.0], [-1.0]], dtype=np.float32), (100, 1))
    assert level_dbfs(square) == pytest.approx((0.0, 0.0))
    assert level_dbfs(np.zeros((64, 2), dtype=np.float32)) == (-120.0, -120.0)
    rms, peak = level_dbfs(0.5 * square)
    assert rms == pytest.approx(-6.02, abs=0.01) and peak == pytest.approx(-6.02, abs=0.01)
