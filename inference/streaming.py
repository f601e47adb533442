"""Online transcription: stable text from a growing 16 kHz buffer re-transcribed every step.

Each step runs Whisper on the whole buffer (beam 3, no fallback, prompted with the committed text
that has left the buffer; encoded on a window of the buffer plus a margin, not the padded 30 s) and:
- commits the words on which the last two hypotheses agree (LocalAgreement-2, as in
  whisper_streaming) and shows the rest as a partial;
- at a pause heard by the Silero VAD, commits everything said before it at once (low latency at
  the end of a phrase): 0.4 s after a finished sentence that one run heard to its end (a closing run
  0.3 s after the speech stops makes sure of it: once the VAD hears a stop, steps come every 0.1 s),
  else 0.8 s;
- holds back a commit's final full stop until the next word shows whether the sentence ended
  (inference/streaming_stops.py): Whisper ends every buffer with one, also in mid-sentence;
- skips the model when no new speech arrived (no hallucination on silence, no CPU, and no
  hypothesis agreeing with itself in a pause);
- re-anchors when Whisper stops following the speech (it sometimes ends early or jumps ahead);
- trims the buffer in committed pauses so each step's cost stays bounded, keeping a few seconds
  of committed audio as acoustic context (the prompt carries the older text).

The model is only reached through an Engine (inference/engine.py): the local one goes through
inference.boundary.run_model, a server's through inference.remote.client.run_server; both take
contract audio only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from audio.constants import SAMPLE_RATE
from audio.contract import PcmAudio
from inference.engine import Engine, as_engine, is_language_code
from inference.loader import LoadedModel
from inference.model_phases import PHASES
from inference.options import TranscribeOptions, check_beam_size
from inference.results import SENTENCE_END, Word
from inference.stream_events import Commit, Partial, StreamEvent
from inference.streaming_buffer import AudioBuffer, CaptureClock
from inference.streaming_cuts import (
    COMMITTED_SLACK_S,
    PAUSE_CUT_MAX_S,
    finalizing_pause,
    safe_cuts,
    speech_between,
    split_at,
    stall_point,
)
from inference.streaming_guards import GuardOptions, hypothesis_words
from inference.streaming_stops import HOLD_MAX_S, continues_sentence, hold_stop
from inference.streaming_vad import SpeechDetector, SpeechMap, analyze, silero_detector
from inference.streaming_words import HypothesisBuffer, segments_after_commits, shifted_word, words_text

WHISPER_WINDOW_S = 30.0  # Whisper sees at most this much audio per call
SILENCE_KEEP_S = 0.5  # audio kept when the buffer holds no speech (a word may be starting)
CONTEXT_SILENCE_S = 3.0  # after this much silence, earlier speech is no longer kept as context
COVER_MARGIN_S = 0.2  # a hypothesis made this long after speech ended has heard the last word
TAIL_PAD_S = 0.3  # audio given to the model past the VAD's speech end (trailing room noise invites hallucination)
STALL_S = 2.0  # speech after a hypothesis' last word that means Whisper stopped listening
SKIP_S = 1.0  # speech between two words that means Whisper jumped over it
MIN_REANCHOR_S = 0.5  # a re-anchoring cut must move the buffer start at least this far
PAUSE_POLL_S = 0.1  # step interval while a heard phrase only waits for its pause to be long enough
QUIET_S = 0.05  # trailing silence after which the VAD may have heard the speaker stop (steps then poll)
CLOSING_SILENCE_S = 0.3  # silence after which one run hears the phrase's end (0.2 s left the last word garbled)
FALLBACK_BEAM = 5
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4)


@dataclass(frozen=True)
class StreamingOptions:
    """How the live transcriber trades latency, cost and stability (defaults tuned for tiny.en on CPU)."""

    step_s: float = 0.4  # new audio between model runs (the buffer is re-read every step)
    # Beam 3: greedy decoding measured 3.58-4.89% WER live against 2.61-3.58% here (2.93% offline), for
    # about 90 ms more per run (tiny.en int8, 2 cores); see README "Benchmarks".
    beam_size: int = 3
    temperature: tuple[float, ...] = (0.0,)  # no fallback loop on every step
    condition_on_previous_text: bool = False  # inside one buffer; the prompt carries older text
    language: str | None = None  # None: English-only models use en, others detect once
    hotwords: str | None = None  # the user's vocabulary, given to every step's decode
    agreement: int = 2  # LocalAgreement-n: hypotheses that must agree before a word is committed
    min_commit_prob: float | None = 0.5  # a less likely word needs one more agreeing hypothesis
    min_buffer_s: float = 0.5  # no model run on less audio than this
    trim_s: float = 10.0  # past this buffer length, cut at the last committed pause or segment end
    # A trim keeps at least this much audio after its cut: a new phrase's first words are read with the
    # phrase before it still in the buffer ("stuff it" came out "Stuffered" in a buffer cut 0.3 s before it).
    # Paced, 12 seeds of the shared set: WER 2.63% against 3.20% at 0, commits 0.07 s later (README).
    trim_min_tail_s: float = 3.0
    max_buffer_s: float = 20.0  # hard cap: cut at the committed end (Whisper's window is 30 s)
    prompt_chars: int = 100  # tail of the committed text given as initial_prompt
    vad_gate: bool = True  # skip the model while the buffer holds no speech
    vad_finalize: bool = True  # commit everything at a pause
    finalize_silence_s: float = 0.8  # trailing silence that counts as the end of a phrase
    # A shorter pause ends the phrase when the last hypothesis heard all of it and ends a sentence
    # (None: only finalize_silence_s). This is what a pausing dictation user waits for.
    sentence_pause_s: float | None = 0.4
    min_new_speech_s: float = 0.2  # speech needed since the last run before running again
    vad_threshold: float = 0.5  # Silero speech probability threshold
    min_pause_s: float = 0.2  # shortest silence used as a cut point
    commit_tolerance_s: float = 0.05  # a word must end this far past the committed end to be new
    hold_stops: bool = True  # a commit's final full stop waits for the next word (inference/streaming_stops.py)
    dedup_max_ngram: int = 10  # longest head n-gram compared with the committed tail (a 6-word phrase came twice at 5)
    encoder_min_s: float | None = 15.0  # encode the buffer plus a margin, at least this, not Whisper's 30 s
    encoder_margin_s: float = 2.0  # silence the encoder sees after the buffer (None above: the 30 s window)
    guards: GuardOptions = field(default_factory=GuardOptions)

    def __post_init__(self) -> None:
        if not 0.05 <= self.step_s <= 10.0:
            raise ValueError(f"step_s must be between 0.05 and 10 s, not {self.step_s}")
        check_beam_size(self.beam_size)
        if not 0 < self.trim_s <= self.max_buffer_s < WHISPER_WINDOW_S:
            raise ValueError(
                f"need 0 < trim_s <= max_buffer_s < {WHISPER_WINDOW_S:.0f} s, got {self.trim_s} and {self.max_buffer_s}"
            )
        if self.finalize_silence_s <= 0:
            raise ValueError(f"finalize_silence_s must be positive, not {self.finalize_silence_s}")

    @property
    def uses_vad(self) -> bool:
        return self.vad_gate or self.vad_finalize

    def transcribe_options(self, prompt: str | None, language: str | None) -> TranscribeOptions:
        """Options for one step's model run (our own VAD gates, so faster-whisper's is off)."""
        guards = self.guards
        return TranscribeOptions(
            language=language,
            beam_size=self.beam_size,
            vad_filter=False,
            word_timestamps=True,
            condition_on_previous_text=self.condition_on_previous_text,
            initial_prompt=prompt or None,
            hotwords=self.hotwords,
            temperature=self.temperature,
            no_speech_threshold=guards.no_speech_threshold if guards.no_speech_threshold is not None else 1.0,
            compression_ratio_threshold=guards.compression_ratio_threshold or 2.4,
            log_prob_threshold=guards.log_prob_threshold if guards.log_prob_threshold is not None else -1.0,
            encoder_min_s=self.encoder_min_s,
            encoder_margin_s=self.encoder_margin_s,
        )

    @classmethod
    def whisper_streaming_baseline(cls) -> StreamingOptions:
        """The same engine set up like whisper_streaming's defaults: 1 s chunks, beam 5 with
        temperature fallback, conditioning on previous text, segment trimming at 15 s, no VAD."""
        return cls(
            step_s=1.0,
            beam_size=5,
            temperature=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
            condition_on_previous_text=True,
            min_buffer_s=1.0,
            trim_s=15.0,
            trim_min_tail_s=0.0,
            max_buffer_s=29.0,
            vad_gate=False,
            vad_finalize=False,
            min_commit_prob=None,
            encoder_min_s=None,
            hold_stops=False,
            guards=GuardOptions(speech_margin_s=None),
        )


@dataclass
class StepStats:
    """What the transcriber did, for benchmarks and the per-step timing report."""

    steps: int = 0  # process() calls that did work
    model_runs: int = 0
    skipped_silent: int = 0  # steps with no new speech in the buffer (no model run)
    skipped_no_new_speech: int = 0  # steps in a short pause with a hypothesis pending (no model run)
    stop_polls: int = 0  # steps between regular ones after the speaker stopped that only ran the VAD
    stops_held: int = 0  # full stops held back at the end of a commit
    stops_dropped: int = 0  # held stops the next word showed were inside a sentence
    finalized_without_model: int = 0  # pauses committed from the previous hypothesis
    pauses: int = 0  # VAD finalizations
    forced_cuts: int = 0  # hard-cap cuts at max_buffer_s
    stalls: int = 0  # hypotheses that stopped following the speech (re-anchored or re-decoded)
    step_s: list[float] = field(default_factory=list)  # wall seconds of each process() that did work
    model_s: list[float] = field(default_factory=list)  # wall seconds of each model run
    buffer_s: list[float] = field(default_factory=list)  # buffer length at each model run
    run_at_s: list[float] = field(default_factory=list)  # session audio time at each model run
    vad_s: float = 0.0  # wall seconds in the VAD, all steps
    phrase_latency_s: list[float] = field(default_factory=list)  # speech end (VAD) to the phrase fully committed
    phase_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))  # inside model runs

    def add_phases(self, phases: dict[str, float]) -> None:
        for name, seconds in phases.items():
            self.phase_s[name] = self.phase_s.get(name, 0.0) + seconds


class OnlineTranscriber:
    """Feed 16 kHz audio with `insert_audio`; call `process` every step and `finish` at the end.

    Both return Partial and Commit events. `detector` replaces the Silero VAD (tests); `clock` the wall
    clock that capture times and event latencies are measured on (the paced replay's virtual one);
    `cancel`, when set, ends a run that waits on a server (the session stops at once).
    Not thread-safe: one thread feeds and processes.
    """

    def __init__(
        self,
        engine: Engine | LoadedModel,
        options: StreamingOptions | None = None,
        detector: SpeechDetector | None = None,
        clock: Callable[[], float] = time.time,
        cancel: threading.Event | None = None,
    ) -> None:
        self.engine = as_engine(engine)
        self._cancel = cancel  # set: a run waiting on a server raises TranscriptionCancelled
        self._now = clock  # wall time of captures and events (a virtual clock in the paced replay)
        self.options = options or StreamingOptions()
        opts = self.options
        self._detector = detector or (silero_detector(opts.vad_threshold) if opts.uses_vad else None)
        self._buffer = AudioBuffer()
        self._clock = CaptureClock()
        self._hyp = HypothesisBuffer(
            opts.agreement, opts.commit_tolerance_s, opts.dedup_max_ngram, opts.min_commit_prob
        )
        self._committed: list[Word] = []
        # The same words as the model wrote them, full stops included: the prompt. A prompt that ends in
        # mid-sentence makes Whisper skip the buffer's first words (live, "ask what you" of JFK's).
        self._as_heard: list[Word] = []
        self._language = opts.language
        self._processed_end = 0.0  # buffer end (session s) at the last process() that did work
        self._last_run_end: float | None = None  # buffer end at the last model run since the last cut
        self._settled_end = 0.0  # session time up to which a pause committed all speech
        self._heard_until = 0.0  # end of the speech the last model run heard
        self._last_partial = ""
        self._phrase_committed_at: float | None = None  # wall time of this phrase's latest commit
        self._heard_stop = False  # the last model run heard speech end (COVER_MARGIN_S of silence after it)
        self._stop_pending = False  # the last VAD heard the speaker stop and no model run has heard it yet
        self._stepped_end = 0.0  # buffer end at the last step that could run the model on new speech
        self._vad_speech_end = 0.0  # session time where the last VAD heard speech end
        self._vad_quiet = False  # the last VAD heard silence after that speech
        self._held_stop: Word | None = None  # the last commit's full stop, until the next word decides
        self._words_end = 0.0  # end of the last hypothesis' last word (session s)
        self.stats = StepStats()

    @property
    def language(self) -> str | None:
        """The session's language: the one asked for, en for English-only models, else detected once."""
        return self._language or (None if self.engine.multilingual else "en")

    def use_engine(self, engine: Engine | LoadedModel) -> None:
        """Go on with another engine (a server failed: the local model); buffer and commits stay."""
        self.engine = as_engine(engine)

    # -- input --------------------------------------------------------------------------------

    def insert_audio(self, samples16k, captured_at: float | None = None) -> None:
        """Append contract samples; `captured_at` is the wall time of their last sample (default: now)."""
        self._buffer.append(samples16k)
        if samples16k.size:
            self._clock.mark(self._buffer.end_s, self._now() if captured_at is None else captured_at)

    @property
    def audio_s(self) -> float:
        """Session audio received so far, in seconds."""
        return self._buffer.end_s

    @property
    def buffer_s(self) -> float:
        return self._buffer.duration_s

    @property
    def committed_words(self) -> tuple[Word, ...]:
        return tuple(self._committed)

    @property
    def committed_text(self) -> str:
        return words_text(self._committed)

    def ready(self) -> bool:
        """True when a step's worth of new audio is waiting. While only a phrase's end is awaited (the
        last run heard the speaker stop, words are pending), every PAUSE_POLL_S: those steps run the VAD,
        not the model, and end the phrase as soon as the pause is long enough. Likewise once the VAD
        hears the speaker stop before any run did: the closing run then starts at CLOSING_SILENCE_S."""
        if (self._heard_stop and self._hyp.pending) or self._stop_pending:
            return self._buffer.end_s - self._processed_end >= min(self.options.step_s, PAUSE_POLL_S) - 1e-9
        return self._buffer.end_s - self._stepped_end >= self.options.step_s - 1e-9

    # -- steps --------------------------------------------------------------------------------

    def process(self) -> list[StreamEvent]:
        """One step over the buffer: may commit words, update the partial, and trim."""
        if self._buffer.duration_s < self.options.min_buffer_s or self._buffer.end_s <= self._processed_end:
            return []
        started = time.perf_counter()
        self._processed_end = self._buffer.end_s
        self.stats.steps += 1
        events = self._step()
        self._stop_pending = self._awaits_closing_run()
        held = self._held_stop
        if held is not None and self._buffer.end_s - max(held.end, self._vad_speech_end) >= HOLD_MAX_S - 1e-9:
            events += self._release_stop()
        self.stats.step_s.append(time.perf_counter() - started)
        return events

    def finish(self, hear_rest: bool = True) -> list[StreamEvent]:
        """End of input: transcribe what is left and commit all of it. With `hear_rest=False` (stopped at
        once) no model runs: the last hypothesis' pending words are committed as they are, but for a last
        word its run may have heard only in part."""
        events: list[StreamEvent] = []
        buffer = self._buffer
        heard_all = self._last_run_end is not None and self._last_run_end >= buffer.end_s - 1e-6
        speech = self._speech() if hear_rest else None
        if (
            speech is not None
            and buffer.duration_s > 0
            and not heard_all
            and (self._has_new_speech(speech) or self._hyp.pending)
        ):
            words, _, _ = self._transcribe_checked(speech)
            events += self._commit_events(self._hyp.commit_all(words))
        elif hear_rest:
            events += self._commit_events(self._hyp.commit_all())
        else:  # a word ending near the last run's end may be cut off: that run did not hear it whole
            heard_end = (self._last_run_end or 0.0) - COVER_MARGIN_S
            events += self._commit_events(self._hyp.commit_pending(heard_end))
        self._processed_end = buffer.end_s
        return events + self._release_stop() + self._partial_events()

    def _step(self) -> list[StreamEvent]:
        opts = self.options
        # A step between two regular ones, taken only because the speaker may have stopped: it may end the
        # phrase or run the closing run, nothing else (new speech waits for the regular step).
        poll = (
            self._stop_pending
            and not (self._heard_stop and self._hyp.pending)
            and self._buffer.end_s - self._stepped_end < opts.step_s - 1e-9
        )
        if not poll:
            self._stepped_end = self._buffer.end_s
        speech = self._speech()
        if opts.vad_gate and not self._hyp.pending and not self._has_new_speech(speech):
            return self._skip_silence(speech)
        speech_end = self._buffer.start_s + speech.speech_end
        paused = opts.vad_finalize and (
            speech.trailing_silence_s >= opts.finalize_silence_s or self._sentence_heard(speech, speech_end)
        )
        closing = self._closing_run_due(speech, speech_end)
        if poll and not paused and not closing:
            self.stats.stop_polls += 1
            return []
        if (
            not paused
            and not closing
            and self._detector is not None
            and self._new_speech_s(speech) < opts.min_new_speech_s - 1e-6
        ):
            # Nothing new was said since the last run: another hypothesis would only repeat the last
            # one, and agreeing with itself during a pause would commit words before the speaker goes on.
            self.stats.skipped_no_new_speech += 1
            return []
        if (
            paused
            and self._last_run_end is not None
            and self._last_run_end >= speech_end + COVER_MARGIN_S
            and not self._unheard_before(speech, self._words_end, speech_end)
        ):
            # The last hypothesis already heard the whole phrase: commit it without a model run.
            self.stats.finalized_without_model += 1
            events = self._commit_events(self._hyp.commit_all())
            self._settle(speech_end)
            return events + self._trim(speech, []) + self._partial_events()
        words, segment_ends, speech = self._transcribe_checked(speech)
        events, words = self._finalize_at_pause(words, speech)
        events += self._commit_events(self._hyp.insert(words).committed)
        return events + self._trim(speech, segment_ends) + self._partial_events()

    def _closing_run_due(self, speech: SpeechMap, speech_end: float) -> bool:
        """The speaker stopped CLOSING_SILENCE_S ago and no hypothesis has heard the phrase's last words: run once
        now, so a pause can end the phrase from that hypothesis without another model run."""
        return (
            self.options.sentence_pause_s is not None
            and speech.has_speech
            and speech.trailing_silence_s >= CLOSING_SILENCE_S - 1e-6
            and speech_end > self._settled_end + 1e-6
            and (self._last_run_end is None or self._last_run_end < speech_end + COVER_MARGIN_S)
        )

    def _awaits_closing_run(self) -> bool:
        """The last VAD heard the speaker stop after speech no model run has heard to its end: step every
        PAUSE_POLL_S, so the closing run starts at CLOSING_SILENCE_S of silence, not at the next step."""
        end = self._vad_speech_end
        return (
            self.options.sentence_pause_s is not None
            and self._vad_quiet
            and end > self._settled_end + COVER_MARGIN_S
            and (self._last_run_end is None or self._last_run_end < end + COVER_MARGIN_S)
        )

    def _sentence_heard(self, speech: SpeechMap, speech_end: float) -> bool:
        """A short pause after a finished sentence the last hypothesis heard to its end."""
        opts, pending = self.options, self._hyp.pending
        return (
            opts.sentence_pause_s is not None
            and speech.trailing_silence_s >= opts.sentence_pause_s - 1e-6
            and self._last_run_end is not None
            and self._last_run_end >= speech_end + COVER_MARGIN_S
            and bool(pending)
            and pending[-1].text.strip().endswith(SENTENCE_END)
        )

    def _finalize_at_pause(self, words: list[Word], speech: SpeechMap) -> tuple[list[StreamEvent], list[Word]]:
        """Commit everything said before the latest long pause (inside the buffer or at its end) at once;
        the words after it go on to agreement."""
        if not self.options.vad_finalize or self._detector is None:
            return [], words
        settled = max(self._settled_end, self._buffer.start_s)
        opts, start = self.options, self._buffer.start_s
        pause = finalizing_pause(speech, start, settled, opts.finalize_silence_s)
        if pause is None and opts.sentence_pause_s is not None:
            short = finalizing_pause(speech, start, settled, opts.sentence_pause_s - 1e-6)
            last_run = self._last_run_end
            if short is not None and last_run is not None and last_run >= short[0] + COVER_MARGIN_S:
                said = split_at(words, (short[0] + short[1]) / 2)[0]
                pause = short if said and said[-1].text.strip().endswith(SENTENCE_END) else None
        if pause is None:
            return [], words
        before, after = split_at(words, (pause[0] + pause[1]) / 2)
        if self._unheard_before(speech, before[-1].end if before else 0.0, pause[0]):
            return [], words  # the hypothesis never got to the phrase before this pause: it must stay in the buffer
        events = self._commit_events(self._hyp.commit_all(before))
        self._settle(pause[0])
        return events, after

    def _unheard_before(self, speech: SpeechMap, words_end: float, pause_start: float) -> bool:
        """More than STALL_S of speech between the hypothesis' last word before a pause (`words_end`) and the
        pause: Whisper stopped short of that phrase (it sometimes ends at a finished sentence earlier in the
        buffer). Settling at the pause would declare the phrase said and a later trim would drop its audio.
        After CONTEXT_SILENCE_S of silence it is let go: by then the stall has re-anchored Whisper on that
        speech, and what it still finds no words in (noise the VAD took for speech) must not keep the model
        running through the pause."""
        if speech.trailing_silence_s >= CONTEXT_SILENCE_S:
            return False
        heard = max(words_end, self._settled_end, self._hyp.committed_end, self._buffer.start_s)
        return speech_between(speech, self._buffer.start_s, heard, pause_start) > STALL_S

    def _new_speech_s(self, speech: SpeechMap) -> float:
        """Seconds of speech after what the last model run heard."""
        return speech_between(speech, self._buffer.start_s, self._heard_until, self._buffer.end_s)

    def _has_new_speech(self, speech: SpeechMap) -> bool:
        """Speech the VAD hears after everything already settled at a pause."""
        settled = self._settled_end - self._buffer.start_s
        return any(end > settled + COVER_MARGIN_S for _, end in speech.spans)

    def _skip_silence(self, speech: SpeechMap) -> list[StreamEvent]:
        """No new speech: no model run. A long silence also ends the acoustic context."""
        self.stats.skipped_silent += 1
        if speech.trailing_silence_s > CONTEXT_SILENCE_S or not speech.has_speech:
            self._buffer.trim_to(self._buffer.end_s - SILENCE_KEEP_S)
            self._after_cut()
        return self._partial_events()

    def _settle(self, speech_end: float) -> None:
        """A pause committed everything up to `speech_end`; the next phrase starts after it."""
        self.stats.pauses += 1
        wall = self._clock.wall_time(speech_end)
        if self._phrase_committed_at is not None and wall is not None:
            self.stats.phrase_latency_s.append(max(0.0, self._phrase_committed_at - wall))
        self._phrase_committed_at = None
        self._settled_end = speech_end
        self._hyp.reset()
        # A last word's end time can run into the pause; never let it swallow the next phrase. A pause found
        # behind words of the next phrase already committed (a later hypothesis added a full stop before it)
        # leaves the committed end alone: moved back, those words were committed again (11 words, live).
        if not self._committed or self._committed[-1].start <= speech_end:
            self._hyp.committed_end = min(self._hyp.committed_end, speech_end)

    def _speech(self) -> SpeechMap:
        samples = self._buffer.samples
        if self._detector is None:
            duration = samples.size / SAMPLE_RATE
            return SpeechMap(((0.0, duration),), duration)
        started = time.perf_counter()
        speech = analyze(samples, self._detector)
        self.stats.vad_s += time.perf_counter() - started
        self._vad_speech_end = self._buffer.start_s + speech.speech_end
        self._vad_quiet = speech.has_speech and speech.trailing_silence_s >= QUIET_S
        return speech

    def _prompt(self) -> str:
        """Tail of the committed text whose audio has left the buffer (the rest is re-heard)."""
        limit = self.options.prompt_chars
        if limit <= 0:
            return ""
        start = self._buffer.start_s + self.options.commit_tolerance_s
        parts: list[str] = []
        size = 0
        for word in reversed(self._as_heard):
            if word.end > start:
                if parts:
                    break
                continue
            parts.append(word.text)
            size += len(word.text)
            if size >= limit:
                break
        text = "".join(reversed(parts)).strip()
        return text[-limit:].split(" ", 1)[-1] if len(text) > limit else text

    def _transcribe(self, speech: SpeechMap, fallback: bool = False) -> tuple[list[Word], list[float]]:
        buffer = self._buffer
        samples = buffer.samples
        if self._detector is not None and speech.has_speech and speech.trailing_silence_s > TAIL_PAD_S:
            samples = samples[: round((speech.speech_end + TAIL_PAD_S) * SAMPLE_RATE)]
        # The fallback goes without the prompt: Whisper skips speech that repeats the prompt's last words
        # (base, JFK's "ask what you can do for your country" after "... can do for you": "country.").
        options = self.options.transcribe_options("" if fallback else self._prompt(), self.language)
        if fallback:
            options = replace(options, beam_size=FALLBACK_BEAM, temperature=FALLBACK_TEMPERATURES)
        phases = self.engine.phases
        if phases is not None:
            phases.take()  # start this run's sums from zero
        started = time.perf_counter()
        produced, language, _ = self.engine.run(PcmAudio(samples, SAMPLE_RATE, 1), options, self._cancel)
        segments = list(produced)
        self.stats.model_s.append(time.perf_counter() - started)
        if phases is not None:
            self.stats.add_phases(phases.take())
        self.stats.buffer_s.append(buffer.duration_s)
        self.stats.run_at_s.append(buffer.end_s)
        self.stats.model_runs += 1
        if self._language is None and self.engine.multilingual and is_language_code(language):
            self._language = language
        self._last_run_end = buffer.start_s + samples.size / SAMPLE_RATE
        self._heard_until = min(self._last_run_end, buffer.start_s + speech.speech_end)
        self._heard_stop = (
            self.options.sentence_pause_s is not None
            and speech.has_speech
            and (self._last_run_end >= buffer.start_s + speech.speech_end + COVER_MARGIN_S)
        )
        if self.engine.remote:  # a server's word times may be guesses (inference/remote/engine.py)
            in_buffer = [shifted_word(w, -buffer.start_s) for w in self._as_heard if w.end > buffer.start_s]
            segments = segments_after_commits(segments, in_buffer)
        has_vad = self._detector is not None
        return hypothesis_words(segments, buffer.start_s, self.options.guards, speech if has_vad else None)

    def _transcribe_checked(self, speech: SpeechMap) -> tuple[list[Word], list[float], SpeechMap]:
        """Transcribe (re-anchored when Whisper stopped following the speech) and note where its words end."""
        words, ends, speech = self._transcribe_reanchored(speech)
        self._words_end = words[-1].end if words else 0.0
        return words, ends, speech

    def _transcribe_reanchored(self, speech: SpeechMap) -> tuple[list[Word], list[float], SpeechMap]:
        """Transcribe; when the hypothesis stopped following the speech, re-anchor and try once more.

        Re-anchoring cuts the buffer at the latest pause before the stall where everything is
        committed (Whisper then starts on the unheard speech); with no such pause, the step is
        decoded again with beam search and temperature fallback, and without the prompt.
        """
        words, ends = self._transcribe(speech)
        if self._detector is None:
            return words, ends, speech
        buffer = self._buffer
        heard_from = max(buffer.start_s, self._settled_end, self._hyp.committed_end)
        stall = stall_point(words, speech, buffer.start_s, heard_from, STALL_S, SKIP_S)
        if stall is None:
            return words, ends, speech
        self.stats.stalls += 1
        # a cut in a pause that starts at the stall: the VAD's speech end may lie a little past the last word's end
        latest = stall + COMMITTED_SLACK_S + PAUSE_CUT_MAX_S
        cuts = [t for t in self._safe_cuts(speech) if buffer.start_s + MIN_REANCHOR_S < t <= latest]
        if cuts:
            buffer.trim_to(max(cuts))
            self._after_cut()
            speech = self._speech()
            words, ends = self._transcribe(speech)
        else:
            words, ends = self._transcribe(speech, fallback=True)
        return words, ends, speech

    # -- cutting the buffer ---------------------------------------------------------------------

    def _safe_cuts(self, speech: SpeechMap) -> list[float]:
        settled = max(self._hyp.committed_end, self._settled_end)
        return safe_cuts(speech, self._buffer.start_s, settled, self.options.min_pause_s)

    def _trim(self, speech: SpeechMap, segment_ends: list[float]) -> list[StreamEvent]:
        """Keep the cost per step bounded: past trim_s, cut in a pause (or at a segment end) before
        which everything is committed, keeping about trim_s / 2 of audio as acoustic context."""
        buffer, opts = self._buffer, self.options
        events: list[StreamEvent] = []
        committed_end = self._hyp.committed_end
        if buffer.duration_s > opts.trim_s:
            cuts = self._safe_cuts(speech) if self._detector else []
            if not cuts:  # continuous speech: ends of segments whose words are all committed (whisper_streaming's
                # cut points); a pause's slack past the committed end would cut off a short last word uncommitted
                cuts = [t for t in segment_ends if t <= committed_end + opts.commit_tolerance_s]
            cuts = [t for t in cuts if buffer.start_s < t <= max(committed_end, self._settled_end) + PAUSE_CUT_MAX_S]
            cuts = [t for t in cuts if t <= buffer.end_s - opts.trim_min_tail_s]
            later = [t for t in cuts if t >= buffer.end_s - opts.trim_s / 2]
            if cuts:
                buffer.trim_to(min(later) if later else max(cuts))
                self._after_cut()
        if buffer.duration_s > opts.max_buffer_s:
            self.stats.forced_cuts += 1
            if committed_end <= buffer.start_s:  # nothing agreed for a whole buffer: commit what is there
                keep_from = buffer.end_s - 2 * opts.step_s
                events += self._commit_events(
                    self._hyp.commit_all([w for w in self._hyp.pending if w.end <= keep_from])
                )
            buffer.trim_to(max(self._hyp.committed_end, buffer.end_s - opts.max_buffer_s))
            self._hyp.reset()
            self._after_cut()
        return events

    def _after_cut(self) -> None:
        self._last_run_end = None
        self._heard_stop = False
        self._clock.prune(self._buffer.start_s)

    # -- events -------------------------------------------------------------------------------

    def _latency(self, audio_end: float, now: float) -> float:
        wall = self._clock.wall_time(audio_end)
        return now - wall if wall is not None else 0.0

    def _commit_events(self, words: tuple[Word, ...] | list[Word]) -> list[StreamEvent]:
        if not words:
            return []
        words = list(self._monotonic(words))
        self._as_heard.extend(words)
        events: list[StreamEvent] = []
        if self._held_stop is not None and continues_sentence(words[0]):
            self._held_stop = None
            self.stats.stops_dropped += 1
        events += self._release_stop()  # a commit of its own: it ends the last piece, not begins this one
        if self.options.hold_stops and self._detector is not None:
            words[-1], self._held_stop = hold_stop(words[-1])
            self.stats.stops_held += self._held_stop is not None
        self._committed.extend(words)
        now = self._now()
        self._phrase_committed_at = now
        end = min(words[-1].end, self._buffer.end_s)
        start = min(words[0].start, end)
        return [
            *events,
            Commit(words_text(words), start, end, now, self._latency(end, now), tuple(words), self.language),
        ]

    def _release_stop(self) -> list[StreamEvent]:
        """The held stop as a commit of its own: the next words start a new sentence, the session ended, or a
        long silence followed it."""
        stop, self._held_stop = self._held_stop, None
        if stop is None:
            return []
        stop = self._monotonic([stop])[0]
        self._committed.append(stop)
        now = self._now()
        return [Commit(stop.text, stop.start, stop.end, now, self._latency(stop.end, now), (stop,), self.language)]

    def _monotonic(self, words: tuple[Word, ...] | list[Word]) -> tuple[Word, ...]:
        """Whisper's word times from two hypotheses can overlap by a few tenths of a second: clamp
        new words to start where the committed ones end, so transcript times never run backwards."""
        floor = self._committed[-1].end if self._committed else 0.0
        fixed = []
        for word in words:
            start = max(word.start, floor)
            end = max(word.end, start)
            fixed.append(word if (start, end) == (word.start, word.end) else replace(word, start=start, end=end))
            floor = end
        return tuple(fixed)

    def _partial_events(self) -> list[StreamEvent]:
        pending = self._hyp.pending
        text = words_text(pending)
        if text == self._last_partial:
            return []
        self._last_partial = text
        now = self._now()
        if pending:
            end = min(pending[-1].end, self._buffer.end_s)
            start = min(pending[0].start, end)
        else:
            start = end = self._hyp.committed_end
        return [Partial(text, start, end, now, self._latency(end, now))]
