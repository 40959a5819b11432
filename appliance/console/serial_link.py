"""A serial port as a console byte stream, opened with termios: raw, 8N1, no flow control.

The Pi's UART (``/dev/serial0``), a USB-serial adapter or a pseudo-terminal all look the same
here. Reads wake every half second so that a stopping daemon is never held by a silent port.

Example::

    port = SerialPort.open("/dev/serial0", 115200)
    port.write(b"hello\\r\\n")
"""
from __future__ import annotations

import os
import select
import termios
import threading

from appliance.errors import DriverError
from appliance.store.schema import SERIAL_BAUDS as BAUDS

POLL_S = 0.5


def _raw_8n1(fd: int, baud: int) -> None:
    speed = getattr(termios, f"B{baud}")
    iflag, oflag, cflag, lflag, _, _, cc = termios.tcgetattr(fd)
    cflag = (cflag & ~(termios.CSIZE | termios.PARENB | termios.CSTOPB | termios.CRTSCTS)) \
        | termios.CS8 | termios.CREAD | termios.CLOCAL
    cc[termios.VMIN], cc[termios.VTIME] = 1, 0
    termios.tcsetattr(fd, termios.TCSANOW, [0, 0, cflag, 0, speed, speed, cc])


class SerialPort:
    """An open serial device with ``read``/``write`` for a console Session.

    ``stop()`` (any thread) makes reads return ``b""`` within half a second; the thread that
    reads then calls ``close()``, so the descriptor is never closed under a running read."""

    def __init__(self, fd: int, name: str) -> None:
        self.fd, self.name = fd, name
        self.closed = threading.Event()

    @classmethod
    def open(cls, device: str, baud: int) -> "SerialPort":
        """Open ``device`` at ``baud`` 8N1, or DriverError saying what to check."""
        if baud not in BAUDS:
            raise DriverError(f"baud {baud} is not a serial speed; use one of "
                              f"{', '.join(map(str, BAUDS))}")
        try:
            fd = os.open(device, os.O_RDWR | os.O_NOCTTY)
        except OSError as exc:
            raise DriverError(f"cannot open the console port {device}: {exc.strerror} (check "
                              "the device name, the cable, and that the user is in group "
                              "dialout)") from None
        return cls._configured(fd, device, baud)

    @classmethod
    def _configured(cls, fd: int, device: str, baud: int) -> "SerialPort":
        try:
            _raw_8n1(fd, baud)
        except termios.error as exc:
            os.close(fd)
            raise DriverError(f"{device} is not a serial port: {exc.args[-1]}") from None
        return cls(fd, device)

    def read(self, size: int) -> bytes:
        """Bytes typed on the port; ``b""`` once the port is closed."""
        while not self.closed.is_set():
            ready, _, _ = select.select([self.fd], [], [], POLL_S)
            if ready and not self.closed.is_set():
                return os.read(self.fd, size)
        return b""

    def write(self, data: bytes) -> None:
        """Send all of ``data`` (blocks only the calling session's thread)."""
        view = memoryview(data)
        while view and not self.closed.is_set():
            view = view[os.write(self.fd, view):]

    def stop(self) -> None:
        """Make the reading thread let go of the port. Any thread."""
        self.closed.set()

    def close(self) -> None:
        """Release the device (the reading thread, once its session has ended)."""
        self.closed.set()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
