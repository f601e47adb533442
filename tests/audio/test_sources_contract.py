"""The live path's 16 kHz samples equal the file path's, bit for bit, for any device block size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audio.convert import device_rate
from audio.decode import decode_to_contract
from audio.file_source import FileSource
from audio.sources import ContractStream
from tests.media import read_native, write_audio


@pytest.fixture(scope="module")
def device_like_files(tmp_path_factory: pytest.TempPathFactory, utterance) -> list[tuple[Path, np.ndarray]]:
    """Real speech at device-like formats, with the file path's samples for each: 44.1 kHz stereo FLAC
    (from jfk.flac), 48 kHz stereo WAV and M4A (from LibriSpeech), and 22.05 kHz mono MP3 (as shared)."""
    folder = tmp_path_factory.mktemp("device_like")
    jfk, jfk_rate = read_native(utterance("jfk.flac").path)
    speech, rate = read_native(utterance("librispeech_test-clean_1089-134686-0001.flac").path)
    at_48k = device_rate(speech[:, 0].astype(np.float64), rate, 48000).astype(np.float32)
    stereo = np.stack([at_48k, 0.8 * at_48k], axis=1)
    paths = [
        write_audio(folder / "jfk_start.flac", jfk[: 3 * jfk_rate], jfk_rate),
        write_audio(folder / "speech_48k_stereo.wav", stereo, 48000),
        write_audio(folder / "speech_48k_stereo.m4a", stereo, 48000),
        utterance("ljspeech_LJ001-0008.wav").path,
    ]
    return [(path, decode_to_contract(path)[0].samples) for path in paths]


def live_path_samples(path: Path, block_frames: int) -> np.ndarray:
    """What a live session feeds its transcriber from a replayed file."""
    source = FileSource(path, block_frames=block_frames, realtime=False)
    stream = ContractStream(source.sample_rate, source.channels)
    parts = [stream.feed(block).samples for block in source.blocks()]
    parts.append(stream.flush().samples)
    return np.concatenate(parts)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    index=st.integers(0, 3),
    block_frames=st.one_of(st.sampled_from([7, 256, 441, 480, 512, 882, 960, 1024, 4096]), st.integers(16, 20000)),
)
def test_live_path_equals_file_path_bit_for_bit(device_like_files, index, block_frames):
    """A file replayed in blocks of any size through ContractStream gives decode_to_contract's exact samples."""
    path, expected = device_like_files[index]
    got = live_path_samples(path, block_frames)
    assert got.dtype == expected.dtype == np.float32
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)


def test_single_frame_blocks_give_the_same_bits(device_like_files):
    """The extreme case, one frame per block, still matches the file path exactly."""
    path, expected = device_like_files[3]
    assert np.array_equal(live_path_samples(path, 1), expected)


def test_contract_chunks_carry_capture_time_and_audio_end(device_like_files):
    """Each chunk is stamped with its block's capture time (minus the resampler lag) and its audio end."""
    source = FileSource(device_like_files[0][0], block_frames=441, realtime=False)
    stream = ContractStream(source.sample_rate, source.channels)
    ends = []
    for block in source.blocks():
        chunk = stream.feed(block)
        assert chunk.captured_at <= block.captured_at
        assert block.captured_at - chunk.captured_at < 0.05  # lag of a few milliseconds at most
        ends.append(chunk.audio_end)
    assert ends == sorted(ends)
    assert stream.flush().audio_end == pytest.approx(3.0, abs=0.01)
