"""A pseudo-terminal pair standing in for a modem's USB serial port, at a stable path.

The simulated modem keeps the master end; the driver opens ``path`` with pyserial as it would
open /dev/ttyUSB2. ``path`` is a symlink to the slave (/dev/pts/N), so a simulated replug (a new
pair) keeps the name, like a udev by-id link. Uses ``os.openpty``: no external tool needed.

Example::

    pair = PtyPair(Path(tmp) / "modem0")
    serial.Serial(str(pair.path), 115200, timeout=0.1)     # the driver's side
    os.write(pair.master, b"\\r\\nRING\\r\\n")               # the modem's side
"""
from __future__ import annotations

import os
import tempfile
import tty
from pathlib import Path


class PtyPair:
    """An open pty pair; ``master`` is the modem's file descriptor, ``path`` the driver's."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else Path(tempfile.mkdtemp(prefix="hwsim-")) / "modem"
        self.master = -1
        self._slave = -1
        self.open()

    def open(self) -> None:
        """Create a fresh pair and point ``path`` at its slave (a plug-in)."""
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)               # no echo, no CR/LF translation: a raw USB tty
        os.set_blocking(self.master, False)
        tmp = self.path.with_name(self.path.name + ".new")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(os.ttyname(self._slave))
        tmp.replace(self.path)

    def close(self) -> None:
        """Close both ends and remove ``path``, as a pulled USB cable removes its device node
        (a stale link could later point at another program's pty)."""
        self.path.unlink(missing_ok=True)
        for fd in (self.master, self._slave):
            if fd >= 0:
                os.close(fd)
        self.master = self._slave = -1

    @property
    def is_open(self) -> bool:
        """True between ``open`` and ``close``."""
        return self.master >= 0


class PtyDevice:
    """The life of a simulated device that serves its ptys from its own threads: a subclass
    sets ``pair`` (the port the driver opens), ``_threads``, ``_stop`` and ``_lock``, and lists
    every pair it serves in ``pairs``."""

    pair: PtyPair

    @property
    def pairs(self) -> tuple[PtyPair, ...]:
        """Every pty the device serves (closed on stop)."""
        return (self.pair,)

    @property
    def path(self) -> Path:
        """The port the driver opens (stable across vanish / plug_in)."""
        return self.pair.path

    def start(self):
        """Start serving; returns self."""
        for thread in self._threads:
            thread.start()
        return self

    def _write(self, data: bytes) -> None:
        """Bytes to the driver's side of the port; lost if it is closed, as on a real UART."""
        with self._lock:
            if not self.pair.is_open:
                return
            try:
                os.write(self.pair.master, data)
            except OSError:
                pass                            # nobody reading: the bytes are lost

    def stop(self) -> None:
        """Stop serving and close the ptys."""
        self._stop.set()
        with self._lock:
            for pair in self.pairs:
                if pair.is_open:
                    pair.close()
