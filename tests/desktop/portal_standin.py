"""A stand-in for the desktop's org.freedesktop.portal.Desktop: just the GlobalShortcuts methods, served
on a test's private session bus, written from the portal specification (data/org.freedesktop.portal.
GlobalShortcuts.xml in flatpak/xdg-desktop-portal), not from a real portal.

CreateSession and BindShortcuts answer with Request object paths built from the caller's handle_token
and then emit each Request's Response signal, as the real portal does; `press()` / `release()` emit
Activated / Deactivated for the bound shortcut, the way a desktop does when the user presses the keys.
Every call is recorded in `calls` (member, body) so a test can check what the client asked for.
"""

from __future__ import annotations

import threading
import time
from queue import Queue
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, message_bus, new_error, new_method_return, new_signal
from jeepney.io.threading import DBusRouter, Proxy, open_dbus_connection

from app.desktop.portal_shortcuts import (
    PORTAL_NAME,
    PORTAL_PATH,
    REGISTRY_INTERFACE,
    REQUEST_INTERFACE,
    SESSION_INTERFACE,
    SHORTCUTS_INTERFACE,
)

PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"


class StandInPortal:
    """Owns PORTAL_NAME on `address` and answers on its own thread until `close()`.

    `with_shortcuts=False` is a portal whose desktop has no GlobalShortcuts backend (the interface is
    missing, as xdg-desktop-portal leaves it out then); `bind_response` is the BindShortcuts Response code
    (0 bound, 1 the user cancelled the dialog).
    """

    def __init__(self, address: str, *, with_shortcuts: bool = True, bind_response: int = 0) -> None:
        self.with_shortcuts = with_shortcuts
        self.bind_response = bind_response
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.bound: list[tuple[str, dict[str, Any]]] = []  # (shortcut id, its properties) as bound
        self.session = ""
        self.binding = threading.Event()  # a shortcut was bound
        self.closed = threading.Event()  # the client closed its session
        self._conn = open_dbus_connection(address)
        self._router = DBusRouter(self._conn)
        self._calls: Queue[Message | None] = Queue()
        self._filter = self._router.filter(MatchRule(type="method_call"), queue=self._calls)
        reply = Proxy(message_bus, self._router, timeout=5).RequestName(PORTAL_NAME, 4)  # 4: do not queue
        assert reply == (1,), reply  # primary owner
        self._thread = threading.Thread(target=self._serve, name="standin-portal", daemon=True)
        self._thread.start()

    # the client's calls --------------------------------------------------------------------

    def _serve(self) -> None:
        while (call := self._calls.get()) is not None:
            fields = call.header.fields
            interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
            self.calls.append((str(member), tuple(call.body)))
            self._answer(call, interface, member)

    def _answer(self, call: Message, interface: str | None, member: str | None) -> None:
        sender = str(call.header.fields[HeaderFields.sender]).lstrip(":").replace(".", "_")
        if (interface, member) == (PROPERTIES_INTERFACE, "Get") and call.body == (SHORTCUTS_INTERFACE, "version"):
            if self.with_shortcuts:
                self._router.send(new_method_return(call, "v", (("u", 1),)))
                return
            self._error(call, "org.freedesktop.DBus.Error.InvalidArgs", f"No such interface “{SHORTCUTS_INTERFACE}”")
        elif interface == SHORTCUTS_INTERFACE and self.with_shortcuts and member == "CreateSession":
            options = dict(call.body[0])
            request = f"{PORTAL_PATH}/request/{sender}/{options['handle_token'][1]}"
            self.session = f"{PORTAL_PATH}/session/{sender}/{options['session_handle_token'][1]}"
            self._router.send(new_method_return(call, "o", (request,)))
            self._respond(request, 0, {"session_handle": ("s", self.session)})
        elif interface == SHORTCUTS_INTERFACE and self.with_shortcuts and member == "BindShortcuts":
            session, shortcuts, _parent, options = call.body
            request = f"{PORTAL_PATH}/request/{sender}/{dict(options)['handle_token'][1]}"
            self._router.send(new_method_return(call, "o", (request,)))
            if session != self.session or self.bind_response != 0:
                self._respond(request, self.bind_response or 2, {})
                return
            self.bound = [(shortcut_id, dict(props)) for shortcut_id, props in shortcuts]
            answered = [
                (shortcut_id, {"description": props["description"], "trigger_description": ("s", _shown(props))})
                for shortcut_id, props in self.bound
            ]
            self._respond(request, 0, {"shortcuts": ("a(sa{sv})", answered)})
            self.binding.set()
        elif (interface, member) == (REGISTRY_INTERFACE, "Register"):
            self._router.send(new_method_return(call))
        elif (interface, member) == (SESSION_INTERFACE, "Close") and call.header.fields[HeaderFields.path] == (
            self.session
        ):
            self._router.send(new_method_return(call))
            self.closed.set()
        else:
            self._error(call, "org.freedesktop.DBus.Error.UnknownMethod", f"no {interface}.{member} here")

    def _error(self, call: Message, name: str, text: str) -> None:
        self._router.send(new_error(call, name, "s", (text,)))

    def _respond(self, request: str, code: int, results: dict[str, tuple[str, Any]]) -> None:
        signal = new_signal(DBusAddress(request, interface=REQUEST_INTERFACE), "Response", "ua{sv}", (code, results))
        self._router.send(signal)

    # the desktop's side --------------------------------------------------------------------

    def _shortcut_signal(self, member: str, shortcut_id: str) -> None:
        body = (self.session, shortcut_id, int(time.monotonic() * 1000), {})
        self._router.send(new_signal(DBusAddress(PORTAL_PATH, interface=SHORTCUTS_INTERFACE), member, "osta{sv}", body))

    def press(self, shortcut_id: str = "dictate") -> None:
        self._shortcut_signal("Activated", shortcut_id)

    def release(self, shortcut_id: str = "dictate") -> None:
        self._shortcut_signal("Deactivated", shortcut_id)

    def close_session(self) -> None:
        """The desktop ends the session (the portal restarted, the user revoked the shortcut)."""
        self._router.send(new_signal(DBusAddress(self.session, interface=SESSION_INTERFACE), "Closed", "a{sv}", ({},)))

    def close(self) -> None:
        self._calls.put(None)
        self._thread.join(timeout=5)
        self._filter.close()
        self._router.close()
        self._conn.close()


def _shown(props: dict[str, tuple[str, Any]]) -> str:
    """How a desktop might show the trigger it bound: "Press CTRL+SHIFT+space"."""
    return f"Press {props.get('preferred_trigger', ('s', 'nothing'))[1]}"
