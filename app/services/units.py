"""The one unit for sizes in everything whisperdesk prints: MB = 2**20 bytes (what /proc's kB and
`free -m` count in), for model files and memory alike."""

from __future__ import annotations

MB = 2**20


def to_mb(size_bytes: float | None) -> float | None:
    """Bytes as MB; None stays None (a figure this platform cannot give)."""
    return None if size_bytes is None else size_bytes / MB
