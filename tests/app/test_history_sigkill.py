"""A dictation survives SIGKILL: the real `whisperdesk live` replays speech in real time, is killed
mid-speech, and `whisperdesk history` still has every word it committed up to the autosave interval
before the kill, marked as interrupted."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from app.services.autosave import AUTOSAVE_INTERVAL_S
from inference.results import join_texts

KILL_AFTER_AUDIO_S = 15.0  # seconds of committed audio before the kill


def _whisperdesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


@pytest.mark.model
@pytest.mark.realtime
def test_sigkill_mid_dictation_keeps_what_was_committed(utterance, tmp_path):
    long = utterance("long_ljspeech_LJ023-0051_to_LJ023-0058.mp3")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "WHISPERDESK_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        _whisperdesk("live", "--simulate", str(long.path), "--realtime", "--json", "--device", "cpu"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    commits: list[tuple[float, str]] = []  # (when this test read it, its text)
    started = time.monotonic()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            record = json.loads(line)
            if record["type"] == "commit":
                commits.append((time.monotonic(), record["text"]))
                if record["audio_end"] >= KILL_AFTER_AUDIO_S:
                    break
            assert record["type"] != "summary", "the file ended before the kill"
            assert time.monotonic() - started < 180, "not enough committed within three minutes"
        killed_at = time.monotonic()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    last = subprocess.run(_whisperdesk("history", "--last"), capture_output=True, text=True, env=env, timeout=60)
    assert last.returncode == 0, last.stderr
    text = last.stdout.strip()
    safe = [t for when, t in commits if when < killed_at - AUTOSAVE_INTERVAL_S]
    assert len(safe) >= 3, f"too few commits before the kill to judge: {commits}"
    said = re.sub(r" ([.?!…]+)(?= |$)", r"\1", join_texts(safe))  # a released sentence end is glued on
    assert text.startswith(said), f"history lost committed words:\n{text}\nvs\n{said}"
    assert len(text.split()) >= len(said.split())

    listed = subprocess.run(_whisperdesk("history", "--json"), capture_output=True, text=True, env=env, timeout=60)
    assert listed.returncode == 0, listed.stderr
    (entry,) = json.loads(listed.stdout)
    assert entry["interrupted"] is True and entry["status"] == "interrupted" and entry["ended_at"] is None
    assert entry["text"] == text
    assert KILL_AFTER_AUDIO_S - 1 <= entry["duration_s"] <= long.duration_s
    table = subprocess.run(_whisperdesk("history"), capture_output=True, text=True, env=env, timeout=60)
    assert "[interrupted]" in table.stdout.splitlines()[-1]
