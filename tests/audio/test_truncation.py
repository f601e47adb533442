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
from audio.truncation import _after_id3, mp3_declared_s, truncation_problem, wav_declared_s
from tests.media import MP3_BIT_RATE, sine, write_wav

WAV = "librispeech_test-clean_1995-1837-0001.wav"  # 8.73 s, 16 kHz int16
MP3 = "ljspeech_LJ001-0005.mp3"  # 8.11 s, with a LAME Info tag


def _cut(source: Path, keep: float, path: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
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
        f"({native.missing_s:.1f} s missing; the rest is transcribed)"
    ]


def test_a_cut_mp3_with_a_length_tag_is_found(tmp_path, audio_dir):
    """The Info frame's frame count gives the length: half the file is missing about half of 8.1 s."""
    cut = _cut(audio_dir / MP3, 0.5, tmp_path / "cut.mp3")
    _, native = decode_to_contract(cut)
    assert native.duration_s == pytest.approx(8.11, abs=0.01)
    assert native.missing_s == pytest.approx(8.11 - native.decoded_s, abs=0.01)  # LAME's delay and padding taken off
    assert 3.0 < native.missing_s < 5.0 and native.unreliable


@pytest.mark.parametrize("name", [WAV, MP3, "jfk.flac", "long_gwbush_radio_address_2008-11-01.wav"])
def test_whole_files_are_not_called_cut(name, audio_dir):
    _, native = decode_to_contract(audio_dir / name)
    assert native.missing_s is None and native.problems == [] and not native.unreliable


def test_an_estimated_length_never_counts(tmp_path):
    """Without a length tag FFmpeg estimates an MP3's length from its size, whole or cut: neither is called
    cut (nothing can tell them apart), and no estimate is taken for a declared length."""
    whole = _mp3(tmp_path / "whole.mp3", 6.0, length_tag=False)
    cut = _cut(whole, 0.5, tmp_path / "cut.mp3")
    assert mp3_declared_s(whole, SAMPLE_RATE) is None
    for path in (whole, cut):
        assert decode_to_contract(path)[1].missing_s is None


def test_wav_headers_that_do_not_declare_a_length(tmp_path):
    """A recorder's placeholder size (0, 0xFFFFFFFF, sox on a pipe 0x7FFFF000, 0x7FFFFFFF) and a file that is
    not RIFF say nothing."""
    data = (sine(440, 1.0, SAMPLE_RATE) * 32767).astype(np.int16).tobytes()
    path = write_wav(tmp_path / "streamed.wav", data, SAMPLE_RATE, 1, 16)
    raw = bytearray(path.read_bytes())
    assert wav_declared_s(path) == pytest.approx(1.0)
    for placeholder in (0xFFFFFFFF, 0, 0x7FFFF000, 0x7FFFFFFF):
        raw[40:44] = struct.pack("<I", placeholder)
        path.write_bytes(bytes(raw))
        assert wav_declared_s(path) is None
        assert decode_to_contract(path)[1].missing_s is None
    (tmp_path / "notes.wav").write_bytes(b"not a wave file at all")
    assert wav_declared_s(tmp_path / "notes.wav") is None


def test_a_cut_wav_with_an_odd_chunk_before_its_data(tmp_path):
    """Chunks before `data` (LIST, fact) are skipped by size, odd sizes padded, as RIFF says; the length comes
    from the rate and block align (a byte-rate field of half the true one changes nothing)."""
    data = (sine(440, 2.0, SAMPLE_RATE) * 32767).astype(np.int16).tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, SAMPLE_RATE, SAMPLE_RATE, 2, 16)  # byte rate wrong: should be 2 x rate
    extra = b"LIST" + struct.pack("<I", 5) + b"abcde" + b"\0"
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + extra + b"data" + struct.pack("<I", len(data)) + data
    path = tmp_path / "listed.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body[: len(body) - len(data) // 2])
    assert wav_declared_s(path) == pytest.approx(2.0)
    assert decode_to_contract(path)[1].missing_s == pytest.approx(1.0)


def test_truncation_problem_is_one_line():
    assert truncation_problem(None, 3.0) is None
    assert truncation_problem(5.5, 5.5) == (
        "truncated: its header says 11.0 s of audio but the file ends after 5.5 s "
        "(5.5 s missing; the rest is transcribed)"
    )


def _mp3(path: Path, seconds: float, freq: float = 300, length_tag: bool = True) -> Path:
    """An MP3 as FFmpeg writes it: an ID3v2 tag, then a first frame with the Xing/Info frame count (without
    `length_tag`, no such frame: FFmpeg can only estimate the length from the bit rate)."""
    samples = sine(freq, seconds, SAMPLE_RATE)
    with av.open(str(path), "w", options={} if length_tag else {"write_xing": "0"}) as out:
        stream = out.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = MP3_BIT_RATE
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate, frame.pts = SAMPLE_RATE, 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


def test_mp3s_joined_end_to_end_are_not_called_cut(tmp_path):
    """Two MP3s concatenated: the first one's tag declares 4 s of 10 and FFmpeg estimates the length from
    the bit rate; more decoded than declared is not a cut."""
    first, second = _mp3(tmp_path / "a.mp3", 4.0), _mp3(tmp_path / "b.mp3", 6.0, freq=500)
    tail = second.read_bytes()
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(first.read_bytes() + tail[_after_id3(tail) :])
    assert mp3_declared_s(joined, SAMPLE_RATE) == pytest.approx(4.0, abs=0.15)
    _, native = decode_to_contract(joined)
    assert native.decoded_s == pytest.approx(10.0, abs=0.2) and native.missing_s is None


def test_a_cut_mp3_behind_a_second_id3_tag_is_found(tmp_path):
    """A second ID3v2 tag with a 20 KB picture before the frames: the frame count is still found."""
    whole = _mp3(tmp_path / "whole.mp3", 8.0).read_bytes()
    size = 20_000
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    second = b"ID3\x03\x00\x00" + syncsafe + b"\0" * size
    start = _after_id3(whole)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole[:start] + second + whole[start : start + (len(whole) - start) // 2])
    _, native = decode_to_contract(cut)
    assert 3.0 < native.missing_s < 5.0


def _rf64(path: Path, data: bytes, keep: int) -> Path:
    """A 64-bit WAV (EBU RF64): its sizes live in a ds64 chunk, the 32-bit ones are 0xFFFFFFFF."""
    fmt = struct.pack("<HHIIHH", 1, 1, SAMPLE_RATE, 2 * SAMPLE_RATE, 2, 16)
    ds64 = struct.pack("<QQQI", 0, len(data), len(data) // 2, 0)
    body = b"WAVE" + b"ds64" + struct.pack("<I", len(ds64)) + ds64 + b"fmt " + struct.pack("<I", 16) + fmt
    path.write_bytes(b"RF64" + b"\xff" * 4 + body + b"data" + b"\xff" * 4 + data[:keep])
    return path


def test_rf64_and_aiff_lengths_come_from_their_headers(tmp_path):
    """RF64 (its ds64 chunk) and AIFF (its COMM chunk): FFmpeg reads the declared length, whole is whole
    and half is 1 s missing."""
    samples = sine(440, 2.0, SAMPLE_RATE)
    data = (samples * 32767).astype("<i2").tobytes()
    aiff = tmp_path / "a.aiff"
    with av.open(str(aiff), "w", format="aiff") as out:
        stream = out.add_stream("pcm_s16be", rate=SAMPLE_RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            (samples * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate, frame.pts = SAMPLE_RATE, 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    cut_aiff = tmp_path / "cut.aiff"
    cut_aiff.write_bytes(aiff.read_bytes()[: aiff.stat().st_size - len(data) // 2])
    whole = [_rf64(tmp_path / "whole.wav", data, len(data)), aiff]
    for path in whole:
        assert decode_to_contract(path)[1].missing_s is None, path
    for path in (_rf64(tmp_path / "cut.wav", data, len(data) // 2), cut_aiff):
        assert decode_to_contract(path)[1].missing_s == pytest.approx(1.0, abs=0.01), path
