"""Input beyond full scale: the contract clips float samples to [-1, 1] without an error, so a
mis-scaled file (e.g. int16 values stored as float, peak 32768) turns into noise that transcribes
as nothing, or as garbage. The converter counts such samples; this says when that is worth telling."""

from __future__ import annotations

CLIPPED_WARN_FRACTION = 0.001  # share of samples beyond ±1.0 worth a warning (a few overshoots are not)
# Past this share the words are not to be trusted: jfk.flac at 1000x full scale (96% clipped) came out
# "And so am I going to ask not what you are country can do", at 2x (1.3%) word for word right.
CLIPPED_FAIL_FRACTION = 0.1


def clipped_badly(clipped_fraction: float) -> bool:
    """So much of the input was clipped that its transcript is an error, not a result."""
    return clipped_fraction >= CLIPPED_FAIL_FRACTION


def level_problem(peak: float | None, clipped_fraction: float) -> str | None:
    """One line saying the input was clipped, or None when (nearly) all of it was within full scale."""
    if peak is None or clipped_fraction < CLIPPED_WARN_FRACTION:
        return None
    line = (
        f"{clipped_fraction:.1%} of its samples are beyond full scale (peak {peak:.4g} times the ±1.0 limit) "
        "and were clipped: the file's levels are mis-scaled"
    )
    return f"{line}, so its words are not to be trusted" if clipped_badly(clipped_fraction) else line
