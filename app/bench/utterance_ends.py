"""End-of-utterance latency, measured the same way for every row of `bench live`.

Our end-of-phrase latency starts where our own VAD heard the speech end during the session, so only
our rows have it; whisper_streaming has no VAD and says nothing of phrases. This measure needs neither:
the corpus says where each utterance lies, the same Silero VAD with the live settings
(inference/streaming_vad.py) run offline over the whole corpus says where its speech ends, and every
system reports its commits as (audio start, audio end, latency). An utterance is fully committed when
the last commit holding any of its speech is out; its latency is that commit's emission minus the speech
end, both on the capture clock (a real-time replay: audio time t is captured at start + t).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from app.bench.live_corpus import CorpusPart
from inference.streaming_vad import silero_detector

# (audio start, audio end, latency): a commit's span on the corpus clock, and emission minus the
# capture time of its end.
CommitSpan = tuple[float, float, float]


def speech_ends(samples: np.ndarray, parts: Sequence[CorpusPart]) -> list[float]:
    """Per part, the end of the last VAD speech span that starts inside it (the part's end if none)."""
    spans = silero_detector()(samples)
    ends = []
    for part in parts:
        inside = [end for start, end in spans if part.start_s <= start < part.end_s]
        ends.append(min(max(inside), part.end_s) if inside else part.end_s)
    return ends


def utterance_end_latencies(
    commits: Sequence[CommitSpan], parts: Sequence[CorpusPart], ends: Sequence[float]
) -> list[float]:
    """Per part with any committed speech: the emission of the last commit holding some of it (one that
    starts before the part's speech end and ends after the part's start) minus that speech end. A commit
    starting in the pause after it is the next utterance's (Whisper often starts a phrase's first word
    early, in the silence before it) or a stray word, not this one's. A part nothing was committed for
    is left out."""
    latencies = []
    for part, speech_end in zip(parts, ends, strict=True):
        emitted = [end + latency for start, end, latency in commits if start < speech_end and end > part.start_s]
        if emitted:
            latencies.append(max(emitted) - speech_end)
    return latencies
