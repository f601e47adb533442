"""The few methods each controller calls on the window (its whole view surface)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from app.demo.live_demo import LiveRawUpdate
from app.demo.mismatch import Mismatch
from app.demo.result import DemoResult
from app.services.autosave import SavedSession
from app.services.file_jobs import FileResult
from app.services.file_queue import JobState
from audio.devices import InputDevice
from inference.loader import ModelInfo


class ModelPhase(Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class ModelState:
    """What the window shows about the model: loading, ready (with its info) or failed (with why)."""

    phase: ModelPhase
    name: str
    info: ModelInfo | None = None
    message: str = ""


@dataclass(frozen=True)
class LiveStats:
    """The live status line's numbers; None until known."""

    latency_s: float | None = None
    rtf: float | None = None
    audio_s: float | None = None
    language: str | None = None  # shown once a multilingual model has detected it


class ModelView(Protocol):
    def show_model_state(self, state: ModelState) -> None: ...


class FilesView(Protocol):
    def add_job(self, job_id: int, name: str, path: str) -> None: ...

    def update_job(self, job_id: int, state: JobState, progress: float, message: str) -> None: ...

    def remove_jobs(self, job_ids: list[int]) -> None: ...

    def show_result(self, job_id: int | None, result: FileResult | None) -> None: ...

    def queue_idle(self) -> None:
        """Nothing is queued or running any more."""
        ...


class LiveView(Protocol):
    def set_devices(self, devices: list[InputDevice], selected: str) -> None: ...

    def show_audio_problem(self, message: str) -> None:
        """Why the microphone cannot be used ("" when it can)."""
        ...

    def set_live_state(self, state: str, source: str) -> None:
        """`state` is one of IDLE, STARTING, RUNNING, STOPPING (live_controller); `source` names the input."""
        ...

    def set_transcript(self, committed: str, partial: str) -> None: ...

    def append_committed(self, text: str, partial: str, continues_word: bool = False) -> None:
        """Add final words and show `partial` as the new tail, in one update; `continues_word`: the text
        goes on from the last word shown (no space before it)."""
        ...

    def set_partial(self, text: str) -> None: ...

    def show_level(self, rms_dbfs: float, peak_dbfs: float) -> None: ...

    def show_live_stats(self, stats: LiveStats) -> None: ...

    def show_live_error(self, message: str) -> None: ...

    def offer_restore(self, saved: SavedSession | None) -> None:
        """Offer to restore a recovered transcript (None hides the offer)."""
        ...


@dataclass(frozen=True)
class HistoryEntry:
    """One past dictation as the history list shows it (app.window.history_controller)."""

    id: str
    started: str  # local date and time
    duration: str  # m:ss
    words: int
    preview: str  # the first words
    text: str  # all of it
    status: str  # finished, running or interrupted (app.services.history)


class HistoryView(Protocol):
    """The history panel (app.gui.history_panel.HistoryPanel)."""

    def set_entries(self, entries: list[HistoryEntry], selected: str | None) -> None:
        """Show `entries` (newest first) with `selected` (an id) highlighted, or none."""
        ...

    def show_entry(self, entry: HistoryEntry | None) -> None:
        """The selected dictation's full text (None: nothing selected)."""
        ...

    def show_history_problem(self, message: str) -> None:
        """Files that could not be read, or a failed action ("" hides it)."""
        ...


class DemoView(Protocol):
    """The input-contract demo's panel (app.gui.contract_demo_view.ContractDemoView and its frame)."""

    def show_result(self, result: DemoResult) -> None: ...

    def start_live(self, sample_rate: int, channels: int, mismatch: Mismatch | str = Mismatch.INTERLEAVED) -> None: ...

    def show_live_update(self, raw: LiveRawUpdate | None = None, converted_text: str | None = None) -> None: ...

    def show_status(self, message: str) -> None:
        """One line: what runs now, or what went wrong."""
        ...

    def show_source(self, text: str) -> None:
        """What the panes are about: a file's name, or the live input."""
        ...

    def clear(self) -> None: ...
