"""A serial port as a console byte stream (opened by appliance.serial_port: raw 8N1, exclusive).

The Pi's UART (``/dev/serial0``), a USB-serial adapter or a pseudo-terminal all look the same
here. Reads wake every half second so that a stopping daemon is never held by a silent port. A
port that goes away under the session (a USB adapter pulled out) ends the session like a closed
one; line noise is only bytes, which the session's line editor copes with.

Example::

    port = SerialPort.open("/dev/serial0", 115200)
    port.write(b"hello\\r\\n")
"""
from __future__ import annotations

import threading

from appliance.errors import DriverError
from appliance.serial_port import PortError, open_or_explain
from appliance.store.schema import SERIAL_BAUDS as BAUDS

POLL_S = 0.5


class SerialPort:
    """An open serial device with ``read``/``write`` for a console Session.

    ``stop()`` (any thread) makes reads return ``b""`` within half a second; the thread that
    reads then calls ``close()``, so the device is never closed under a running read."""

    def __init__(self, port, name: str) -> None:
        self.port, self.name = port, name
        self.closed = threading.Event()

    @classmethod
    def open(cls, device: str, baud: int) -> "SerialPort":
        """Open ``device`` at ``baud`` 8N1, or DriverError saying what to check."""
        if baud not in BAUDS:
            raise DriverError(f"baud {baud} is not a serial speed; use one of "
                              f"{', '.join(map(str, BAUDS))}")
        port = open_or_explain(device, baud, "the console port", timeout=POLL_S,
                               write_timeout=5.0, exclusive=True)
        return cls(port, device)

    @property
    def fd(self) -> int:
        """The descriptor, for a relay that waits on the port and a socket at once."""
        return self.port.fileno()

    def read(self, size: int) -> bytes:
        """Bytes typed on the port; ``b""`` once the port is closed or gone."""
        while not self.closed.is_set():
            try:
                data = self.port.read(1)        # the first byte, or nothing in POLL_S
                if data:                        # then what is there: an echo without a lag
                    data += self.port.read(min(size - 1, self.port.in_waiting))
            except (PortError, OSError, TypeError):
                self.closed.set()           # unplugged mid-session: end it like a hang-up
                return b""
            if data and not self.closed.is_set():
                return data
        return b""

    def write(self, data: bytes) -> None:
        """Send all of ``data`` (blocks only the calling session's thread)."""
        if self.closed.is_set():
            return
        try:
            self.port.write(data)
        except (PortError, OSError):
            self.closed.set()

    def discard_input(self) -> None:
        """Drop what was typed but not read yet (guesses sent during a PIN lockout)."""
        try:
            self.port.reset_input_buffer()
        except (PortError, OSError):
            self.closed.set()

    def stop(self) -> None:
        """Make the reading thread let go of the port. Any thread."""
        self.closed.set()

    def close(self) -> None:
        """Release the device (the reading thread, once its session has ended)."""
        self.closed.set()
        try:
            self.port.close()
        except (PortError, OSError):
            pass
