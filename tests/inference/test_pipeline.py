"""The pipeline record: package versions and conversion settings that made a result."""

from __future__ import annotations

from importlib.metadata import version

from audio.constants import SAMPLE_RATE
from inference.loader import ModelInfo
from inference.pipeline import conversion_settings, package_versions, pipeline_record


def test_versions_are_the_installed_ones():
    """faster-whisper, ctranslate2, soxr and av are recorded with their installed versions."""
    found = package_versions()
    for name in ("faster-whisper", "ctranslate2", "soxr", "av"):
        assert found[name] == version(name)


def test_conversion_settings_name_the_resampler_and_downmix():
    """The record says soxr HQ, mean downmix, 16 kHz mono float32."""
    assert conversion_settings() == {
        "sample_rate": SAMPLE_RATE,
        "channels": 1,
        "dtype": "float32",
        "resampler": "soxr",
        "resampler_quality": "HQ",
        "downmix": "mean",
    }


def test_pipeline_record_includes_the_model_fingerprint():
    """The model part of the record carries the sha256 and compute type given."""
    info = ModelInfo("tiny.en", "/m", "package", "ab" * 32, "cpu", "int8", False)
    record = pipeline_record(info)
    assert record["model"]["sha256"] == "ab" * 32
    assert record["model"]["compute_type"] == "int8"
    assert set(record) == {"model", "versions", "conversion"}
