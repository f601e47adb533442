"""The global dictation shortcut on Wayland: the XDG desktop portal's GlobalShortcuts interface.

Wayland lets no client grab keys for the whole desktop; the desktop itself binds them and tells the
application over D-Bus. The portal's flow (https://flatpak.github.io/xdg-desktop-portal/docs/
doc-org.freedesktop.portal.GlobalShortcuts.html): CreateSession and BindShortcuts each return a
Request object whose Response signal carries the result (BindShortcuts' may wait for the user to confirm
or change the keys in a dialog); then Activated / Deactivated arrive on every press and release.

jeepney's threaded router reads the bus on its own thread; this module's thread turns the signals into
`on_press` / `on_release` (on that thread, as GlobalHotkey does). Where the portal or its GlobalShortcuts
interface is missing, `start()` raises HotkeyUnavailable with one line pointing at `whisperdesk dictate
toggle`, which the desktop's own shortcut settings can run instead. A portal that exits or restarts takes
our session with it (the bus says so with NameOwnerChanged): the shortcut is bound again on the next
portal, and while there is none the user is told in one line.
"""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import threading
from collections.abc import Callable, Mapping
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageType, Properties, message_bus, new_method_call
from jeepney.io.common import RouterClosed
from jeepney.io.threading import DBusConnection, DBusRouter, Proxy, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse

from app.desktop.hotkey import Callback, GlobalHotkey, Hotkey, HotkeyUnavailable, parse_hotkey, wayland_only

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
REGISTRY_INTERFACE = "org.freedesktop.host.portal.Registry"  # names an unsandboxed app (portal 1.19+)
APP_ID = "whisperdesk"  # the basename of packaging/whisperdesk.desktop: how the desktop lists us
SHORTCUT_ID = "dictate"
DESCRIPTIONS = {"toggle": "Start or stop dictation (whisperdesk)", "hold": "Dictate while held (whisperdesk)"}
PORTAL_TIMEOUT_S = 5.0  # seconds the portal may take to answer a call or a request that shows no dialog
FALLBACK_HELP = "bind `whisperdesk dictate toggle` in your desktop's keyboard shortcut settings instead"
# X modifier masks (app/desktop/hotkey.py) -> the shortcuts spec's xkbcommon modifier names, in its order.
TRIGGER_MODIFIERS = {"ControlMask": "CTRL", "Mod1Mask": "ALT", "ShiftMask": "SHIFT", "Mod4Mask": "LOGO"}
GONE = "the desktop portal went away, and the shortcut with it (it is bound again when the portal is back)"
NO_SERVICE_ERRORS = ("org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner")


class _BusLost(Exception):
    """Put in the inbox when the session bus connection breaks."""


class _Router(DBusRouter):
    """jeepney's router, except that a bus going away (the desktop session ended, dbus-daemon died) ends
    its receiver thread with a _BusLost in our inbox instead of an unhandled exception's traceback."""

    def __init__(self, conn: DBusConnection, inbox: queue.Queue) -> None:
        self._lost_to = inbox  # set before the base class starts the receiver thread
        super().__init__(conn)

    def _receiver(self) -> None:
        try:
            super()._receiver()
        except (OSError, EOFError) as exc:  # reset or closed: the bus is gone
            self._lost_to.put(_BusLost(str(exc) or type(exc).__name__))


def wayland_session(env: Mapping[str, str] | None = None) -> bool:
    """A Wayland session (XWayland or not): X grabs would only see keys meant for X11 windows."""
    env = os.environ if env is None else env
    return bool(env.get("WAYLAND_DISPLAY"))


def portal_trigger(hotkey: Hotkey) -> str:
    """The shortcuts spec's form of a combination: "CTRL+SHIFT+space" (xkbcommon names; X keysym names
    are the same)."""
    mods = [name for mask, name in TRIGGER_MODIFIERS.items() if mask in hotkey.modifiers]
    return "+".join([*mods, hotkey.key])


def _sender_part(unique_name: str) -> str:
    """ ":1.42" -> "1_42": how the portal writes our bus name into request and session paths."""
    return unique_name.lstrip(":").replace(".", "_")


class PortalShortcut:
    """One shortcut bound through the desktop portal, calling `on_press` / `on_release` from a thread.

    `start()` registers, creates the session and asks for the binding, raising HotkeyUnavailable with one
    line when there is no portal (or no GlobalShortcuts in it); the binding's answer comes later (the
    desktop may ask the user first): `bound` is set once the desktop agreed, and a refusal goes to
    `on_problem`. When the portal goes away the shortcut is released (hold mode), bound again on the next
    portal, and `on_problem` gets GONE while none is there, then "" once it is bound again.
    `stop()` closes the session and the connection.
    """

    def __init__(
        self,
        hotkey: Hotkey | str,
        on_press: Callback,
        on_release: Callback | None = None,
        *,
        mode: str = "toggle",
        on_problem: Callable[[str], None] | None = None,
        bus: str | None = None,
    ) -> None:
        self.hotkey = parse_hotkey(hotkey) if isinstance(hotkey, str) else hotkey
        self.trigger = portal_trigger(self.hotkey)
        self.description = DESCRIPTIONS.get(mode, DESCRIPTIONS["toggle"])
        self._on_press = on_press
        self._on_release = on_release or (lambda: None)
        self._on_problem = on_problem or (lambda line: None)
        self._bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "") if bus is None else bus  # an address
        self._conn: DBusConnection | None = None
        self._router: DBusRouter | None = None
        self._inbox: queue.Queue[Message | _BusLost | None] = queue.Queue()  # Responses and shortcut signals, in order
        self._filters: list[Any] = []  # the bus's NameOwnerChanged for the portal's name
        self._portal_rules: list[tuple[MatchRule, Any]] = []  # the signals of the portal now bound with
        self._owner = ""  # the portal's unique bus name while our session lives on it
        self._lost = False  # the portal went away and no other one has bound the shortcut yet
        self._thread: threading.Thread | None = None
        self._session = ""
        self._bind_request = ""
        self.bound = threading.Event()
        self.trigger_description = ""  # how the desktop says the shortcut is pressed, once bound
        self.pressed = False

    # setting up ----------------------------------------------------------------------------

    def start(self) -> None:
        if not self._bus:
            raise HotkeyUnavailable(
                f"no D-Bus session bus for the desktop portal's shortcut (DBUS_SESSION_BUS_ADDRESS is not set): "
                f"{FALLBACK_HELP}"
            )
        try:
            self._conn = open_dbus_connection(self._bus)
        except Exception as exc:  # refused, no such socket, failed authentication: all the same to the user
            raise HotkeyUnavailable(f"cannot reach the D-Bus session bus ({exc}): {FALLBACK_HELP}") from None
        self._router = _Router(self._conn, self._inbox)
        try:
            self._set_up(self._router)
        except DBusErrorResponse as exc:
            self._close_connection()
            raise HotkeyUnavailable(f"the desktop portal refused the shortcut ({exc.name}): {FALLBACK_HELP}") from None
        except BaseException:
            self._close_connection()
            raise
        self._thread = threading.Thread(target=self._loop, name="whisperdesk-portal-shortcut", daemon=True)
        self._thread.start()

    def _set_up(self, router: DBusRouter) -> None:
        moved = MatchRule(
            type="signal",
            sender=message_bus.bus_name,
            interface=message_bus.interface,
            member="NameOwnerChanged",
            path=message_bus.object_path,
        )
        moved.add_arg_condition(0, PORTAL_NAME)
        self._filters.append(router.filter(moved, queue=self._inbox))
        self._bus_call(router, "AddMatch", moved)
        self._bind(router)

    def _bind(self, router: DBusRouter) -> None:
        """Find the portal, subscribe to its signals, create a session and ask for the shortcut."""
        owner = self._find_portal(router)
        self._forget_portal(router)
        for interface, member in (
            (REQUEST_INTERFACE, "Response"),
            (SHORTCUTS_INTERFACE, "Activated"),
            (SHORTCUTS_INTERFACE, "Deactivated"),
            (SESSION_INTERFACE, "Closed"),
        ):  # subscribed before the calls, so no Response can come first and be missed
            rule = MatchRule(type="signal", sender=owner, interface=interface, member=member)
            self._portal_rules.append((rule, router.filter(rule, queue=self._inbox)))
            self._bus_call(router, "AddMatch", rule)
        self._owner = owner
        sender = _sender_part(router.unique_name)
        self._session = self._create_session(router, sender)
        shortcut = (SHORTCUT_ID, {"description": ("s", self.description), "preferred_trigger": ("s", self.trigger)})
        body = (self._session, [shortcut], "", {"handle_token": ("s", self._token())})
        # answered by a Response later, once the desktop (or the user, in its dialog) has decided: see _loop
        self._bind_request = self._call(router, SHORTCUTS_INTERFACE, "BindShortcuts", "oa(sa{sv})sa{sv}", body)[0]

    def _find_portal(self, router: DBusRouter) -> str:
        """The portal's unique bus name, once it is known to answer and to have GlobalShortcuts."""
        try:  # first of all: a call after any other portal call would be refused
            self._call(router, REGISTRY_INTERFACE, "Register", "sa{sv}", (APP_ID, {}))
        except DBusErrorResponse as exc:
            if exc.name in NO_SERVICE_ERRORS:
                raise HotkeyUnavailable(f"no XDG desktop portal answers on the session bus: {FALLBACK_HELP}") from None
            # an older portal without the registry, or one that already knows us: go on
        try:
            version = router.send_and_get_reply(
                Properties(DBusAddress(PORTAL_PATH, PORTAL_NAME, SHORTCUTS_INTERFACE)).get("version"),
                timeout=PORTAL_TIMEOUT_S,
            )
        except TimeoutError:
            raise HotkeyUnavailable(
                f"the desktop portal did not answer within {PORTAL_TIMEOUT_S:g} s: {FALLBACK_HELP}"
            ) from None
        if version.header.message_type is MessageType.error:
            raise HotkeyUnavailable(f"this desktop's portal has no GlobalShortcuts: {FALLBACK_HELP}")
        return str(self._bus_call(router, "GetNameOwner", PORTAL_NAME)[0])

    def _create_session(self, router: DBusRouter, sender: str) -> str:
        """CreateSession, waited for (no dialog is shown for it): the session's object path."""
        token = self._token()
        options = {"handle_token": ("s", token), "session_handle_token": ("s", self._token())}
        request = self._call(router, SHORTCUTS_INTERFACE, "CreateSession", "a{sv}", (options,))[0]
        code, results = self._response(request, f"{PORTAL_PATH}/request/{sender}/{token}")
        if code != 0 or "session_handle" not in results:
            raise HotkeyUnavailable(f"the desktop portal refused a shortcut session (response {code}): {FALLBACK_HELP}")
        return str(results["session_handle"][1])

    @staticmethod
    def _token() -> str:
        return f"whisperdesk_{secrets.token_hex(6)}"

    def _call(self, router: DBusRouter, interface: str, method: str, signature: str, body: tuple) -> tuple:
        """A portal method's reply body; DBusErrorResponse as is, no answer as HotkeyUnavailable."""
        message = new_method_call(DBusAddress(PORTAL_PATH, PORTAL_NAME, interface), method, signature, body)
        try:
            reply = router.send_and_get_reply(message, timeout=PORTAL_TIMEOUT_S)
        except TimeoutError:
            raise HotkeyUnavailable(
                f"the desktop portal did not answer within {PORTAL_TIMEOUT_S:g} s: {FALLBACK_HELP}"
            ) from None
        if reply.header.message_type is MessageType.error:
            raise DBusErrorResponse(reply)
        return reply.body

    @staticmethod
    def _bus_call(router: DBusRouter, method: str, *args: Any) -> tuple:
        return getattr(Proxy(message_bus, router, timeout=PORTAL_TIMEOUT_S), method)(*args)

    def _response(self, request: str, expected: str) -> tuple[int, dict[str, tuple[str, Any]]]:
        """Wait for the Response of the request at `request` (or `expected`, the path asked for)."""
        try:
            while True:
                message = self._inbox.get(timeout=PORTAL_TIMEOUT_S)
                if message is None:
                    continue
                if isinstance(message, _BusLost):
                    raise HotkeyUnavailable(f"the D-Bus session bus went away ({message}): {FALLBACK_HELP}")
                fields = message.header.fields
                if fields.get(HeaderFields.member) == "Response" and fields.get(HeaderFields.path) in (
                    request,
                    expected,
                ):
                    code, results = message.body
                    return int(code), dict(results)
        except queue.Empty:
            raise HotkeyUnavailable(
                f"the desktop portal did not create a shortcut session within {PORTAL_TIMEOUT_S:g} s: {FALLBACK_HELP}"
            ) from None

    # running -------------------------------------------------------------------------------

    def _loop(self) -> None:
        while (message := self._inbox.get()) is not None:
            if isinstance(message, _BusLost):
                if self.pressed:  # held in hold mode: no Deactivated will come
                    self.pressed = False
                    self._on_release()
                gone = f"the D-Bus session bus went away, and the shortcut with it ({message})"
                self._on_problem(f"{gone}: {FALLBACK_HELP}")
                return
            fields = message.header.fields
            member, path = fields.get(HeaderFields.member), fields.get(HeaderFields.path)
            if member == "Response" and path == self._bind_request:
                self._bound(*message.body)
            elif member in ("Activated", "Deactivated"):
                session, shortcut_id = message.body[0], message.body[1]
                if session != self._session or shortcut_id != SHORTCUT_ID:
                    continue
                if member == "Activated" and not self.pressed:
                    self.pressed = True
                    self._on_press()
                elif member == "Deactivated" and self.pressed:
                    self.pressed = False
                    self._on_release()
            elif member == "Closed" and path == self._session:
                self._on_problem(f"the desktop closed the shortcut's portal session: {FALLBACK_HELP}")
            elif member == "NameOwnerChanged" and message.body[0] == PORTAL_NAME:
                self._portal_moved(str(message.body[1]), str(message.body[2]))

    def _portal_moved(self, old: str, new: str) -> None:
        """The portal's name changed hands. Ours exited (or restarted): release, then bind on the next one
        (a restart, or the bus starting it again on our call); said in one line while there is none."""
        router = self._router
        gone = bool(old) and old == self._owner
        if gone:
            self._owner, self._session, self._bind_request = "", "", ""
            self.bound.clear()
            if self.pressed:  # held in hold mode: no Deactivated will come
                self.pressed = False
                self._on_release()
        if router is None or self._owner or not (gone or (self._lost and new)):
            return
        try:
            self._bind(router)
        except (RouterClosed, OSError, EOFError):
            return  # the bus itself went away: the _BusLost after this says so
        except (HotkeyUnavailable, DBusErrorResponse, TimeoutError):
            if not self._lost:
                self._lost = True
                self._on_problem(f"{GONE}: {FALLBACK_HELP}")

    def _bound(self, code: int, results: dict[str, tuple[str, Any]]) -> None:
        shortcuts = dict(results).get("shortcuts", ("a(sa{sv})", []))[1]
        ours = [dict(props) for shortcut_id, props in shortcuts if shortcut_id == SHORTCUT_ID]
        if code != 0 or not ours:
            why = "the request was cancelled" if code == 1 else f"response {code}" if code else "it was not bound"
            self._on_problem(f"the desktop did not bind the shortcut {self.hotkey} ({why}): {FALLBACK_HELP}")
            return
        self.trigger_description = str(ours[0].get("trigger_description", ("s", ""))[1])
        self.bound.set()
        if self._lost:  # bound again on a portal that came back: the line about it going away is over
            self._lost = False
            self._on_problem("")

    def stop(self) -> None:
        """Close the portal session, end the thread and the connection (safe to call twice)."""
        router, session = self._router, self._session
        if router is not None and session:
            with contextlib.suppress(Exception):
                router.send(new_method_call(DBusAddress(session, PORTAL_NAME, SESSION_INTERFACE), "Close"))
        self._session = ""
        if self._thread is not None:
            self._inbox.put(None)
            self._thread.join(timeout=2.0)
            self._thread = None
        self._close_connection()

    def _forget_portal(self, router: DBusRouter) -> None:
        """Drop the signal rules of a portal that went away (a new one gets its own)."""
        rules, self._portal_rules = self._portal_rules, []
        for rule, handle in rules:
            with contextlib.suppress(Exception):
                handle.close()
                self._bus_call(router, "RemoveMatch", rule)

    def _close_connection(self) -> None:
        for _, handle in self._portal_rules:
            with contextlib.suppress(Exception):
                handle.close()
        self._portal_rules.clear()
        for handle in self._filters:
            with contextlib.suppress(Exception):
                handle.close()
        self._filters.clear()
        router, self._router = self._router, None
        if router is not None:
            router.close()
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def start_shortcut(
    hotkey: Hotkey | str,
    on_press: Callback,
    on_release: Callback,
    *,
    mode: str = "toggle",
    on_problem: Callable[[str], None] | None = None,
    env: Mapping[str, str] | None = None,
) -> GlobalHotkey | PortalShortcut:
    """The shortcut, started the way this session allows: the portal on Wayland, an X grab on X11.

    On Wayland with XWayland (DISPLAY set too) an X grab only sees keys meant for X11 windows, so the portal
    comes first and the grab is the fallback; a Wayland session without X raises the portal's reason.
    """
    env = os.environ if env is None else env
    if wayland_session(env):
        portal = PortalShortcut(
            hotkey, on_press, on_release, mode=mode, on_problem=on_problem, bus=env.get("DBUS_SESSION_BUS_ADDRESS", "")
        )
        try:
            portal.start()
            return portal
        except HotkeyUnavailable:
            if wayland_only(env):
                raise
    grab = GlobalHotkey(hotkey, on_press, on_release, display=env.get("DISPLAY") or None)
    grab.start()
    return grab
