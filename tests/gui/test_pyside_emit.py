"""The one defence against PySide6 6.12.0's Signal.emit reference leak is the dependency rule
(`PySide6-Essentials!=6.12.0` in pyproject.toml); this test fails if the installed PySide6 has the leak."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal

EMITS = 256


class _Sender(QObject):
    ping = Signal(int)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12: nothing to observe")
def test_emit_keeps_the_reference_count_of_its_return_value() -> None:
    sender = _Sender()
    received: list[int] = []
    sender.ping.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(EMITS):
        sender.ping.emit(i)
    lost = before - sys.getrefcount(True)
    assert len(received) == EMITS
    assert lost < EMITS // 2, f"each Signal.emit lost a reference to True ({lost} of {EMITS}): a leaking PySide6"
