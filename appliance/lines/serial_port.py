"""Opening a modem's serial port with pyserial: the only place the line drivers import serial."""
from __future__ import annotations

import os
from typing import Callable

import serial

READ_TIMEOUT_S = 0.1                   # the AT reader wakes this often to notice a close


def opener(path: str, baud: int, write_timeout: float | None = None) -> Callable[[], serial.Serial]:
    """A callable that opens ``path`` afresh (after a replug the old handle is dead). With
    ``write_timeout`` a write that the device does not take in time raises (a stalled uplink)."""
    return lambda: serial.Serial(path, baud, timeout=READ_TIMEOUT_S, write_timeout=write_timeout)


def missing(path: str, setting: str) -> str | None:
    """Why the device ``path`` named by ``setting`` cannot be used, or None if it is there."""
    if os.path.exists(path):
        return None
    return (f"Setting '{setting}' names {path}, which does not exist: is the modem plugged in "
            "and powered, and is it the right port?")
