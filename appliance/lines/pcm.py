"""A module's PCM audio port (SIM7600 USB interface 04, EC25 interface 01): 20 ms frames both ways.

The port carries raw signed 16-bit little-endian mono at 8 kHz: 320 bytes per 20 ms. ``PcmLink``
reads whole frames on its own thread and hands each to ``on_frame`` (``LineAudio.hear``), and is
the ``LineAudio`` sink: ``write(frame)`` sends what the caller should hear. The module only
streams while its PCM switch is on (``AT+CPCMREG=1`` / ``AT+QPCMV=1,0``); the AT side flips it.

Example::

    link = PcmLink(opener("/dev/ttyUSB4", 115200))
    audio = LineAudio("line1", loop.post, link, PromptLibrary(), data_dir)
    link.start(audio.hear)
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

FRAME_BYTES = 320

log = logging.getLogger("appliance.lines.pcm")


class PcmLink:
    """One audio port. A failed port is logged once and then stays silent: the AT port's loss
    is what takes the line out of service, and a replug opens a fresh link."""

    def __init__(self, opener: Callable[[], object]):
        self._opener = opener
        self.port = None
        self._closing = threading.Event()
        self._write_lock = threading.Lock()

    def start(self, on_frame: Callable[[bytes], None]) -> None:
        """Open the port and hand every whole frame read to ``on_frame``."""
        self.port = self._opener()
        threading.Thread(target=self._read_forever, args=(on_frame,), daemon=True,
                         name="pcm-rx").start()

    def write(self, frame: bytes) -> None:
        """Send one frame to the caller (dropped while the port is gone)."""
        with self._write_lock:
            if self.port is None:
                return
            try:
                self.port.write(frame)
            except (OSError, ValueError, TypeError) as exc:
                self._fail(f"write failed: {exc}")

    def close(self) -> None:
        """Stop reading and close the port."""
        self._closing.set()
        port, self.port = self.port, None
        if port is not None:
            port.close()

    def _read_forever(self, on_frame: Callable[[bytes], None]) -> None:
        buffer = b""
        while not self._closing.is_set() and self.port is not None:
            try:
                buffer += self.port.read(FRAME_BYTES - len(buffer))
            except (OSError, TypeError, AttributeError) as exc:
                self._fail(f"read failed: {exc}")
                return
            if len(buffer) == FRAME_BYTES:
                on_frame(buffer)
                buffer = b""

    def _fail(self, reason: str) -> None:
        if self.port is not None and not self._closing.is_set():
            log.error("audio port lost: %s", reason)
        self.port = None
