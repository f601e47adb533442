"""What one contract demo produced: both sides, the native format, the word difference, the picture,
and the plain-language wording shared by the CLI and the window."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.demo.mismatch import CONVERTED_TITLE, Mismatch, describe_format, raw_title
from app.services.wer import normalize, wer

NO_TEXT = "no text: the model heard no speech"

BANNER = (
    "The model raised no error on either input. This is what a silent contract break looks like: "
    "wrong audio in, confident wrong text (or nothing) out. The fix is one shared conversion step: "
    "every path turns its audio into 16 kHz mono float32 in [-1, 1] before the model."
)


@dataclass(frozen=True)
class DemoSide:
    """One path's outcome. `sample_rate_fed`/`channels_fed` are what the model was told;
    `received` says what the samples really were."""

    text: str
    sample_rate_fed: int
    channels_fed: int
    received: str
    seconds_as_seen: float  # samples fed / 16 kHz: how long the audio lasts to the model
    processing_s: float  # wall time of this path (decode, conversion or not, model)

    @property
    def display_text(self) -> str:
        """The transcript, or the plain statement that there is none."""
        return self.text or NO_TEXT

    def to_record(self) -> dict[str, object]:
        return {
            "text": self.text,
            "sample_rate_fed": self.sample_rate_fed,
            "channels_fed": self.channels_fed,
            "received": self.received,
            "seconds_as_seen": round(self.seconds_as_seen, 3),
            "processing_s": round(self.processing_s, 3),
        }


@dataclass(frozen=True)
class NativeAudio:
    """The audio as the file or device really holds it; `seconds` is how much the demo used."""

    sample_rate: int
    channels: int
    seconds: float
    truncated: bool = False

    @property
    def description(self) -> str:
        return describe_format(self.sample_rate, self.channels)


def raw_vs_converted_wer(converted_text: str, raw_text: str) -> float | None:
    """WER of the raw text against the converted text; None when the converted side has no words."""
    if not normalize(converted_text):
        return None
    return wer(converted_text, raw_text)


@dataclass(frozen=True)
class DemoResult:
    """Both sides of one demo run, with the log-mel picture the model computed for each (PNG bytes)."""

    source: str
    mismatch: Mismatch
    native: NativeAudio
    converted: DemoSide
    raw: DemoSide
    wer_raw_vs_converted: float | None
    spectrogram_png: bytes = field(default=b"", repr=False)

    @property
    def converted_title(self) -> str:
        return CONVERTED_TITLE

    @property
    def raw_title(self) -> str:
        return raw_title(self.mismatch, self.native.sample_rate, self.native.channels)

    @property
    def speed_factor(self) -> float:
        """How much longer the raw stream lasts than the real audio, as the model sees it."""
        return self.mismatch.speed_factor(self.native.sample_rate, self.native.channels)

    @property
    def note(self) -> str:
        """A caveat when this input already meets the part of the contract the mismatch skips."""
        if self.mismatch.changes_nothing_for(self.native.sample_rate, self.native.channels):
            return (
                f"This input already is {self.native.description}, so skipping that step changes nothing here; "
                "try a 44.1 or 48 kHz stereo file, or another mismatch."
            )
        return ""

    def wer_text(self) -> str:
        """'WER of raw against converted: 100.0%' or why it cannot be measured."""
        if self.wer_raw_vs_converted is None:
            return "WER of raw against converted: not measurable (the converted side has no words)"
        return f"WER of raw against converted: {self.wer_raw_vs_converted:.1%}"

    def to_record(self) -> dict[str, object]:
        """The JSON object printed by `contract-demo --json`."""
        return {
            "file": self.source,
            "mismatch": self.mismatch.value,
            "native": {
                "sample_rate": self.native.sample_rate,
                "channels": self.native.channels,
                "seconds": round(self.native.seconds, 3),
                "truncated": self.native.truncated,
            },
            "converted": self.converted.to_record(),
            "raw": self.raw.to_record(),
            "wer_raw_vs_converted": None if self.wer_raw_vs_converted is None else round(self.wer_raw_vs_converted, 4),
        }
