"""Simulated live dictation in real time on the shared LibriSpeech and LJ Speech recordings at 44.1 kHz
stereo: the file path's exact samples, sane commits, and corpus WER close to offline transcription of
the same file with the same model.

The samples and the commit order are what the code controls: they are checked exactly. The WER gap
is model noise on top of the policy: a real-time replay never schedules its steps the same way twice,
and tiny.en's int8 kernels differ between CPUs. Its bound comes from repeated runs on both vendors; the
benchmark (`whisperdesk bench live`), not this test, carries the accuracy target.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.bench.live_corpus import build_session, librispeech_and_ljspeech
from app.services.file_jobs import transcribe_file
from app.services.live_session import LiveSession
from app.services.wer import wer
from audio.decode import decode_to_contract
from audio.file_source import FileSource
from inference.stream_events import Commit, StreamEvent
from inference.streaming_words import words_text

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.realtime]

# Live minus offline WER on these 307 reference words (one word is 0.33 points), separate real-time runs:
# AMD EPYC 2 vCPU +0.98, +0.98, +1.63, +1.95, +2.61 points; Intel Xeon 2 vCPU +2.28. A broken policy costs
# more: committing every hypothesis at once (LocalAgreement-1) measured +15.3 and +17.3 points here.
MAX_WER_GAP = 0.045
# Lag bounds (seconds) that catch a return to the lag issue 12 was filed against (commit median 1.33-1.64, p95
# 2.0-2.2 on unseen audio) and to the end of phrase before its pause rules (1.38 here). Measured here with the
# defaults (beam 3, 0.4 s steps, 15 s encoder window), AMD EPYC 2 vCPU: commit median 0.82-0.92, p95 1.24-1.41,
# partial median 0.46-0.50, end of phrase 0.73-0.85; the margin is for slower CPUs, the targets are in
# `whisperdesk bench live`.
MAX_COMMIT_MEDIAN_S, MAX_COMMIT_P95_S, MAX_PARTIAL_MEDIAN_S, MAX_PHRASE_MEDIAN_S = 1.25, 1.9, 0.75, 1.2


@pytest.fixture(scope="module")
def session_audio(tmp_path_factory, english):
    """The 15 LibriSpeech and LJ Speech utterances in a row with 1 s pauses, 44.1 kHz stereo (about 128 s)."""
    target = tmp_path_factory.mktemp("live") / "dictation_44k_stereo.wav"
    return build_session(librispeech_and_ljspeech(english), target, sample_rate=44100, channels=2, gap_s=1.0)


def test_realtime_simulation_stays_close_to_offline(session_audio, tiny_model):
    """Real-time replay through LiveSession: WER close to offline, the file path's exact samples, sane commits."""
    offline = transcribe_file(session_audio.path, tiny_model)
    offline_wer = wer(session_audio.reference, offline.transcript.text)

    events: list[StreamEvent] = []
    source = FileSource(session_audio.path, realtime=True)
    session = LiveSession(source, tiny_model, on_event=events.append, record_contract_audio=True)
    summary = session.run()
    live_wer = wer(session_audio.reference, summary.text)
    steps = session.metrics.steps
    print(  # shown with -s and in CI logs: the numbers behind the assertion
        f"offline WER {offline_wer:.3f}, live WER {live_wer:.3f}, latency median {summary.latency_median_s:.2f} s "
        f"p95 {summary.latency_p95_s:.2f} s, partial {summary.partial_latency_median_s:.2f} s, end of phrase "
        f"{summary.phrase_latency_median_s:.2f} s, rtf {summary.rtf:.2f}, model runs {steps.model_runs}"
    )
    print(f"live: {summary.text}\noffline: {offline.transcript.text}")  # which words a failing run lost
    assert live_wer <= offline_wer + MAX_WER_GAP
    assert summary.latency_median_s <= MAX_COMMIT_MEDIAN_S and summary.latency_p95_s <= MAX_COMMIT_P95_S
    assert summary.partial_latency_median_s <= MAX_PARTIAL_MEDIAN_S
    assert summary.phrase_latency_median_s <= MAX_PHRASE_MEDIAN_S
    assert len(steps.phrase_latency_s) >= len(session_audio.parts) - 1  # every pause between utterances ends a phrase
    assert summary.error is None and summary.overflows == 0

    assert np.array_equal(session.contract_audio, decode_to_contract(session_audio.path)[0].samples)

    commits = [e for e in events if isinstance(e, Commit)]
    # The commits' words are the transcript (a commit can start inside a word: "42" then "-line Bible").
    assert words_text([w for c in commits for w in c.words]) == summary.text
    starts = [c.audio_start for c in commits]
    assert starts == sorted(starts)
    assert all(c.latency_s > 0 for c in commits)
    assert summary.audio_s == pytest.approx(session_audio.duration_s + 1.0, abs=0.05)
