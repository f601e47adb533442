"""Peak resident memory of this process, resettable between benchmark stages (Linux).

`ru_maxrss` only ever grows (and a child inherits its parent's value across fork + exec), so it
cannot give each stage its own peak. Linux can reset the high-water mark: writing "5" to
/proc/self/clear_refs sets VmHWM to the current RSS. Elsewhere the numbers are unavailable (None).
"""

from __future__ import annotations

from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kb(field: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def current_rss_bytes() -> int | None:
    """Resident memory now (VmRSS), or None where /proc is missing."""
    kb = _status_kb("VmRSS")
    return None if kb is None else kb * 1024


def peak_rss_bytes() -> int | None:
    """Highest resident memory since start or the last reset (VmHWM), or None."""
    kb = _status_kb("VmHWM")
    return None if kb is None else kb * 1024


def reset_peak_rss() -> bool:
    """Make the peak start again from the current RSS; False where the kernel does not allow it."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True
