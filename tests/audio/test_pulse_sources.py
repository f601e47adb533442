"""The sound server's own sources, listed and recorded at their native specs, against a real PulseAudio:
sinks at 48 kHz stereo and 22.05 kHz mono (their monitors), a 32 kHz mono input, speech played with paplay."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from app.commands.info import run_devices
from audio.capture import CaptureError, MicrophoneSource
from audio.decode import decode_to_contract
from audio.devices import list_input_devices
from audio.microphones import open_microphone
from audio.pulse_sources import read_sound_server
from audio.sources import ContractStream
from tests.pulse import PulseServer

pytestmark = pytest.mark.capture

SPEECH = "ljspeech_LJ001-0002.wav"  # 1.9 s: "in being comparatively modern."
SINKS = {"hifi": (48000, 2), "lofi": (22050, 1)}


@pytest.fixture
def server(pulse):
    """The `pulse` server plus two null sinks at other specs and one real (non-monitor) input."""
    srv, sd = pulse
    for name, (rate, channels) in SINKS.items():
        srv.add_null_sink(name, rate, channels)
    srv.add_null_source("desk_mic", 32000, 1)
    return srv, sd


def pactl_spec(srv: PulseServer, source: str) -> tuple[int, int, str]:
    fmt, channels, rate = srv.sample_spec(source).split()
    return int(rate.removesuffix("Hz")), int(channels.removesuffix("ch")), fmt


def test_every_source_is_listed_with_its_own_spec_real_inputs_first(server):
    srv, _ = server
    listed = read_sound_server()
    assert listed is not None
    names = [s.name for s in listed.sources]
    assert names.index("desk_mic") < min(names.index("hifi.monitor"), names.index("lofi.monitor"))
    for source in listed.sources:
        assert (source.sample_rate, source.channels, source.sample_format) == pactl_spec(srv, source.name)
        assert source.is_monitor == source.name.endswith(".monitor")
    by_name = {s.name: s for s in listed.sources}
    assert (by_name["hifi.monitor"].sample_rate, by_name["hifi.monitor"].channels) == (48000, 2)
    assert (by_name["lofi.monitor"].sample_rate, by_name["lofi.monitor"].channels) == (22050, 1)
    assert (by_name["desk_mic"].sample_rate, by_name["desk_mic"].channels) == (32000, 1)
    default = srv.pactl("get-default-source").strip()
    assert listed.default_source == default and [s.name for s in listed.sources if s.is_default] == [default]


def test_device_list_names_sources_and_follows_the_default(server, capsys):
    """`devices` (and the window's combo) list the sources, after a "System default (<source>)" entry that
    tracks the server's default."""
    srv, sd = server
    srv.pactl("set-default-source", "lofi.monitor")
    devices = list_input_devices(sd)
    assert devices[0].name == "System default (lofi.monitor)" and devices[0].is_default
    assert devices[0].device is None and (devices[0].sample_rate, devices[0].channels) == (22050, 1)
    hifi = next(d for d in devices if d.name == "hifi.monitor")
    assert hifi.device == "hifi.monitor" and (hifi.sample_rate, hifi.channels, hifi.is_monitor) == (48000, 2, True)
    assert {d.name for d in devices} >= {"desk_mic", "hifi.monitor", "lofi.monitor", "virt_sink.monitor"}
    assert "pulse" not in {d.name for d in devices}  # PortAudio's 44.1 kHz/32 ch stand-in is gone
    assert run_devices(None) == 0
    out = capsys.readouterr().out
    assert "* System default (lofi.monitor)" in out and "hifi.monitor  [" in out and "48000 Hz, 2 ch, s16le" in out
    srv.pactl("set-default-source", "desk_mic")
    source = open_microphone(None, sd=sd)  # the default at capture time, not at listing time
    assert (source.name, source.sample_rate, source.channels) == ("desk_mic", 32000, 1)


def record_while_playing(srv: PulseServer, source: MicrophoneSource, sink: str, path) -> tuple[list, list]:
    """Capture from `source` while `path` plays into `sink`; returns (blocks, server-side source outputs)."""
    blocks, failure, outputs = [], [], []
    started = threading.Event()

    def consume() -> None:
        try:
            for block in source.blocks():
                blocks.append(block)
                started.set()
        except BaseException as exc:  # reported below
            failure.append(exc)
            started.set()

    worker = threading.Thread(target=consume)
    worker.start()
    try:
        assert started.wait(15.0), "no audio from the source"
        outputs = srv.source_outputs()  # while our stream is open
        time.sleep(0.3)
        player = srv.play(path, sink=sink)
        assert player.wait(30) == 0, player.stderr.read()
        time.sleep(0.8)  # the server's and PortAudio's buffers drain
    finally:
        source.close()
        worker.join(30)
    assert not failure, failure
    return blocks, outputs


def best_correlation(captured: np.ndarray, reference: np.ndarray) -> float:
    """Peak normalized cross-correlation of the reference inside the capture (any offset)."""
    spectrum = np.fft.rfft(captured, 2 * captured.size) * np.conj(np.fft.rfft(reference, 2 * captured.size))
    lags = np.fft.irfft(spectrum)[: captured.size - reference.size + 1]
    best = int(np.argmax(lags))
    window = captured[best : best + reference.size]
    return float(lags[best] / (np.linalg.norm(window) * np.linalg.norm(reference) + 1e-12))


@pytest.mark.parametrize("sink", sorted(SINKS))
def test_a_source_is_recorded_at_its_native_spec_with_no_server_resampling(server, sink, utterance):
    """Each monitor arrives at its own rate and channels, the server's stream has the source's exact spec
    (nothing resampled or converted: 'Resample method: n/a'), and the speech played into the sink is there."""
    srv, sd = server
    rate, channels = SINKS[sink]
    monitor = f"{sink}.monitor"
    source = open_microphone(monitor, sd=sd)
    assert (source.name, source.sample_rate, source.channels) == (monitor, rate, channels)
    speech = utterance(SPEECH).path
    blocks, outputs = record_while_playing(srv, source, sink, speech)

    ours = [o for o in outputs if o.get("Source") == srv.source_index(monitor)]
    assert len(ours) == 1, outputs
    assert ours[0]["Sample Specification"] == srv.sample_spec(monitor)
    assert ours[0]["Resample method"] == "n/a"

    assert {b.data.shape[1] for b in blocks} == {channels} and {b.data.dtype for b in blocks} == {np.dtype("float32")}
    stream = ContractStream(source.sample_rate, source.channels)
    heard = np.concatenate([stream.feed(b).samples for b in blocks] + [stream.flush().samples])
    reference = decode_to_contract(speech)[0].samples
    assert heard.size > reference.size
    assert best_correlation(heard, reference) > 0.9


def test_an_unknown_name_is_one_line_naming_the_sources(server):
    _, sd = server
    with pytest.raises(CaptureError) as caught:
        open_microphone("no_such_mic", sd=sd)
    message = str(caught.value)
    assert "\n" not in message and "'no_such_mic'" in message and "hifi.monitor" in message
