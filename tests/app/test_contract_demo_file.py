"""The file demo on a real 44.1 kHz stereo recording: both paths really run, with honest numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo.file_demo import run_file_demo
from app.demo.mismatch import Mismatch
from app.demo.result import NO_TEXT
from app.demo.spectrogram_png import PNG_SIGNATURE
from app.services.wer import wer
from audio.constants import SAMPLE_RATE
from audio.errors import DecodeError

pytestmark = pytest.mark.model

JFK_SECONDS = 11.0


def test_interleaved_demo_on_jfk(audio_dir: Path, tiny_model, utterance):
    """Converted text is the speech; raw 44.1 kHz stereo lasts 5.5x longer to the model and loses the words."""
    result = run_file_demo(audio_dir / "jfk.flac", tiny_model)
    assert (result.native.sample_rate, result.native.channels) == (44100, 2)
    assert not result.native.truncated
    assert "country" in result.converted.text.lower()
    assert result.converted.seconds_as_seen == pytest.approx(JFK_SECONDS, abs=0.01)
    assert result.raw.seconds_as_seen == pytest.approx(JFK_SECONDS * 44100 * 2 / SAMPLE_RATE, abs=0.01)
    assert result.raw.sample_rate_fed == result.converted.sample_rate_fed == SAMPLE_RATE
    assert result.raw.channels_fed == result.converted.channels_fed == 1
    assert result.raw.processing_s > 0 and result.converted.processing_s > 0
    assert result.raw.display_text == NO_TEXT or wer(utterance("jfk.flac").reference, result.raw.text) >= 0.8
    assert result.wer_raw_vs_converted is not None and result.wer_raw_vs_converted >= 0.8
    assert result.spectrogram_png.startswith(PNG_SIGNATURE)
    assert "44.1 kHz stereo" in result.raw_title


@pytest.mark.parametrize("mismatch", [Mismatch.NO_RESAMPLE, Mismatch.INT16])
def test_other_mismatches_on_the_first_seconds(audio_dir: Path, tiny_model, mismatch: Mismatch):
    """max_seconds cuts both paths alike; no-resample lasts 2.76x longer, int16 keeps the length."""
    result = run_file_demo(audio_dir / "jfk.flac", tiny_model, mismatch, max_seconds=4.0)
    assert result.native.truncated and result.native.seconds == pytest.approx(4.0, abs=0.01)
    factor = 44100 / SAMPLE_RATE if mismatch is Mismatch.NO_RESAMPLE else 1.0
    assert result.raw.seconds_as_seen == pytest.approx(4.0 * factor, abs=0.01)
    assert result.raw.sample_rate_fed == SAMPLE_RATE
    assert result.raw.text != result.converted.text


def test_unreadable_file_is_a_decode_error(tmp_path: Path, tiny_model):
    """A file that is not audio fails with the decoder's one-line reason, before any model run."""
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    with pytest.raises(DecodeError, match="not a readable audio"):
        run_file_demo(bad, tiny_model)
