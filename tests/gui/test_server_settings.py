"""Settings → "Transcribe files on a server" in the window (offscreen): the round trip with the API key
in a real Secret Service and never in the settings file, the one line shown without a keyring, the
connection test against real loopback servers (off the GUI thread), the plain-http question asked once,
and files through the window on a scripted server and on faster-whisper-server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel

from app.gui.settings_dialog import KEY_IN_KEYRING, LIVE_STAYS_LOCAL, SettingsDialog
from app.gui.settings_store import SettingsStore
from app.services.api_keys import KeyStore
from app.services.autosave import Autosaver
from app.services.file_queue import JobState
from app.services.model_manager import ModelManager
from app.services.wer import wer
from app.window.live_controller import LiveBackends
from app.window.settings_model import AppSettings
from audio.devices import InputDevice
from inference.models import list_models
from inference.remote.server import KEY_ENV
from tests.app.test_remote_whisper_server import whisper_server  # noqa: F401 (the module's fixture, reused)
from tests.gui.support import drop_files, fake_loaded
from tests.media import write_audio
from tests.remote_http import Answer, json_answer, refused_url, scripted_server, silent_server, verbose_json
from tests.secret_service import SecretService, secret_service

pytestmark = [pytest.mark.gui]

KEY = "sk-test-window-0123456789abcdef"  # made up: it must never reach the settings file or a message
OTHER_KEY = "sk-test-environment-9876543210"
ANSWER_MS = 20_000  # the longest wait for a loopback answer on a busy 2-core machine
WORK_TIMEOUT_MS = 300_000  # one file through faster-whisper-server, model load included
MIC = InputDevice(index=3, name="Test microphone", host_api="ALSA", sample_rate=44100, channels=2, is_default=True)


@pytest.fixture
def keyring_service(tmp_path: Path) -> Iterator[SecretService]:
    with secret_service(tmp_path / "keyring") as running:
        yield running


def make_dialog(qtbot, settings: AppSettings, keys: KeyStore) -> SettingsDialog:
    dialog = SettingsDialog(settings, list_models(), keys=keys)
    qtbot.addWidget(dialog)
    return dialog


def fill(dialog: SettingsDialog, url: str, key: str, model: str = "whisper-1") -> None:
    section = dialog.server_section
    section.server_radio.setChecked(True)
    section.url_edit.setText(url)
    section.model_edit.setText(model)
    section.key_edit.setText(key)


def settings_file(tmp_path: Path) -> str:
    return (tmp_path / "settings.ini").read_text(encoding="utf-8")


def test_server_settings_round_trip_with_the_key_only_in_the_keyring(qtbot, store, tmp_path, keyring_service):
    """OK saves engine, URL and model in the settings file and the key in the Secret Service; after the
    keyring daemon restarted, a new dialog shows the same choice with the key filled in."""
    keys = KeyStore(keyring_service.backend(), environ={})
    dialog = make_dialog(qtbot, AppSettings(), keys)
    assert dialog.server_section.key_note.text() == KEY_IN_KEYRING
    assert not dialog.server_section.url_edit.isEnabled()  # "on this computer" until chosen
    fill(dialog, "https://gpu-box.example:8000/v1/", KEY, model="large-v3")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    store.save(dialog.settings())
    saved = settings_file(tmp_path)
    assert KEY not in saved and "gpu-box.example" in saved
    reopened = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)).load()
    assert (reopened.engine, reopened.server_url, reopened.server_model) == (
        "server",
        "https://gpu-box.example:8000/v1",
        "large-v3",
    )
    keyring_service.restart()
    again = make_dialog(qtbot, reopened, KeyStore(keyring_service.backend(), environ={}))
    assert again.server_section.server_radio.isChecked() and again.server_section.key_edit.text() == KEY
    assert again.settings() == reopened
    again.server_section.key_edit.setText("")
    again.accept()  # an emptied field forgets the key
    assert KeyStore(keyring_service.backend(), environ={}).stored(reopened.server_url) is None


def test_without_a_keyring_the_dialog_says_so_and_the_key_lasts_for_this_run(qtbot, store, tmp_path):
    """keyring's no-backend backend: one line in the dialog says so; the key works for this run and is
    neither in the settings file nor in a new run's store."""
    keys = KeyStore(fail.Keyring(), environ={})
    dialog = make_dialog(qtbot, AppSettings(), keys)
    note = dialog.server_section.key_note.text()
    assert note.startswith("No system keyring works here") and "this run only" in note and "\n" not in note
    fill(dialog, "http://127.0.0.1:8000/v1", KEY)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    store.save(dialog.settings())
    assert keys.api_key("http://127.0.0.1:8000/v1") == KEY
    assert KEY not in settings_file(tmp_path)
    assert KeyStore(fail.Keyring(), environ={}).stored("http://127.0.0.1:8000/v1") is None


def run_check(qtbot, dialog: SettingsDialog) -> str:
    """Click Test connection: it must return at once (the check runs off the GUI thread); the line it ends on."""
    section = dialog.server_section
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    assert section.test_result.text().startswith("Testing ") and not section.test_button.isEnabled()
    qtbot.waitUntil(lambda: section.test_button.isEnabled(), timeout=ANSWER_MS)
    return section.test_result.text()


def test_connection_test_passes_on_a_server_that_answers(qtbot):
    """Against a real loopback server: the check goes to /v1/audio/transcriptions with the field's key
    as a Bearer token and says how long the round trip took."""
    with scripted_server(lambda request, number: json_answer(verbose_json("", 0.5, words=False))) as server:
        dialog = make_dialog(qtbot, AppSettings(), KeyStore(fail.Keyring(), environ={}))
        fill(dialog, server.url, KEY)
        line = run_check(qtbot, dialog)
        (request,) = server.requests
    assert line.startswith(f"Connected: {server.url} transcribed 0.5 s of silence with whisper-1 in "), line
    assert request.path == "/v1/audio/transcriptions" and request.headers["Authorization"] == f"Bearer {KEY}"


def test_connection_test_uses_the_environment_key_when_set(qtbot):
    """$WHISPERDESK_API_KEY wins over the field, and the dialog says so."""
    with scripted_server(lambda request, number: json_answer(verbose_json("", 0.5, words=False))) as server:
        dialog = make_dialog(qtbot, AppSettings(), KeyStore(fail.Keyring(), environ={KEY_ENV: OTHER_KEY}))
        assert dialog.server_section.key_note.text() == f"${KEY_ENV} is set: it is used instead of this field."
        fill(dialog, server.url, KEY)
        assert run_check(qtbot, dialog).startswith("Connected: ")
        (request,) = server.requests
    assert request.headers["Authorization"] == f"Bearer {OTHER_KEY}"


@pytest.mark.parametrize("fault", ["rejected", "refused", "silent"])
def test_connection_test_faults_are_one_line_naming_the_server(qtbot, fault: str):
    """A key the server rejects (401), a port nobody listens on, a server that never answers: each ends
    the check with the client's one line, naming the server, without the key."""
    dialog = make_dialog(qtbot, AppSettings(), KeyStore(fail.Keyring(), environ={}))
    dialog.server_section.check_timeout_s = 0.5
    if fault == "rejected":
        answer = Answer(401, b'{"error": {"message": "Incorrect API key provided: ' + KEY.encode() + b'"}}')
        with scripted_server(lambda request, number: answer) as server:
            fill(dialog, server.url, KEY)
            line, url, reason = run_check(qtbot, dialog), server.url, "the API key was rejected (HTTP 401"
    elif fault == "refused":
        url = refused_url()
        fill(dialog, url, KEY)
        line, reason = run_check(qtbot, dialog), "connection refused"
    else:
        with silent_server() as url:
            fill(dialog, url, KEY)
            line, reason = run_check(qtbot, dialog), "no answer within 0.5 s"
    assert line.startswith(f"server {url}: {reason}"), line
    assert KEY not in line and "\n" not in line


def test_a_key_over_plain_http_to_another_computer_is_asked_about_once(qtbot):
    """http://192.0.2.10 with a key: OK asks; "no" keeps the dialog open with the reason, "yes" saves the
    confirmation for that URL, and a dialog opened on those settings does not ask again."""
    url = "http://192.0.2.10:8000/v1"  # TEST-NET-1: never reached, nothing is sent by OK
    asked: list[str] = []
    answers = iter([False, True])
    dialog = make_dialog(qtbot, AppSettings(), KeyStore(fail.Keyring(), environ={}))
    dialog.server_section.confirm = lambda host: asked.append(host) or next(answers)
    fill(dialog, url, KEY)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "not sent over plain http to 192.0.2.10" in dialog.server_section.test_result.text()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and asked == ["192.0.2.10", "192.0.2.10"]
    saved = dialog.settings()
    assert saved.insecure_key_url == url
    server = saved.remote_server(dialog.keys.api_key)
    assert server is not None and server.api_key == KEY and server.allow_insecure_key
    again = make_dialog(qtbot, saved, dialog.keys)
    again.server_section.confirm = lambda host: asked.append(host) or False
    assert again.server_section.server().allow_insecure_key and len(asked) == 2
    assert KEY not in "".join(saved.to_strings().values())


@pytest.fixture
def server_window(qtbot, store, tmp_path: Path) -> Iterator[Callable[[AppSettings, KeyStore], object]]:
    """A started window whose settings say "on a server"; the local model is a stand-in (live only)."""
    from app.gui.main_window import MainWindow, WindowDeps

    windows = []

    def make(settings: AppSettings, keys: KeyStore) -> MainWindow:
        store.save(settings)
        deps = WindowDeps(
            models=ModelManager(loader=lambda name, **kw: fake_loaded()),
            autosaver=Autosaver(tmp_path / "autosave"),
            live=LiveBackends(list_devices=lambda: [MIC]),
            keys=keys,
        )
        window = MainWindow(store, deps)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.start()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def retry_action(window) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == "&Retry failed files")


def test_window_files_on_a_server_keep_failed_rows_and_retry_them(qtbot, server_window, tmp_path: Path):
    """A file dropped on the window goes to the server with the key from the store; a 503 stays on the
    row as one line naming the server; File → Retry failed files runs it again in the same row; the
    JSON export names the server; the live view still has the local model; no key in the settings file."""
    rate = 22050
    path = write_audio(tmp_path / "note.wav", (0.2 * np.sin(np.arange(rate) / 7)).astype(np.float32), rate)
    answers = [Answer(503, b'{"detail": "model is loading"}'), json_answer(verbose_json(" Note taken.", 1.0))]
    with scripted_server(lambda request, number: answers[min(number, 1)]) as server:
        keys = KeyStore(fail.Keyring(), environ={})
        keys.store(server.url, KEY)
        window = server_window(AppSettings(engine="server", server_url=server.url), keys)
        drop_files(window, [path])
        (job_id,) = window.files.queue.jobs
        qtbot.waitUntil(lambda: window.files.queue.get(job_id).state.finished, timeout=ANSWER_MS)
        status = window.files_panel.row_status(job_id)
        assert status == f"Error: server {server.url}: HTTP 503 Service Unavailable: model is loading", status
        retry_action(window).trigger()
        qtbot.waitUntil(lambda: window.files.queue.get(job_id).state is JobState.DONE, timeout=ANSWER_MS)
        assert [r.headers["Authorization"] for r in server.requests] == [f"Bearer {KEY}"] * 2
    assert window.files_panel.row_status(job_id).endswith(f"· on {server.url}")
    assert window.files_panel.segment_texts() == ["Note taken."]
    exported = window.files.export_job(job_id, "json", tmp_path / "note.json")
    record = json.loads(exported.read_text(encoding="utf-8"))
    assert (record["server"], record["model"]) == (server.url, "whisper-1")
    qtbot.waitUntil(lambda: window.models.loaded is not None, timeout=ANSWER_MS)  # live dictation: local model
    assert window.models.loaded.info.name == "tiny.en"
    assert KEY not in settings_file(tmp_path)


def test_live_dictation_note_is_in_the_dialog(qtbot):
    """The dialog says in one line that live dictation stays on this computer."""
    dialog = make_dialog(qtbot, AppSettings(engine="server"), KeyStore(fail.Keyring(), environ={}))
    texts = [label.text() for label in dialog.server_section.findChildren(QLabel)]
    assert LIVE_STAYS_LOCAL in texts


@pytest.mark.slow
@pytest.mark.model
def test_a_file_through_the_window_on_faster_whisper_server(qtbot, server_window, whisper_server, utterance, tmp_path):  # noqa: F811
    """jfk.flac dropped on the window with "on a server" set to faster-whisper-server (tiny.en) on
    127.0.0.1: the row finishes with the transcript, and the JSON export names the server and model."""
    jfk = utterance("jfk.flac")
    window = server_window(AppSettings(engine="server", server_url=whisper_server), KeyStore(fail.Keyring(), {}))
    drop_files(window, [jfk.path])
    (job_id,) = window.files.queue.jobs
    qtbot.waitUntil(lambda: window.files.queue.get(job_id).state.finished, timeout=WORK_TIMEOUT_MS)
    job = window.files.queue.get(job_id)
    assert job.state is JobState.DONE, job.message
    assert window.files_panel.row_progress(job_id) == 1.0
    shown = " ".join(window.files_panel.segment_texts())
    assert wer(jfk.reference, shown) < 0.15, shown
    record = json.loads(window.files.export_job(job_id, "json", tmp_path / "jfk.json").read_text(encoding="utf-8"))
    assert (record["server"], record["model"], record["pipeline"]["server"]["url"]) == (
        whisper_server,
        "whisper-1",
        whisper_server,
    )
    assert "model_sha256" not in record and record["segments"]
