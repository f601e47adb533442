"""The serving pipeline's identity, recorded in every JSON result so drift is visible."""

from __future__ import annotations

from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version

from audio.constants import DOWNMIX_RULE, RESAMPLER, RESAMPLER_QUALITY, SAMPLE_RATE
from inference.loader import ModelInfo

_PACKAGES = ("faster-whisper", "ctranslate2", "soxr", "av", "numpy", "onnxruntime")


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the output."""
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def conversion_settings() -> dict[str, object]:
    """How native audio became contract audio."""
    return {
        "sample_rate": SAMPLE_RATE,
        "channels": 1,
        "dtype": "float32",
        "resampler": RESAMPLER,
        "resampler_quality": RESAMPLER_QUALITY,
        "downmix": DOWNMIX_RULE,
    }


def pipeline_record(info: ModelInfo) -> dict[str, object]:
    """Model fingerprint, compute type, package versions and conversion settings."""
    return {"model": asdict(info), "versions": package_versions(), "conversion": conversion_settings()}
