"""A file cut short is found from the length its header declares (FFmpeg alone reports a cut WAV's own
length); whole files, and files whose length FFmpeg only estimates, are never called cut."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest

from audio.constants import SAMPLE_RATE
from audio.decode import decode_to_contract
from audio.truncation import declares_length, truncation_problem, wav_missing_s
from tests.media import MP3_BIT_RATE, sine, write_wav

WAV = "librispeech_test-clean_1995-1837-0001.wav"  # 8.73 s, 16 kHz int16
MP3 = "ljspeech_LJ001-0005.mp3"  # 8.11 s, with a LAME Info tag


def _cut(source: Path, keep: float, path: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def _mp3_without_length_tag(path: Path, seconds: float) -> Path:
    """An MP3 with no Xing/Info frame: FFmpeg can only estimate its length from the bit rate."""
    samples = sine(300, seconds, SAMPLE_RATE)
    with av.open(str(path), "w", options={"write_xing": "0"}) as out:
        stream = out.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = MP3_BIT_RATE
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate, frame.pts = SAMPLE_RATE, 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


def test_a_cut_wav_is_found_to_the_sample(tmp_path, audio_dir):
    """A third of a 16-bit WAV: what is missing is exactly the declared data the file does not hold."""
    source = audio_dir / WAV
    cut = _cut(source, 1 / 3, tmp_path / "cut.wav")
    header = source.read_bytes()[:44]
    assert header[36:40] == b"data"  # a plain 44-byte header, so the arithmetic below is the file's
    declared_bytes = struct.unpack("<I", header[40:44])[0]
    held_bytes = cut.stat().st_size - 44
    _, native = decode_to_contract(cut)
    assert native.duration_s == pytest.approx(held_bytes / 2 / SAMPLE_RATE)  # FFmpeg: the cut length
    assert native.missing_s == pytest.approx((declared_bytes - held_bytes) / 2 / SAMPLE_RATE)
    assert native.unreliable
    assert native.problems == [
        f"truncated: its header says 8.7 s of audio but the file ends after {held_bytes / 2 / SAMPLE_RATE:.1f} s "
        "(only that part is transcribed)"
    ]


def test_a_cut_mp3_with_a_length_tag_is_found(tmp_path, audio_dir):
    """The Info frame's frame count gives the length: half the file is missing about half of 8.1 s."""
    cut = _cut(audio_dir / MP3, 0.5, tmp_path / "cut.mp3")
    _, native = decode_to_contract(cut)
    assert native.duration_s == pytest.approx(8.11, abs=0.01)
    assert native.missing_s == pytest.approx(8.11 - native.decoded_s, abs=0.01)
    assert 3.0 < native.missing_s < 5.0 and native.unreliable


@pytest.mark.parametrize("name", [WAV, MP3, "jfk.flac", "long_gwbush_radio_address_2008-11-01.wav"])
def test_whole_files_are_not_called_cut(name, audio_dir):
    _, native = decode_to_contract(audio_dir / name)
    assert native.missing_s is None and native.problems == [] and not native.unreliable


def test_an_estimated_length_never_counts(tmp_path):
    """Without a length tag FFmpeg estimates an MP3's length from its size, whole or cut: neither is called
    cut (nothing can tell them apart), and no estimate is taken for a declared length."""
    whole = _mp3_without_length_tag(tmp_path / "whole.mp3", 6.0)
    cut = _cut(whole, 0.5, tmp_path / "cut.mp3")
    assert not declares_length(whole, "mp3")
    for path in (whole, cut):
        assert decode_to_contract(path)[1].missing_s is None


def test_wav_headers_that_do_not_declare_a_length(tmp_path):
    """A recorder's placeholder size (0 or 0xFFFFFFFF) and a file that is not RIFF say nothing."""
    data = (sine(440, 1.0, SAMPLE_RATE) * 32767).astype(np.int16).tobytes()
    path = write_wav(tmp_path / "streamed.wav", data, SAMPLE_RATE, 1, 16)
    raw = bytearray(path.read_bytes())
    for placeholder in (0xFFFFFFFF, 0):
        raw[40:44] = struct.pack("<I", placeholder)
        path.write_bytes(bytes(raw))
        assert wav_missing_s(path) is None
    (tmp_path / "notes.wav").write_bytes(b"not a wave file at all")
    assert wav_missing_s(tmp_path / "notes.wav") is None


def test_a_cut_wav_with_an_odd_chunk_before_its_data(tmp_path):
    """Chunks before `data` (LIST, fact) are skipped by size, odd sizes padded, as RIFF says."""
    data = (sine(440, 2.0, SAMPLE_RATE) * 32767).astype(np.int16).tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, SAMPLE_RATE, 2 * SAMPLE_RATE, 2, 16)
    extra = b"LIST" + struct.pack("<I", 5) + b"abcde" + b"\0"
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + extra + b"data" + struct.pack("<I", len(data)) + data
    path = tmp_path / "listed.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body[: len(body) - len(data) // 2])
    assert wav_missing_s(path) == pytest.approx(1.0)


def test_truncation_problem_is_one_line():
    assert truncation_problem(None, 3.0) is None
    assert truncation_problem(5.5, 5.5) == (
        "truncated: its header says 11.0 s of audio but the file ends after 5.5 s (only that part is transcribed)"
    )
