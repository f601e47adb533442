"""The three ways the demo breaks the contract, and `RawStream`, which turns native blocks into
the broken stream a pipeline without the conversion step would hand the model.

Each mismatch skips exactly one part of the shared conversion:
- interleaved: everything (native rate, channels interleaved L R L R);
- no-resample: the resampling (downmixed to mono, left at the native rate);
- int16: the scaling (16 kHz mono, but int16 values instead of floats in [-1, 1]).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from audio.constants import DTYPE, SAMPLE_RATE
from audio.convert import StreamConverter, check_native_format, downmix, to_float32
from audio.errors import UnsupportedFormatError

INT16_FULL_SCALE = 32767  # largest int16 value: a float sample of 1.0 becomes this without the scale step


def describe_format(sample_rate: int, channels: int) -> str:
    """'44.1 kHz stereo' style text for people (audio.contract.describe is the exact form)."""
    layout = {1: "mono", 2: "stereo"}.get(channels, f"{channels}-channel")
    return f"{sample_rate / 1000:g} kHz {layout}"


CONTRACT_FORMAT = describe_format(SAMPLE_RATE, 1)  # "16 kHz mono"


class Mismatch(StrEnum):
    """Which conversion step the raw path skips."""

    INTERLEAVED = "interleaved"
    NO_RESAMPLE = "no-resample"
    INT16 = "int16"

    def raw_format(self, sample_rate: int, channels: int) -> str:
        """What the raw samples really are, e.g. '44.1 kHz stereo'."""
        if self is Mismatch.INTERLEAVED:
            return describe_format(sample_rate, channels)
        if self is Mismatch.NO_RESAMPLE:
            return f"{describe_format(sample_rate, 1)} (downmixed, not resampled)"
        return f"{CONTRACT_FORMAT} int16 values (±{INT16_FULL_SCALE}, not scaled to [-1, 1])"

    def received(self, sample_rate: int, channels: int) -> str:
        """One line for the raw pane's 'received' field: the samples and what the model was told."""
        if self is Mismatch.INTERLEAVED:
            how = ", interleaved L R L R" if channels == 2 else (", interleaved" if channels > 2 else "")
            return f"{describe_format(sample_rate, channels)} samples{how}, told they are {CONTRACT_FORMAT}"
        if self is Mismatch.NO_RESAMPLE:
            return f"{describe_format(sample_rate, 1)} samples (not resampled), told they are {CONTRACT_FORMAT}"
        return (
            f"{CONTRACT_FORMAT} int16 values (float samples x {INT16_FULL_SCALE}, rounded) "
            "passed as float: what a missing scale step does"
        )

    def explanation(self) -> str:
        """What went wrong, in plain words."""
        if self is Mismatch.INTERLEAVED:
            return (
                "The samples exactly as they arrive were handed over as if they were 16 kHz mono: "
                "no downmix, no resampling. Too many samples per second make the speech last longer "
                "and sound lower to the model."
            )
        if self is Mismatch.NO_RESAMPLE:
            return (
                "The audio was mixed to mono but never resampled: native-rate samples labelled 16 kHz "
                "make the speech slower and lower to the model."
            )
        return (
            "Rate and channels were converted, but the int16 values were never divided back to [-1, 1]: "
            "every sample is up to 32767 times too large."
        )

    def speed_factor(self, sample_rate: int, channels: int) -> float:
        """How many times longer the raw stream lasts than the real audio, as the model sees it."""
        if self is Mismatch.INTERLEAVED:
            return sample_rate * channels / SAMPLE_RATE
        if self is Mismatch.NO_RESAMPLE:
            return sample_rate / SAMPLE_RATE
        return 1.0

    def changes_nothing_for(self, sample_rate: int, channels: int) -> bool:
        """True when this native format already meets the part of the contract this mismatch skips."""
        if self is Mismatch.INTERLEAVED:
            return sample_rate == SAMPLE_RATE and channels == 1
        if self is Mismatch.NO_RESAMPLE:
            return sample_rate == SAMPLE_RATE
        return False


def raw_title(mismatch: Mismatch, sample_rate: int, channels: int) -> str:
    """The raw pane's title, e.g. 'Raw: 44.1 kHz stereo passed as 16 kHz mono (contract broken)'."""
    return f"Raw: {mismatch.raw_format(sample_rate, channels)} passed as {CONTRACT_FORMAT} (contract broken)"


CONVERTED_TITLE = f"Converted: {CONTRACT_FORMAT} (what the model was trained on)"


class RawStream:
    """The broken counterpart of StreamConverter: native blocks in, the raw 1-D stream out.

    Feed (frames, channels) blocks in order with `process`, then `flush`. Integer blocks are
    scaled to float first (like a capture device's float32 stream); only the int16 mismatch
    takes the scale away again, after the shared converter.
    """

    def __init__(self, mismatch: Mismatch | str, sample_rate: int, channels: int) -> None:
        check_native_format(sample_rate, channels)
        self.mismatch = Mismatch(mismatch)
        self.sample_rate = sample_rate
        self.channels = channels
        self.frames_in = 0
        self.samples_out = 0
        # int16 keeps rate and channels right: the shared converter does them, the scale step is undone.
        self._converter = StreamConverter(sample_rate, channels) if self.mismatch is Mismatch.INT16 else None

    def _frames(self, block: np.ndarray) -> np.ndarray:
        block = to_float32(np.asarray(block))
        if block.ndim == 1:
            if block.size % self.channels:
                raise UnsupportedFormatError(
                    f"{block.size} interleaved samples do not split into {self.channels} channels"
                )
            return block.reshape(-1, self.channels)
        if block.ndim != 2 or block.shape[1] != self.channels:
            raise UnsupportedFormatError(f"block of shape {block.shape} does not have {self.channels} channels")
        return block

    def process(self, block: np.ndarray, last: bool = False) -> np.ndarray:
        """The raw samples for one native block (float32, 1-D), as the model will receive them."""
        frames = self._frames(block)
        self.frames_in += frames.shape[0]
        if self._converter is not None:
            contract = self._converter.process(frames, last=last)
            out = np.round(contract * INT16_FULL_SCALE).astype(DTYPE)
        elif self.mismatch is Mismatch.NO_RESAMPLE:
            out = np.ascontiguousarray(downmix(frames, self.channels), dtype=DTYPE)
        else:
            out = np.ascontiguousarray(frames, dtype=DTYPE).reshape(-1)  # row-major = L R L R
        self.samples_out += out.size
        return out

    def flush(self) -> np.ndarray:
        """The tail at end of input (only the int16 path's resampler holds one)."""
        return self.process(np.zeros((0, self.channels), dtype=DTYPE), last=True)

    @property
    def seconds_as_seen(self) -> float:
        """Duration of the raw stream so far as the model sees it (samples / 16 kHz)."""
        return self.samples_out / SAMPLE_RATE
