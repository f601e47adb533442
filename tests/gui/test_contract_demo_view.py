"""The contract demo view (offscreen): both panes with their transcripts, the picture, live updates, clear."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.demo.file_demo import run_file_demo
from app.demo.live_demo import LiveRawTranscriber
from app.demo.result import BANNER, NO_TEXT
from app.demo.spectrogram_png import picture_size
from app.gui.contract_demo_view import RAW_PLACEHOLDER_TITLE, ContractDemoView

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot) -> ContractDemoView:
    widget = ContractDemoView()
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.model
def test_file_result_shows_both_panes_and_the_picture(view: ContractDemoView, audio_dir: Path, tiny_model):
    """A real demo run on a 44.1 kHz stereo file fills both titled panes, the WER and the spectrogram."""
    result = run_file_demo(audio_dir / "jfk.flac", tiny_model)
    view.show_result(result)
    assert view.converted_pane.title() == "Converted: 16 kHz mono (what the model was trained on)"
    assert view.raw_pane.title() == "Raw: 44.1 kHz stereo passed as 16 kHz mono (contract broken)"
    assert "country" in view.converted_pane.transcript.toPlainText().lower()
    assert view.raw_pane.transcript.toPlainText() == result.raw.display_text
    assert "60.6 s" in view.raw_pane.duration.text() and "5.5x longer" in view.raw_pane.duration.text()
    assert "11.0 s" in view.converted_pane.duration.text()
    assert "44.1 kHz stereo" in view.raw_pane.received.text()
    assert view.wer.text().startswith("WER of raw against converted: ")
    assert view.banner.text() == BANNER and view.banner.isVisible()
    pixmap = view.spectrogram.pixmap()
    assert not pixmap.isNull() and (pixmap.width(), pixmap.height()) == picture_size(80, 3000)

    view.clear()
    assert view.converted_pane.transcript.toPlainText() == "" and view.raw_pane.title() == RAW_PLACEHOLDER_TITLE
    assert view.spectrogram.pixmap().isNull()


def test_live_updates_fill_each_pane(view: ContractDemoView):
    """Live: the raw pane takes the device format and each raw run; the converted pane takes the engine's text."""
    live = LiveRawTranscriber(None, 48000, 2, every_s=1.0, runner=lambda loaded, samples, options: "")
    view.start_live(48000, 2)
    assert view.raw_pane.title() == live.title
    update = live.feed(np.zeros((48000, 2), dtype=np.float32))
    assert update is not None
    view.show_live_update(raw=update, converted_text="testing one two three")
    assert view.converted_pane.transcript.toPlainText() == "testing one two three"
    assert view.raw_pane.transcript.toPlainText() == NO_TEXT
    assert "6.0 s" in view.raw_pane.duration.text()


def test_unreadable_picture_says_so(view: ContractDemoView):
    """Bytes that are not a PNG leave a plain 'no spectrogram' note instead of a broken picture."""
    view.show_spectrogram(b"not a png")
    assert view.spectrogram.pixmap().isNull() and view.spectrogram.text() == "no spectrogram"
