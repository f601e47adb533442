"""Where whisperdesk keeps derived files (joined model weights, fingerprints)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    """User cache folder; WHISPERDESK_CACHE_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("WHISPERDESK_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("whisperdesk"))
