"""`emit(signal, *args)`: Signal.emit without PySide6 6.12.0's reference-count bug.

PySide6 6.12.0 returns True from SignalInstance.emit without taking a reference to it, so every
emit from Python costs True one reference. Python 3.12+ never frees True (it is immortal), but on
3.10/3.11 the interpreter aborts ("bool_dealloc: deallocating True or False") after a few
thousand emits, which a live session reaches in minutes. Other versions (6.11.3 and older)
are unaffected and `emit` is then a plain call. Checked once, at import, on a private signal.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBE_EMITS = 16


class _Probe(QObject):
    ping = Signal()


def _emit_loses_a_reference() -> bool:
    if sys.version_info >= (3, 12):
        return False  # True is immortal: nothing to lose
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(0, lost)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give back what the probe cost
    return lost >= _PROBE_EMITS


EMIT_LOSES_A_REFERENCE = _emit_loses_a_reference()


def emit(signal: SignalInstance, *args: object) -> None:
    """Emit `signal` with `args`, restoring the reference a buggy PySide6 drops."""
    result = signal.emit(*args)
    if EMIT_LOSES_A_REFERENCE:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
