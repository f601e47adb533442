"""The shared speech set (manifest.tsv beside the audio files), found one way only."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

AUDIO_DIR_ENV = "WHISPERDESK_TEST_AUDIO"


@dataclass(frozen=True)
class Utterance:
    """One manifest row: a real recording with its reference text."""

    path: Path
    sample_rate: int
    channels: int
    duration_s: float
    reference: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_librispeech(self) -> bool:
        return self.name.startswith("librispeech_")

    @property
    def is_ljspeech(self) -> bool:
        return self.name.startswith("ljspeech_")

    @property
    def is_english_with_reference(self) -> bool:
        """English rows with a single plain reference (not the Mandarin or per-channel stereo files)."""
        return bool(self.reference) and not self.name.endswith("_zh.wav") and not self.reference.startswith("[")


def default_audio_dir() -> Path:
    """$WHISPERDESK_TEST_AUDIO, else ../shared/audio beside the repository root."""
    override = os.environ.get(AUDIO_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "audio"


def load_manifest(audio_dir: Path | None = None) -> list[Utterance]:
    """Every row of manifest.tsv, with paths resolved inside `audio_dir`."""
    audio_dir = audio_dir or default_audio_dir()
    with open(audio_dir / "manifest.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Utterance(
            path=audio_dir / row["file"],
            sample_rate=int(row["sample_rate"]),
            channels=int(row["channels"]),
            duration_s=float(row["duration_s"]),
            reference=row.get("reference_text") or "",
        )
        for row in rows
    ]


def english_set(audio_dir: Path | None = None) -> list[Utterance]:
    """The English rows with references: what WER is measured on."""
    return [u for u in load_manifest(audio_dir) if u.is_english_with_reference]
