"""A private PulseAudio server for capture tests: a null sink to play into, its monitor to record.

The server runs in its own runtime folder with anonymous access; clients find it through
PULSE_SERVER, and PortAudio's ALSA 'pulse' device records the null sink's monitor. PortAudio
lists devices when it initializes, so `reinit_portaudio` runs after the environment is set.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.tools import need_tools

TOOLS = ("pulseaudio", "pactl", "paplay")
START_TIMEOUT_S = 15.0


class PulseServer:
    """`pulseaudio` with one null sink (`sink`, at `rate` Hz and `channels`), started and killed by the test."""

    def __init__(self, root: Path, sink: str = "virt_sink", rate: int = 48000, channels: int = 2) -> None:
        self.root = root
        self.sink = sink
        self.monitor = f"{sink}.monitor"
        self.rate = rate
        self.channels = channels
        self.runtime = root / "runtime"
        self.home = root / "home"

    @property
    def socket(self) -> Path:
        return self.runtime / "pulse" / "native"

    def client_env(self) -> dict[str, str]:
        """What a client process needs to reach this server and record the monitor by default."""
        return {"PULSE_SERVER": f"unix:{self.socket}", "PULSE_SOURCE": self.monitor, "PULSE_SINK": self.sink}

    def _server_env(self) -> dict[str, str]:
        return {**os.environ, "XDG_RUNTIME_DIR": str(self.runtime), "HOME": str(self.home)}

    def _run(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess:
        env = {**self._server_env(), **self.client_env()}
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)

    def start(self) -> PulseServer:
        need_tools(*TOOLS, hint="apt-get install pulseaudio pulseaudio-utils")
        for folder in (self.runtime, self.home):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
        sink = f"module-null-sink sink_name={self.sink} rate={self.rate} channels={self.channels}"
        # As root this warns ("not intended to be run as root") but runs as a per-user daemon in our folder.
        args = ["pulseaudio", "-D", "--exit-idle-time=-1", "--disallow-exit", "-n"]
        args += ["--load=module-native-protocol-unix auth-anonymous=1", f"--load={sink}"]
        started = subprocess.run(args, env=self._server_env(), capture_output=True, text=True, timeout=30)
        if started.returncode != 0:
            raise RuntimeError(f"pulseaudio did not start: {started.stderr.strip().splitlines()[-1:]}")
        deadline = time.monotonic() + START_TIMEOUT_S
        while self._run("pactl", "info").returncode != 0:  # the daemon forks before its socket answers
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pulseaudio did not answer on {self.socket} within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.1)
        return self

    def native_format(self, source: str | None = None) -> tuple[int, int]:
        """(rate, channels) of a source as the server holds it, e.g. (48000, 2) for the monitor."""
        name = source or self.monitor
        listing = self._run("pactl", "list", "short", "sources").stdout
        for line in listing.splitlines():
            fields = line.split("\t")
            if len(fields) > 3 and fields[1] == name:
                match = re.search(r"(\d+)ch (\d+)Hz", fields[3])
                if match:
                    return int(match.group(2)), int(match.group(1))
        raise RuntimeError(f"source {name} not found in: {listing!r}")

    def play(self, path: Path, sink: str | None = None) -> subprocess.Popen:
        """Start playing a WAV/FLAC file into the null sink (or into `sink`)."""
        env = {**self._server_env(), **self.client_env()}
        args = ["paplay", f"--device={sink or self.sink}", str(path)]
        return subprocess.Popen(args, env=env, stderr=subprocess.PIPE)

    def pactl(self, *args: str) -> str:
        """Run pactl against this server; a failure fails the test with pactl's message."""
        done = self._run("pactl", *args)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def add_null_sink(self, name: str, rate: int, channels: int) -> str:
        """Another null sink at its own rate and channel count; returns its monitor source's name."""
        self.pactl("load-module", "module-null-sink", f"sink_name={name}", f"rate={rate}", f"channels={channels}")
        return f"{name}.monitor"

    def add_null_source(self, name: str, rate: int, channels: int) -> str:
        """A source that is not a monitor (silent), like a microphone; returns its name."""
        self.pactl("load-module", "module-null-source", f"source_name={name}", f"rate={rate}", f"channels={channels}")
        return name

    def sample_spec(self, source: str) -> str:
        """A source's spec as `pactl` prints it, e.g. 's16le 2ch 48000Hz'."""
        for line in self.pactl("list", "short", "sources").splitlines():
            fields = line.split("\t")
            if len(fields) > 3 and fields[1] == source:
                return fields[3]
        raise RuntimeError(f"source {source} not listed")

    def source_outputs(self) -> list[dict[str, str]]:
        """Each recording stream as the server holds it: its 'Source' (index), 'Sample Specification'
        and 'Resample method', from `pactl list source-outputs`."""
        outputs: list[dict[str, str]] = []
        for line in self.pactl("list", "source-outputs").splitlines():
            if line.startswith("Source Output #"):
                outputs.append({})
            elif outputs and ":" in line and line.startswith("\t") and not line.startswith("\t\t"):
                key, _, value = line.strip().partition(":")
                outputs[-1][key] = value.strip()
        return outputs

    def source_index(self, source: str) -> str:
        for line in self.pactl("list", "short", "sources").splitlines():
            fields = line.split("\t")
            if len(fields) > 1 and fields[1] == source:
                return fields[0]
        raise RuntimeError(f"source {source} not listed")

    def stop(self) -> None:
        """Kill the daemon (what a vanished sound server looks like to a client)."""
        self._run("pulseaudio", "-k")
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.socket.exists() and self._run("pactl", "info").returncode == 0:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)


def reinit_portaudio(monkeypatch: pytest.MonkeyPatch, server: PulseServer):
    """Point this process at the server and make PortAudio list devices again; returns sounddevice."""
    for key, value in server.client_env().items():
        monkeypatch.setenv(key, value)
    from audio.devices import load_sounddevice

    sd = load_sounddevice()
    sd._terminate()
    sd._initialize()
    return sd


def pulse_device_name(sd) -> str:
    """PortAudio's ALSA device backed by PulseAudio ('pulse', else 'default')."""
    names = [d["name"] for d in sd.query_devices() if d["max_input_channels"] > 0]
    for name in ("pulse", "default"):
        if name in names:
            return name
    pytest.fail(f"PortAudio lists no PulseAudio-backed input device (found {names}); install libasound2-plugins")


@pytest.fixture
def pulse(tmp_path, monkeypatch):
    """A private PulseAudio server with a 48 kHz stereo null sink; PortAudio re-listed against it.
    Yields (server, sounddevice module)."""
    server = PulseServer(tmp_path / "pulse").start()
    sd = reinit_portaudio(monkeypatch, server)
    yield server, sd
    server.stop()
    sd._terminate()
    sd._initialize()
