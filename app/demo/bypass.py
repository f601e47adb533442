"""The demo's one door past the contract check: raw samples to text through
`inference.boundary.run_model_unchecked_for_contract_demo`. Nothing else in the project calls it
(tests/app/test_contract_demo_refusal.py checks that).
"""

from __future__ import annotations

import threading

import numpy as np

from inference.boundary import run_model_unchecked_for_contract_demo
from inference.errors import TranscriptionCancelled
from inference.loader import LoadedModel
from inference.options import TranscribeOptions
from inference.results import join_texts


def transcribe_raw(
    loaded: LoadedModel,
    raw_samples: np.ndarray,
    options: TranscribeOptions,
    cancel: threading.Event | None = None,
) -> str:
    """Really run the model on the raw samples, told they are 16 kHz mono; '' when it hears no speech."""
    segment_iter, _language, _probability = run_model_unchecked_for_contract_demo(loaded, raw_samples, options)
    segments = []
    for segment in segment_iter:
        if cancel is not None and cancel.is_set():
            raise TranscriptionCancelled("cancelled")
        segments.append(segment)
    return join_texts(s.text for s in segments)
