"""OnlineTranscriber's policy end to end on a scripted model: commits, pauses, silence, guards, cost."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from audio.constants import SAMPLE_RATE
from inference.stream_events import Commit, Partial
from inference.streaming import OnlineTranscriber, StreamingOptions
from tests.inference.streaming_fakes import (
    ScriptedWhisper,
    _segment,
    fake_loaded,
    script,
    scripted_detector,
    spoken_text,
    time_of,
    timed_audio,
)

CHUNK_S = 0.1  # audio arrives in 100 ms chunks, as from a converter


def feed(transcriber: OnlineTranscriber, start_s: float, end_s: float) -> list:
    """Insert audio chunk by chunk, stepping whenever a step's worth has arrived."""
    events = []
    t = start_s
    while t < end_s - 1e-9:
        nxt = min(end_s, t + CHUNK_S)
        transcriber.insert_audio(timed_audio(t, nxt), captured_at=1000.0 + nxt)
        if transcriber.ready():
            events += transcriber.process()
        t = nxt
    return events


def make(words, options: StreamingOptions | None = None, **model_kwargs) -> tuple[OnlineTranscriber, ScriptedWhisper]:
    model = ScriptedWhisper(words, **model_kwargs)
    return OnlineTranscriber(fake_loaded(model), options, detector=scripted_detector(words)), model


def commits(events) -> list[Commit]:
    return [e for e in events if isinstance(e, Commit)]


def test_silence_never_reaches_the_model():
    """With no speech in the buffer the model is not called and nothing is committed."""
    transcriber, model = make([])
    events = feed(transcriber, 0.0, 12.0) + transcriber.finish()
    assert model.calls == []
    assert commits(events) == []
    assert transcriber.buffer_s <= 1.0  # silence is not kept


def test_every_word_is_committed_once_in_order():
    """Phrases with pauses and unstable last words end up committed exactly as spoken."""
    words = script(
        (0.5, "the quick brown fox jumps over the lazy dog"),
        (4.0, "and then it ran far away into the woods"),
        (8.6, "never to be seen again by anyone"),
    )
    transcriber, _ = make(words)
    events = feed(transcriber, 0.0, 12.0) + transcriber.finish()
    assert transcriber.committed_text == spoken_text(words)
    assert " ".join(c.text for c in commits(events)) == spoken_text(words)
    assert all("zz" not in c.text for c in commits(events))  # garbled tails only ever show as partials
    assert any("zz" in e.text for e in events if isinstance(e, Partial))


def test_commit_events_carry_audio_span_and_latency():
    """A commit covers its words' audio and its latency is emission time minus capture time of its end."""
    words = script((0.5, "alpha beta gamma delta"))
    transcriber, _ = make(words)
    events = feed(transcriber, 0.0, 4.0)
    first = commits(events)[0]
    assert first.audio_start == pytest.approx(words[0].start)
    assert first.audio_end == pytest.approx(first.words[-1].end)
    assert first.latency_s == pytest.approx(first.emitted_at - (1000.0 + first.audio_end), abs=1e-6)


def test_pause_commits_the_phrase_before_the_next_one_starts():
    """After finalize_silence_s of trailing silence the whole phrase is committed, with no finish()."""
    words = script((0.5, "hello there my friend"))  # speech ends at 1.7 s
    options = StreamingOptions(finalize_silence_s=0.8)
    transcriber, _ = make(words, options)
    feed(transcriber, 0.0, 1.7 + options.finalize_silence_s + options.step_s + 0.05)
    assert transcriber.committed_text == spoken_text(words)
    assert transcriber.stats.pauses == 1


def test_short_pause_does_not_commit_a_guess():
    """Steps in a short pause hear no new speech, so they neither run the model nor agree with themselves."""
    words = script((0.5, "one two three four"), (2.45, "five six"))  # a 0.75 s pause after 1.7 s
    transcriber, model = make(words, StreamingOptions(finalize_silence_s=0.8))
    feed(transcriber, 0.0, 2.2)
    runs_before = len(model.calls)
    feed(transcriber, 2.2, 2.6)  # the step at 2.5 s has only 0.05 s of new speech
    assert len(model.calls) == runs_before
    assert transcriber.stats.skipped_no_new_speech >= 1
    feed(transcriber, 2.6, 4.0)
    transcriber.finish()
    assert transcriber.committed_text == spoken_text(words)


def test_duplicate_words_at_buffer_edges_are_not_committed_twice():
    """Timestamps that move between runs never make a committed word appear again."""
    words = script(*[(i * 3.5, "we are going to the market today") for i in range(6)], word_s=0.35)
    # 0.5 s steps: with 0.4 s ones every phrase's first word ends exactly on the fake's garbling edge
    # (end - garble_s) in two runs, and both garble it: an artifact of the scripted grid, not of the policy.
    transcriber, _ = make(words, StreamingOptions(step_s=0.5), jitter_s=0.12)
    feed(transcriber, 0.0, 24.0)
    transcriber.finish()
    assert transcriber.committed_text == spoken_text(words)


def test_hallucinated_sentence_after_a_full_stop_is_dropped():
    """'Thank you.' with a near-zero first-word probability after the heard words is never committed."""
    words = script((0.5, "this is the end."))

    def thanks(heard, duration):
        return [(" Thank", duration - 0.2, duration - 0.1, 0.01), (" you.", duration - 0.1, duration, 0.95)]

    transcriber, _ = make(words, extra=thanks)
    feed(transcriber, 0.0, 4.0)
    transcriber.finish()
    assert transcriber.committed_text == "this is the end."


def test_repetition_loop_is_not_committed():
    """A decoding loop ('the the the ...') at the end of each hypothesis is cut to two repeats."""
    words = script((0.5, "look at"))

    def loop(heard, duration):
        return [(" the", 0.9 + i * 0.05, 0.95 + i * 0.05, 0.9) for i in range(6)]

    transcriber, _ = make(words, extra=loop)
    feed(transcriber, 0.0, 1.6)
    transcriber.finish()
    assert transcriber.committed_text == "look at the the"


def test_finish_flushes_the_last_words():
    """Speech that runs to the very end of the input is committed by finish()."""
    words = script((0.5, "and the last words are these"))
    transcriber, _ = make(words)
    feed(transcriber, 0.0, words[-1].end + 0.3)  # the input stops well before a pause would commit
    assert transcriber.committed_text != spoken_text(words)
    events = transcriber.finish()
    assert transcriber.committed_text == spoken_text(words)
    assert events[-1] == Partial(
        "", events[-1].audio_start, events[-1].audio_end, events[-1].emitted_at, events[-1].latency_s
    )


def test_cost_per_step_stays_bounded_in_a_long_session():
    """Ten minutes of continuous speech: the buffer given to the model never grows past max_buffer_s."""
    phrases = [(i * 4.0, "one two three four five six seven eight nine ten eleven twelve") for i in range(150)]
    words = script(*phrases, word_s=0.3)  # 3.6 s of speech then 0.4 s pauses: never a finalizing pause
    options = StreamingOptions()
    transcriber, model = make(words, options)
    feed(transcriber, 0.0, 600.0)
    transcriber.finish()
    lengths = [c["end"] - c["start"] for c in model.calls]
    assert max(lengths) <= options.max_buffer_s
    assert max(lengths[-100:]) <= options.trim_s + options.trim_min_tail_s + 2 * options.step_s
    assert transcriber.committed_text == spoken_text(words)
    assert len(transcriber._clock._ends) < 400  # capture marks are pruned with the buffer


def test_prompt_carries_committed_text_that_left_the_buffer():
    """Once the buffer is trimmed, the model is prompted with the committed words before it."""
    words = script(*[(i * 4.0, "red green blue yellow orange purple pink") for i in range(6)])
    transcriber, model = make(words)
    feed(transcriber, 0.0, 24.0)
    prompted = [c for c in model.calls if c.get("initial_prompt")]
    assert prompted, "no call was prompted"
    assert all(
        c["initial_prompt"].endswith(("pink", "purple", "orange", "yellow", "blue", "green", "red")) for c in prompted
    )
    assert all(c["beam_size"] == StreamingOptions().beam_size and c["vad_filter"] is False for c in model.calls)


def test_baseline_options_mirror_whisper_streaming():
    """The baseline steps 1 s, beam 5 with fallback, trims at 15 s and never uses the VAD."""
    base = StreamingOptions.whisper_streaming_baseline()
    assert (base.step_s, base.beam_size, base.trim_s) == (1.0, 5, 15.0)
    assert not base.uses_vad and len(base.temperature) > 1
    with pytest.raises(ValueError, match="max_buffer_s"):
        replace(base, max_buffer_s=31.0)


def test_committed_word_times_never_run_backwards():
    """Timestamps that move between hypotheses (as Whisper's do) never make a commit start before the
    previous one ended: exported live transcripts keep their segments in order."""
    words = script(
        (0.5, "the quick brown fox jumps over the lazy dog"),
        (4.0, "and then it ran far away into the woods"),
        (8.6, "never to be seen again by anyone"),
    )
    transcriber, _ = make(words, jitter_s=0.12)
    events = feed(transcriber, 0.0, 12.0) + transcriber.finish()
    committed = transcriber.committed_words
    assert transcriber.committed_text == spoken_text(words)
    assert all(a.end <= b.start + 1e-9 and b.start <= b.end for a, b in itertools.pairwise(committed))
    starts = [c.audio_start for c in commits(events)]
    assert starts == sorted(starts)


def test_a_finished_sentence_ends_its_phrase_at_a_short_pause():
    """A run that heard the whole phrase with sentence_pause_s of silence after it commits a finished sentence
    at once (what a pausing dictation user waits for); end of phrase = commit time minus capture of its end."""
    words = script((0.5, "hello there my friend."))  # speech ends at 1.7 s
    options = StreamingOptions(step_s=0.3, sentence_pause_s=0.4, finalize_silence_s=0.8)
    transcriber, _ = make(words, options)
    events = feed(transcriber, 0.0, 2.35)  # the last step at 2.3 s: 0.6 s of silence, short of finalize_silence_s
    assert transcriber.committed_text == "hello there my friend"  # its full stop waits for the next word
    assert transcriber.stats.pauses == 1
    last = commits(events)[-1]
    assert transcriber.stats.phrase_latency_s == [pytest.approx(last.emitted_at - (1000.0 + 1.7), abs=1e-3)]

    without, _ = make(words, replace(options, sentence_pause_s=None))
    feed(without, 0.0, 2.35)
    assert without.stats.pauses == 0  # the same pause without the rule: still waiting


def test_an_unfinished_sentence_waits_for_the_long_pause():
    """Without a sentence end the short pause may be a breath inside the sentence: nothing is forced."""
    words = script((0.5, "hello there my friend"))
    options = StreamingOptions(step_s=0.3, sentence_pause_s=0.4, finalize_silence_s=0.8)
    transcriber, _ = make(words, options)
    feed(transcriber, 0.0, 2.35)
    assert transcriber.stats.pauses == 0
    feed(transcriber, 2.35, 2.8)
    assert transcriber.stats.pauses == 1 and transcriber.committed_text == spoken_text(words)


def test_the_speaker_stopping_gets_one_run_that_hears_the_last_words():
    """The step after the speech ends runs the model although under min_new_speech_s is new, so the pause
    can be ended from a hypothesis that heard everything."""
    words = script((0.5, "one two three four"))  # ends at 1.7 s; the run at 1.5 s did not hear all of it
    options = StreamingOptions(step_s=0.5, min_new_speech_s=0.3)
    transcriber, model = make(words, options)
    feed(transcriber, 0.0, 2.05)
    assert model.calls[-1]["end"] == pytest.approx(2.0)  # the closing run: 0.2 s of new speech, 0.3 s of silence
    assert len(model.calls) == 3  # runs at 1.0 and 1.5 s, then the closing run
    without, plain = make(words, replace(options, sentence_pause_s=None))
    feed(without, 0.0, 2.05)
    assert plain.calls[-1]["end"] < 1.7


def test_the_closing_run_starts_when_the_pause_is_long_enough_not_at_the_next_step():
    """Once the VAD hears the speaker stop, steps come every 0.1 s: the closing run starts at 0.3 s of silence
    (2.1 s here), not at the next regular step (2.5 s), which is what a pausing user waits for."""
    words = script((0.5, "one two three four"), word_s=0.325)  # ends at 1.8 s; the step at 2.0 s hears 0.2 s
    options = StreamingOptions(step_s=0.5, min_new_speech_s=0.35)  # and runs no model there
    transcriber, _ = make(words, options)
    feed(transcriber, 0.0, 2.45)
    assert transcriber.stats.run_at_s[-1] == pytest.approx(2.1)
    assert transcriber.stats.stop_polls == 0  # 2.1 s was the first poll; it ran the closing run
    without, _ = make(words, replace(options, sentence_pause_s=None))  # no closing run, so no polls
    feed(without, 0.0, 2.45)
    assert without.stats.run_at_s[-1] == pytest.approx(1.5) and without.stats.stop_polls == 0


def test_steps_between_regular_ones_never_run_the_model_on_new_speech():
    """The polls after a stop only end a phrase or run the closing run: when the speaker goes on, the next
    model run waits for the regular step, so a short breath does not double the runs."""
    words = script((0.5, "one two three"), (1.65, "four five six"))  # a 0.25 s breath at 1.4 s
    options = StreamingOptions(step_s=0.5, min_new_speech_s=0.05)
    transcriber, _ = make(words, options)
    feed(transcriber, 0.0, 2.55)
    stats = transcriber.stats
    assert stats.stop_polls >= 1  # the poll at 1.6 s heard 0.2 s of silence, the one at 1.7 s speech again
    assert [round(t, 3) for t in stats.run_at_s] == [1.0, 1.5, 2.0, 2.5]


# Whisper ends a buffer that stops at a pause with a full stop, also in mid-sentence.
MID_SENTENCE = script((0.5, "the art of printing."), (2.5, "which we know"))
NEW_SENTENCE = script((0.5, "the art of printing."), (2.5, "It came late"))


def test_a_full_stop_the_next_word_shows_inside_a_sentence_is_dropped():
    """The pause commits "the art of printing" with its stop held; the next phrase starts in lower case, so the
    stop never reaches the transcript (typed, it would read "printing. Which we know")."""
    transcriber, _ = make(MID_SENTENCE)
    events = feed(transcriber, 0.0, 2.45) + feed(transcriber, 2.45, 4.5) + transcriber.finish()
    assert transcriber.stats.pauses >= 1 and transcriber.stats.stops_dropped == 1
    assert transcriber.committed_text == "the art of printing which we know"
    assert not any(c.text.endswith(".") for c in commits(events)[:-1])


def test_a_full_stop_before_a_capital_comes_with_the_next_words():
    transcriber, _ = make(NEW_SENTENCE)
    events = feed(transcriber, 0.0, 4.5) + transcriber.finish()
    assert transcriber.committed_text == "the art of printing. It came late"
    texts = [c.text for c in commits(events)]
    stop = texts.index(".")  # a commit of its own, glued on (no leading space), before the next words
    assert texts[stop - 1].endswith(" printing") and texts[stop + 1].startswith("It")
    assert transcriber.stats.stops_dropped == 0


def test_the_prompt_keeps_the_stops_the_model_wrote_even_when_the_transcript_drops_them():
    """Prompted with "printing which" rather than "printing. which", Whisper skipped the first words of the
    next buffer (JFK, live): the prompt is the model's own text, the transcript the corrected one."""
    words = script(*[(i * 2.0, f"red{i} green{i} blue{i} yellow{i}.") for i in range(12)])  # 0.8 s pauses
    transcriber, model = make(words)
    feed(transcriber, 0.0, 24.0)
    dropped = [i for i in range(11) if f"yellow{i} red{i + 1}" in transcriber.committed_text]
    prompts = [c["initial_prompt"] for c in model.calls if c.get("initial_prompt")]
    assert dropped and transcriber.stats.stops_dropped >= len(dropped)
    assert any(f"yellow{i}. red{i + 1}" in p for i in dropped for p in prompts)


def test_a_held_stop_is_released_after_a_second_of_silence_or_at_the_end():
    words = script((0.5, "hello there my friend."))  # speech ends at 1.7 s
    transcriber, _ = make(words)
    events = feed(transcriber, 0.0, 2.6)
    assert transcriber.committed_text == "hello there my friend"
    events += feed(transcriber, 2.6, 3.2)
    assert transcriber.committed_text == "hello there my friend."
    stop = commits(events)[-1]
    assert stop.text == "." and not stop.has_words and stop.emitted_at >= 1000.0 + 1.7 + 1.0

    ended, _ = make(words)
    feed(ended, 0.0, 2.6)
    assert [c.text for c in commits(ended.finish())] == ["."]


def test_the_whisper_streaming_like_options_hold_no_stops():
    transcriber, _ = make(MID_SENTENCE, StreamingOptions.whisper_streaming_baseline())
    feed(transcriber, 0.0, 4.5)
    transcriber.finish()
    assert "printing." in transcriber.committed_text and transcriber.stats.stops_held == 0


class StopsAtFullStop(ScriptedWhisper):
    """Whisper's early end, as seen live on LJ001-0007/0008: while the buffer still holds a finished sentence
    (its last word `stop_word`), the output ends there, its last word ending a little before the VAD's speech
    end; `never` words are never transcribed at all."""

    def __init__(self, words, stop_word: str, never: tuple[str, ...] = ()) -> None:
        super().__init__(words)
        self.stop = next(w for w in words if w.text == stop_word)
        self.never = never

    def transcribe(self, samples, **kwargs):
        start = time_of(samples)
        segments, info = super().transcribe(samples, **kwargs)
        kept = []
        for segment in segments:
            heard = [w for w in segment.words if w.word.strip() not in self.never]
            if start < self.stop.end:
                heard = [w for w in heard if w.end + start <= self.stop.end + 1e-6]
                if heard:
                    heard[-1].end -= 0.05
            kept += heard
        return iter([_segment([(w.word, w.start, w.end, w.probability) for w in kept])] if kept else []), info


# A 0.6 s pause after "printing": too short to settle it, so it is committed by agreement (as live).
STOPPING = script((0.5, "the art of printing"), (2.3, "and it is worth mention in passing"), (5.5, "the earliest book"))


def test_speech_after_an_early_end_is_re_anchored_not_dropped():
    """Whisper ends at "printing" while the next phrase is in the buffer: the transcriber cuts the buffer in
    the pause after it (the VAD's speech end 0.05 s past the last word's) and the phrase is transcribed.
    It was lost: the cut was refused, and the next long pause settled the unheard phrase."""
    model = StopsAtFullStop(STOPPING, "printing")
    transcriber = OnlineTranscriber(fake_loaded(model), StreamingOptions(), detector=scripted_detector(STOPPING))
    feed(transcriber, 0.0, STOPPING[-1].end + 1.5)
    transcriber.finish()
    assert transcriber.committed_text == spoken_text(STOPPING)
    assert transcriber.stats.stalls >= 1


def test_a_pause_never_settles_a_phrase_no_hypothesis_heard():
    """A phrase the model never transcribes (here: not at all) is not declared said by the pause after it
    while no hypothesis has got past it (a trim would then drop its audio); the next phrase is still
    committed, once."""
    model = StopsAtFullStop(STOPPING, "printing", never=tuple(w.text for w in STOPPING[4:11]))
    transcriber = OnlineTranscriber(fake_loaded(model), StreamingOptions(), detector=scripted_detector(STOPPING))
    settled: list[tuple[float, float]] = []  # (where, how far the commits went then)
    settle = transcriber._settle

    def spy(end: float) -> None:
        settled.append((end, transcriber.committed_words[-1].end))
        settle(end)

    transcriber._settle = spy  # type: ignore[method-assign]
    feed(transcriber, 0.0, STOPPING[-1].end + 1.5)
    transcriber.finish()
    assert transcriber.committed_text == spoken_text(STOPPING[:4] + STOPPING[11:])
    phrase_end, next_start = STOPPING[10].end, STOPPING[11].start
    at_phrase_end = [committed for end, committed in settled if abs(end - phrase_end) < 0.3]
    assert all(committed > next_start for committed in at_phrase_end), settled


class SkipsWhatThePromptSaid(ScriptedWhisper):
    """Prompted, Whisper drops a new phrase that repeats the prompt's words, all but its last word (base,
    live: after "... can do for you", JFK's "ask what you can do for your country" came out "country.")."""

    def __init__(self, words, phrase) -> None:
        super().__init__(words, garble_s=0.1)  # a last word heard 0.2 s into the pause is whole
        self.skipped = (phrase[0].start - 0.05, phrase[-2].end)

    def transcribe(self, samples, **kwargs):
        start = time_of(samples)
        segments, info = super().transcribe(samples, **kwargs)
        if not kwargs.get("initial_prompt"):
            return segments, info
        lo, hi = self.skipped
        kept = [w for s in segments for w in s.words if not lo <= start + w.start < hi]
        return iter([_segment([(w.word, w.start, w.end, w.probability) for w in kept])] if kept else []), info


def test_speech_the_prompt_hides_is_heard_by_the_fallback_without_it():
    """The first phrase leaves the buffer in a 4 s pause and becomes the prompt; prompted, the model skips the
    second phrase. The stall is found, no cut is possible, and the fallback decode goes without the prompt:
    every word is committed. With the prompt the fallback heard "country" only, as the runs before it."""
    first = script((0.5, "ask not what your country can do for you"))
    second = script((7.0, "ask what you can do for your country"))
    model = SkipsWhatThePromptSaid(first + second, second)
    transcriber = OnlineTranscriber(fake_loaded(model), StreamingOptions(), detector=scripted_detector(first + second))
    feed(transcriber, 0.0, second[-1].end + 1.5)
    transcriber.finish()
    assert transcriber.committed_text == spoken_text(first + second)
    assert transcriber.stats.stalls >= 1
    fallbacks = [c for c in model.calls if c["beam_size"] == 5]
    assert fallbacks and not any(c.get("initial_prompt") for c in fallbacks)


class LateFullStop(ScriptedWhisper):
    """Hypotheses from buffers ending after `from_s` end `word` with a full stop that earlier ones lacked."""

    def __init__(self, words, word: str, from_s: float) -> None:
        super().__init__(words, garble_s=0.1)  # a last word heard 0.2 s into the pause is whole
        self.word, self.from_s = word, from_s

    def transcribe(self, samples, **kwargs):
        segments, info = super().transcribe(samples, **kwargs)
        end = time_of(samples) + samples.size / SAMPLE_RATE
        segments = list(segments)
        for segment in segments:
            for w in segment.words:
                if end > self.from_s and w.word.strip() == self.word:
                    w.word += "."
        return iter(segments), info


def test_a_full_stop_found_late_does_not_commit_the_next_phrase_again():
    """A 0.5 s pause after "four" ends no phrase (no full stop) and eleven words after it are committed by
    agreement; then, the speaker still going, a hypothesis puts a full stop after "four", so that pause ends
    a sentence after all. Settling it must not move the committed end back before those words: they were
    committed twice (more than the 10-word echo check catches)."""
    after = "five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
    words = script((0.5, "one two three four"), (2.2, after))
    model = LateFullStop(words, "four", from_s=6.2)
    transcriber = OnlineTranscriber(fake_loaded(model), StreamingOptions(), detector=scripted_detector(words))
    feed(transcriber, 0.0, 6.2)
    assert len(transcriber.committed_text.split()) >= 4 + 11  # eleven words of the phrase are committed already
    feed(transcriber, 6.2, words[-1].end + 1.5)
    transcriber.finish()
    assert transcriber.committed_text.replace(".", "") == spoken_text(words)


def test_speech_the_model_finds_no_words_in_does_not_keep_it_running_through_the_pause():
    """3 s of what the VAD calls speech but the model finds no words in (a cough, a chair): after the
    phrase before it, the pause that follows stops costing model runs once it is CONTEXT_SILENCE_S long."""
    spoken = script((0.5, "hello there"))
    noise = script((1.6, "a b c d e f g h i j"))  # VAD speech 1.6-4.6 s; the model never transcribes it
    model = ScriptedWhisper(spoken + noise)
    model.words = spoken  # the model hears only the phrase
    transcriber = OnlineTranscriber(fake_loaded(model), StreamingOptions(), detector=scripted_detector(spoken + noise))
    feed(transcriber, 0.0, 8.0)
    runs_then = len(model.calls)
    feed(transcriber, 8.0, 14.0)  # 6 more seconds of silence
    assert len(model.calls) == runs_then
    assert transcriber.committed_text == spoken_text(spoken)


def _trimmed_buffers(options: StreamingOptions) -> list[float]:
    """Lengths of the buffers the model got just after a trim moved the buffer start, in a session of
    9 s phrases with 1 s pauses (each pause commits its phrase, so each is a cut; a phrase longer than
    trim_s / 2 leaves a trim no cut but the pause just before the next one)."""
    phrases = [(k * 10.0, " ".join(f"p{k}w{i}" for i in range(30))) for k in range(7)]
    words = script(*phrases, word_s=0.3)
    transcriber, model = make(words, options)
    feed(transcriber, 0.0, 70.0)
    transcriber.finish()
    assert transcriber.committed_text == spoken_text(words)
    return [b["end"] - b["start"] for a, b in itertools.pairwise(model.calls) if b["start"] > a["start"] + 1e-6]


def test_a_trim_keeps_the_new_phrase_s_first_seconds_with_the_phrase_before():
    """A trim waits until the new phrase has trim_min_tail_s of audio after the cut, so its first words are
    read with the previous phrase still in the buffer ("stuff it" came out "Stuffered" in a buffer cut
    0.3 s before it); without the rule the model gets a buffer of a few tenths of a second."""
    with_rule = _trimmed_buffers(replace(StreamingOptions(), trim_min_tail_s=3.0))
    without = _trimmed_buffers(replace(StreamingOptions(), trim_min_tail_s=0.0))
    assert with_rule and without
    assert min(with_rule) >= 3.0
    assert min(without) < 1.0


def test_a_trim_at_a_segment_end_never_cuts_off_an_uncommitted_word():
    """A buffer past trim_s with no committed pause is cut at a segment end, which must be committed: the
    pause's 0.3 s slack past the committed end once let a trim drop each phrase's uncommitted last word
    (0.3 s long here: 6 of 210 words lost)."""
    for tail in (0.0, 3.0):
        _trimmed_buffers(replace(StreamingOptions(), trim_min_tail_s=tail))  # asserts every word, once, in order
