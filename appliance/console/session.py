"""One console session over a byte stream: line editing, a ``> `` prompt, one answer per line.

The stream is anything with ``read(n) -> bytes`` (``b""`` when it is closed) and
``write(bytes)``: a socket connection or a serial port. On a serial port the session echoes
what the technician types and ends lines with CR LF, as terminal programs (screen, minicom,
PuTTY) expect; over the control socket the technician's own terminal does that.

Example::

    Session(table, SocketStream(conn)).run()      # returns when the peer leaves or types quit
"""
from __future__ import annotations

import logging
from typing import Callable, Protocol

from appliance.console.table import CommandTable, SessionEnd

log = logging.getLogger("appliance.console")

PROMPT = "> "
MAX_LINE = 1000                      # longer input is cut: no typing can eat the Pi's memory
BANNER = "IVR appliance technician console. Type 'help' for the commands, 'quit' to leave."
_ENTER, _NEWLINE, _CTRL_C = 0x0D, 0x0A, 0x03
_ERASE = (0x08, 0x7F)


class Stream(Protocol):
    def read(self, size: int) -> bytes: ...

    def write(self, data: bytes) -> None: ...


class LineEditor:
    """Bytes in, typed lines out. CR, LF or CR LF end a line; backspace and DEL erase; Ctrl-C
    abandons the line; other control bytes are ignored. ``echo`` (if given) gets what to show."""

    def __init__(self, echo: Callable[[bytes], None] | None = None) -> None:
        self._buffer = bytearray()
        self._echo = echo or (lambda data: None)
        self._after_cr = False

    def feed(self, data: bytes) -> list[str]:
        """The lines that ``data`` completes (often none, sometimes several)."""
        return [line for line in map(self._byte, data) if line is not None]

    def _byte(self, byte: int) -> str | None:
        after_cr, self._after_cr = self._after_cr, byte == _ENTER
        if byte == _NEWLINE and after_cr:
            return None                                  # the LF of a CR LF
        if byte in (_ENTER, _NEWLINE, _CTRL_C):
            return self._finish(byte == _CTRL_C)
        if byte in _ERASE:
            return self._erase()
        if byte >= 0x20 and len(self._buffer) < MAX_LINE:
            self._buffer.append(byte)
            self._echo(bytes([byte]))
        return None

    def _finish(self, abandoned: bool) -> str:
        line = "" if abandoned else self._buffer.decode("utf-8", "replace")
        self._buffer.clear()
        self._echo(b"^C\r\n" if abandoned else b"\r\n")
        return line

    def _erase(self) -> None:
        if self._buffer:
            while self._buffer and self._buffer.pop() & 0xC0 == 0x80:
                pass                                     # a whole UTF-8 character goes
            self._echo(b"\b \b")


class Session:
    """Reads lines from ``stream``, answers each from ``table``, until the peer leaves or quits."""

    def __init__(self, table: CommandTable, stream: Stream, serial: bool = False) -> None:
        self.table, self.stream, self.serial = table, stream, serial
        self.editor = LineEditor(stream.write if serial else None)
        self.quit = False

    def run(self) -> bool:
        """Serve the session to its end: True if the technician typed quit, False if the stream
        closed or failed (the peer is gone)."""
        self.quit = False
        try:
            self._say(BANNER + "\n" + PROMPT)
            while self._serve(self.stream.read(4096)):
                pass
        except OSError as exc:
            log.info("console session ended: %s", exc)
        return self.quit

    def _serve(self, data: bytes) -> bool:
        if not data:
            return False
        return all(self._answer(line) for line in self.editor.feed(data))

    def _answer(self, line: str) -> bool:
        try:
            text = self.table.run(line)
        except SessionEnd:
            self._say("bye\n")
            self.quit = True
            return False
        except Exception:                           # noqa: BLE001 - a bug must not end the console
            log.exception("console command %r failed", line)
            text = "error: the command failed inside the appliance (details in the log)"
        self._say((text + "\n" if text else "") + PROMPT)
        return True

    def _say(self, text: str) -> None:
        if self.serial:
            text = text.replace("\n", "\r\n")
        self.stream.write(text.encode("utf-8"))
