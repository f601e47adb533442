"""sha256 fingerprints of model weights, cached so a 1.5 GB model is hashed once.

A transcript records the fingerprint of the exact frozen artifact that produced it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from inference.paths import cache_dir

_CHUNK = 1 << 20  # bytes read per hashing step


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def model_fingerprint(model_dir: str) -> str:
    """sha256 of `model_dir`/model.bin, cached by (path, size, mtime)."""
    weights = Path(model_dir) / "model.bin"
    stat = weights.stat()
    key = f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    cache_file = cache_dir() / "fingerprints.json"
    try:
        cache = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        cache = {}
    if key not in cache:
        cache[key] = sha256_file(weights)
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(cache, indent=1))
            tmp.replace(cache_file)
        except OSError:
            pass  # a read-only cache only costs a re-hash next time
    return cache[key]
