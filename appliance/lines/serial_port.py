"""Opening a modem's serial port with pyserial: the only place the line drivers import serial."""
from __future__ import annotations

import os
from typing import Callable

import serial

from appliance.errors import DriverError

READ_TIMEOUT_S = 0.1                   # the AT reader wakes this often to notice a close


def opener(path: str, baud: int) -> Callable[[], serial.Serial]:
    """A callable that opens ``path`` afresh (after a replug the old handle is dead)."""
    return lambda: serial.Serial(path, baud, timeout=READ_TIMEOUT_S)


def require_device(path: str, setting: str) -> None:
    """A one-line DriverError naming ``setting`` if the device ``path`` is not there."""
    if not os.path.exists(path):
        raise DriverError(f"Setting '{setting}' names {path}, which does not exist: is the modem "
                          "plugged in and powered, and is it the right port?")
