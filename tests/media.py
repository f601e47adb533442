"""Helpers that craft audio and video files inside tests (tmp_path): encoded speech, hand-made WAV
headers, video with and without sound. Test-side only: product code never encodes."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from audio.decode import iter_native_blocks

BLOCK_FRAMES = 4096  # frames per encoded block

# Encoder per file suffix (.ogg is written by sox, whose libvorbis takes any rate and layout).
_ENCODERS = {".wav": "pcm_s16le", ".flac": "flac", ".mp3": "libmp3lame", ".m4a": "aac", ".mp4": "aac"}
MP3_BIT_RATE = 64000  # b/s, valid from 8 kHz (MPEG-2.5) to 48 kHz (MPEG-1)
WAVE_FORMAT_PCM = 1
WAVE_FORMAT_IEEE_FLOAT = 3


def read_native(path: Path) -> tuple[np.ndarray, int]:
    """A whole (short) file at its native rate as (frames, channels) float32, and that rate."""
    rate, blocks = 0, []
    for fmt, block in iter_native_blocks(path):
        rate = fmt.sample_rate
        blocks.append(block)
    return np.concatenate(blocks), rate


def as_frames(samples: np.ndarray) -> np.ndarray:
    """(frames, channels) float32 from 1-D mono or 2-D samples."""
    samples = np.asarray(samples, dtype=np.float32)
    return samples.reshape(-1, 1) if samples.ndim == 1 else samples


def _layout(channels: int) -> str:
    return {1: "mono", 2: "stereo", 6: "5.1", 8: "octagonal"}.get(channels, f"{channels}c")


def _timed_frames(blocks: Iterable[np.ndarray], rate: int) -> Iterator[av.AudioFrame]:
    """Packed float frames with timestamps, so muxers can trim encoder priming (AAC edit lists).

    Packed, because PyAV 18 cannot build a planar frame of 8 channels.
    """
    position = 0
    for block in blocks:
        frames = as_frames(block)
        frame = av.AudioFrame.from_ndarray(frames.reshape(1, -1), format="flt", layout=_layout(frames.shape[1]))
        frame.sample_rate = rate
        frame.pts, frame.time_base = position, Fraction(1, rate)
        position += len(frames)
        yield frame


def _blocks(frames: np.ndarray) -> Iterator[np.ndarray]:
    return (frames[i : i + BLOCK_FRAMES] for i in range(0, len(frames), BLOCK_FRAMES))


def encode_blocks(path: Path, blocks: Iterable[np.ndarray], rate: int, channels: int, codec: str | None = None) -> Path:
    """Encode (frames, channels) float32 blocks to `path`; the encoder follows the suffix."""
    codec = codec or _ENCODERS[path.suffix]
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=_layout(channels))
        if codec == "libmp3lame":
            stream.bit_rate = MP3_BIT_RATE  # LAME's own default at 8 kHz mono is 8 kb/s, unusable for speech
        for frame in _timed_frames(blocks, rate):
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def write_audio(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write samples (1-D mono or (frames, channels)) as wav/flac/mp3/m4a with PyAV, or ogg with sox."""
    frames = as_frames(samples)
    if path.suffix == ".ogg":
        if shutil.which("sox") is None:
            raise RuntimeError("sox is needed to write .ogg test files (apt-get install sox)")
        wav = write_audio(path.with_suffix(".src.wav"), frames, rate)
        subprocess.run(["sox", str(wav), str(path)], check=True, capture_output=True)
        wav.unlink()
        return path
    return encode_blocks(path, _blocks(frames), rate, frames.shape[1])


def write_wav(path: Path, data: bytes, rate: int, channels: int, bits: int, format_tag: int = WAVE_FORMAT_PCM) -> Path:
    """A RIFF/WAVE file written byte by byte, so the header may say anything (1 Hz, 1 MHz, 0 frames)."""
    block_align = channels * bits // 8
    fmt_chunk = struct.pack("<HHIIHH", format_tag, channels, rate, rate * block_align, block_align, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk + b"data" + struct.pack("<I", len(data))
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body) + len(data)) + body + data)
    return path


def write_video(path: Path, seconds: float, audio: tuple[np.ndarray, int] | None = None) -> Path:
    """An mp4 with a small mpeg4 video stream and, when `audio` = (samples, rate) is given, an aac stream."""
    fps = 10
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=fps)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sound = None
        if audio is not None:
            samples, rate = as_frames(audio[0]), audio[1]
            sound = out.add_stream("aac", rate=rate, layout=_layout(samples.shape[1]))
        for index in range(round(seconds * fps)):
            picture = np.full((48, 64, 3), (index * 25) % 256, dtype=np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if sound is not None:
            for frame in _timed_frames(_blocks(samples), rate):
                for packet in sound.encode(frame):
                    out.mux(packet)
            for packet in sound.encode(None):
                out.mux(packet)
    return path


def sine(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    """A float32 mono sine wave."""
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)
