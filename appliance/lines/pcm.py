"""A module's PCM audio port (SIM7600 USB interface 04, EC25 interface 01): 20 ms frames both ways.

The port carries raw signed 16-bit little-endian mono at 8 kHz: 320 bytes per 20 ms. The
module's clock paces both ways: ``PcmLink`` reads whole frames on its own thread, hands each to
``LineAudio.exchange`` and writes back the frame it returns (the prompt playing, the operator
from the bridge card), one for one. The module only streams while its PCM switch is on
(``AT+CPCMREG=1`` / ``AT+QPCMV=1,0``); the AT side flips it.

A port that fails (read error, vanished, or an uplink the module stops taking: the known
SIM7600 "half-dead audio port") is reported once through ``on_fail``; the line driver decides
what to do (end the call, restart the module) and reopens the link with ``open``.

Example::

    link = PcmLink(opener("/dev/ttyUSB4", 115200, write_timeout=0.5))
    audio = LineAudio("line1", loop.post, FrameOutbox(), PromptLibrary(), data_dir)
    link.open(audio, on_fail=print)
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from appliance.audio.realtime import audio_thread

FRAME_BYTES = 320

log = logging.getLogger("appliance.lines.pcm")


class PcmLink:
    """One audio port; ``open`` / ``close`` may be repeated (a module restart, a replug)."""

    def __init__(self, opener: Callable[[], object], name: str = "audio"):
        self._opener, self.name = opener, name
        self.port = None
        self._generation = 0
        self._write_lock = threading.RLock()   # write() reports failures while holding it
        self._on_fail: Callable[[str], None] = lambda reason: None

    def open(self, audio, on_fail: Callable[[str], None] = lambda reason: None) -> None:
        """Open the port (raises OSError if it cannot); on a reader thread, hand every whole
        frame read to ``audio.exchange`` and send the frame it returns."""
        self.close()
        port = self._opener()
        with self._write_lock:
            self._generation += 1
            self.port, self._on_fail = port, on_fail
            generation = self._generation
        threading.Thread(target=self._read_forever, args=(port, generation, audio.exchange),
                         daemon=True, name=f"pcm-{self.name}").start()

    def write(self, frame: bytes) -> None:
        """Send one frame to the caller (dropped while the port is closed)."""
        with self._write_lock:
            port = self.port
            if port is None:
                return
            try:
                port.write(frame)
            except (OSError, ValueError, TypeError) as exc:
                self._fail(port, f"the module stopped taking audio ({exc})")

    def close(self) -> None:
        """Stop reading and close the port."""
        with self._write_lock:
            port, self.port = self.port, None
            self._generation += 1
        if port is not None:
            try:
                port.close()
            except (OSError, ValueError):
                pass

    def _read_forever(self, port, generation: int, exchange: Callable[[bytes], bytes]) -> None:
        """The reader thread: any error ends it with a report, never quietly."""
        audio_thread()
        buffer = b""
        try:
            while generation == self._generation:
                buffer += port.read(FRAME_BYTES - len(buffer))
                if len(buffer) == FRAME_BYTES:
                    self.write(exchange(buffer))
                    buffer = b""
        except (OSError, TypeError, AttributeError, ValueError) as exc:
            if generation == self._generation:
                self._fail(port, f"read failed: {exc}")
        except Exception as exc:                  # noqa: BLE001 - a bug in the audio path
            log.exception("%s: hearing a frame failed", self.name)
            self._fail(port, f"internal error in the audio path: {exc!r}")

    def _fail(self, port, reason: str) -> None:
        """Report once per opened port, then drop it."""
        with self._write_lock:
            if self.port is not port:
                return
            self.port = None
            on_fail = self._on_fail
        log.error("%s: audio port failed: %s", self.name, reason)
        on_fail(reason)
