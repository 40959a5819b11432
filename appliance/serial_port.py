"""Opening a serial device with pyserial: the one place the appliance imports ``serial``.

The modems' AT and audio ports and the technician's console port are all opened here, raw 8N1
with no flow control, so a port is set up one way whoever uses it, and what to check when it
cannot be opened is written once.

Example::

    reopen = opener("/dev/ivr-line1", 115200)       # a line driver reopens after a replug
    console = open_port("/dev/serial0", 115200, timeout=0.5, write_timeout=5.0, exclusive=True)
"""
from __future__ import annotations

import os
from typing import Callable

import serial

from appliance.errors import DriverError

READ_TIMEOUT_S = 0.1                   # the AT reader wakes this often to notice a close
PortError = serial.SerialException     # what a read or write on a port that went away raises


def open_port(path: str, baud: int, *, timeout: float = READ_TIMEOUT_S,
              write_timeout: float | None = None, exclusive: bool = False) -> serial.Serial:
    """``path`` opened at ``baud``, raw 8N1, no flow control. Reads return after ``timeout``
    with what came; with ``write_timeout`` a write the device does not take in time raises (a
    stalled uplink); ``exclusive`` refuses a port another program holds. A port that cannot be
    opened raises serial.SerialException (an OSError); :func:`why_not` says it for a person."""
    return serial.Serial(path, baud, bytesize=serial.EIGHTBITS, parity=serial.PARITY_NONE,
                         stopbits=serial.STOPBITS_ONE, timeout=timeout,
                         write_timeout=write_timeout, xonxoff=False, rtscts=False, dsrdtr=False,
                         exclusive=exclusive or None)


def opener(path: str, baud: int, write_timeout: float | None = None) -> Callable[[], serial.Serial]:
    """A callable that opens ``path`` afresh (after a replug the old handle is dead)."""
    return lambda: open_port(path, baud, write_timeout=write_timeout)


def open_or_explain(path: str, baud: int, what: str, **options) -> serial.Serial:
    """:func:`open_port`, or DriverError saying what to check (for a person at a console)."""
    try:
        return open_port(path, baud, **options)
    except (OSError, ValueError) as exc:
        raise DriverError(why_not(path, what, exc)) from None


def why_not(path: str, what: str, exc: BaseException) -> str:
    """One line on why ``what`` (e.g. "the console port") at ``path`` did not open."""
    errno = getattr(exc, "errno", None)
    if errno is not None:                   # the device could not be opened at all
        return (f"cannot open {what} {path}: {os.strerror(errno)} (check the device name, the "
                "cable, and that the user is in group dialout)")
    return f"{path} is not a serial port: {exc}"


def missing(path: str, setting: str) -> str | None:
    """Why the device ``path`` named by ``setting`` cannot be used, or None if it is there."""
    if os.path.exists(path):
        return None
    return (f"Setting '{setting}' names {path}, which does not exist: is the modem plugged in "
            "and powered, and is it the right port?")
