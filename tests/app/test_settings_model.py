"""AppSettings: the string form settings are stored in, tolerant parsing, and the options derived from it."""

from __future__ import annotations

from app.window.settings_model import MAX_STEP_S, MIN_STEP_S, AppSettings


def test_round_trip_through_strings():
    """Every field survives to_strings -> from_strings unchanged."""
    settings = AppSettings("/models/small", "cpu", "float32", "de", 1.5, False, "/out", "USB mic")
    assert AppSettings.from_strings(settings.to_strings()) == settings


def test_malformed_or_missing_values_fall_back_to_defaults():
    """Unknown devices or compute types, non-numbers and empty models give defaults; steps are clamped."""
    parsed = AppSettings.from_strings({"device": "tpu", "compute_type": "int3", "step_s": "fast", "model": " "})
    assert parsed == AppSettings()
    assert AppSettings.from_strings({"step_s": "99"}).step_s == MAX_STEP_S
    assert AppSettings.from_strings({"step_s": "0.01"}).step_s == MIN_STEP_S
    assert AppSettings.from_strings({"step_s": "nan"}).step_s == AppSettings().step_s
    assert AppSettings.from_strings({"vad": "false"}).vad is False


def test_options_follow_the_settings():
    """File options, live options and the model spec carry language, VAD, step and model choice."""
    settings = AppSettings(model="base", device="cpu", language="fr", step_s=1.2, vad=False)
    assert settings.transcribe_options().language == "fr" and not settings.transcribe_options().vad_filter
    live = settings.streaming_options()
    assert (live.step_s, live.language, live.vad_gate, live.vad_finalize) == (1.2, "fr", False, False)
    assert (settings.model_spec().name, settings.model_spec().compute_type) == ("base", None)
    assert AppSettings().transcribe_options().language is None
