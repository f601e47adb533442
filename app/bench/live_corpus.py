"""Session-length test audio made from the shared speech set: utterances in a row with pauses,
at a device-like native format (44.1 kHz stereo by default), with the reference text of each.

Used by the simulated-live tests and `whisperdesk bench live`. The rate change prepares test
input (like recording it on a device, audio.convert.device_rate); it is not the pipeline under test.
"""

from __future__ import annotations

import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.bench.dataset import Utterance
from audio.convert import device_rate
from audio.decode import iter_native_blocks

NOISE_DBFS = -60.0  # a quiet noise floor, as a real room and microphone have


@dataclass(frozen=True)
class CorpusPart:
    """One utterance inside the session file: where it starts and ends, and what was said."""

    name: str
    start_s: float
    end_s: float
    reference: str


@dataclass(frozen=True)
class SessionCorpus:
    """A written session file and its parts in order."""

    path: Path
    sample_rate: int
    channels: int
    parts: tuple[CorpusPart, ...]

    @property
    def duration_s(self) -> float:
        return self.parts[-1].end_s if self.parts else 0.0

    @property
    def reference(self) -> str:
        return " ".join(p.reference for p in self.parts)


def _native_mono(path: Path, rate: int) -> np.ndarray:
    """A file's audio at `rate`, channels averaged (test preparation only)."""
    blocks = []
    native_rate = rate
    for fmt, block in iter_native_blocks(path):
        native_rate = fmt.sample_rate
        blocks.append(block.mean(axis=1))
    mono = np.concatenate(blocks).astype(np.float64)
    return device_rate(mono, native_rate, rate)


def build_session(
    utterances: Sequence[Utterance],
    target: Path,
    sample_rate: int = 44100,
    channels: int = 2,
    gap_s: float = 1.0,
    seed: int = 0,
) -> SessionCorpus:
    """Write the utterances with `gap_s` pauses (and one before the first) as 16-bit WAV at `sample_rate`.

    Written piece by piece, so a 20-minute session never sits in memory whole.
    """
    rng = np.random.default_rng(seed)
    gap = np.zeros(round(gap_s * sample_rate))
    cache: dict[Path, np.ndarray] = {}
    parts: list[CorpusPart] = []
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        position = 0

        def write(mono: np.ndarray) -> None:
            noisy = mono + rng.normal(0.0, 10 ** (NOISE_DBFS / 20), mono.size)
            # Channels differ slightly in gain, as two microphone capsules do; the downmix averages them.
            frames = np.stack([noisy * (1.0 - 0.1 * c) for c in range(channels)], axis=1)
            out.writeframes(np.clip(np.round(frames * 32767), -32768, 32767).astype("<i2").tobytes())

        write(gap)
        position += gap.size
        for utt in utterances:
            if utt.path not in cache:
                cache[utt.path] = _native_mono(utt.path, sample_rate)
            audio = cache[utt.path]
            parts.append(
                CorpusPart(utt.name, position / sample_rate, (position + audio.size) / sample_rate, utt.reference)
            )
            write(audio)
            write(gap)
            position += audio.size + gap.size
    return SessionCorpus(target, sample_rate, channels, tuple(parts))


def librispeech_and_ljspeech(english: Sequence[Utterance]) -> list[Utterance]:
    """The LibriSpeech and LJ Speech rows (single-utterance files) of the English set."""
    return [u for u in english if u.is_librispeech or u.is_ljspeech]
