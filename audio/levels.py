"""Input beyond full scale: the contract clips float samples to [-1, 1] without an error, so a
mis-scaled file (e.g. int16 values stored as float, peak 32768) turns into noise that transcribes
as nothing, or as garbage. The converter counts such samples; this says when that is worth telling.

Lossy decoders overshoot too: loud speech as Opus decoded to peaks of 1.2-2.2 with up to a quarter of
its samples over 1.0, and transcribed as the WAV it came from did. That is said, but only a peak a
codec never reaches (MIS_SCALED_PEAK) makes the words untrustworthy.
"""

from __future__ import annotations

CLIPPED_WARN_FRACTION = 0.01  # share of samples beyond ±1.0 worth a warning (loud MP3/AAC overshoot: under 1%)
# Past this share at a peak of MIS_SCALED_PEAK or more, the words are not to be trusted: jfk.flac at 1000 times
# full scale (96% clipped) came out "And so am I going to ask not what you are country can do", at 2 times
# (1.3%) word for word right.
CLIPPED_FAIL_FRACTION = 0.1
MIS_SCALED_PEAK = 4.0  # 12 dB over full scale: a scaling error, not a codec's overshoot


def clipped_badly(peak: float | None, clipped_fraction: float) -> bool:
    """So much of a mis-scaled input was clipped that its transcript is an error, not a result."""
    return peak is not None and peak >= MIS_SCALED_PEAK and clipped_fraction >= CLIPPED_FAIL_FRACTION


def level_problem(peak: float | None, clipped_fraction: float) -> str | None:
    """One line saying the input was clipped, or None when (nearly) all of it was within full scale."""
    if peak is None or clipped_fraction < CLIPPED_WARN_FRACTION:
        return None
    share = f"{clipped_fraction:.1%} of its samples"
    line = f"{share} are beyond full scale (peak {peak:.4g} times the ±1.0 limit) and were clipped"
    if peak < MIS_SCALED_PEAK:
        return f"{line} (a recording too loud, or a lossy codec's overshoot)"
    line += ": the file's levels are mis-scaled"
    return f"{line}, so its words are not to be trusted" if clipped_badly(peak, clipped_fraction) else line
