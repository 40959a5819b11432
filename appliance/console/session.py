"""One console session over a byte stream: line editing, a ``> `` prompt, one answer per line.

The stream is anything with ``read(n) -> bytes`` (``b""`` when it is closed) and
``write(bytes)``: a socket connection or a serial port. On a serial port the session echoes
what the technician types and ends lines with CR LF, as terminal programs (screen, minicom,
PuTTY) expect; over the control socket the technician's own terminal does that.

With a console PIN (settings ``console.pin``) the session first asks ``PIN: `` and answers
nothing else until it is given; the PIN is not echoed, and three wrong tries end the session
(the serial console then waits ``LOCKOUT_S`` before it asks again: see server.py).

Example::

    Session(table, SocketStream(conn)).run()      # returns when the peer leaves or types quit
"""
from __future__ import annotations

import hmac
import logging
from typing import Callable, Protocol

from appliance.console.table import CommandTable, SessionEnd

log = logging.getLogger("appliance.console")

PROMPT = "> "
MAX_LINE = 1000                      # longer input is cut: no typing can eat the Pi's memory
BANNER = "IVR appliance technician console. Type 'help' for the commands, 'quit' to leave."
PIN_PROMPT = "PIN: "
PIN_TRIES = 3
LOCKOUT_S = 10.0                     # serial port: no new PIN prompt for this long after 3 misses
LOCKED_OUT = "wrong PIN three times: session ended"
_ENTER, _NEWLINE, _CTRL_C = 0x0D, 0x0A, 0x03
_ERASE = (0x08, 0x7F)


class Stream(Protocol):
    def read(self, size: int) -> bytes: ...

    def write(self, data: bytes) -> None: ...


class LineEditor:
    """Bytes in, typed lines out. CR, LF or CR LF end a line; backspace and DEL erase; Ctrl-C
    abandons the line; other control bytes are ignored. ``echo`` (if given) gets what to show;
    while ``hidden`` (a PIN being typed) it gets only the line ends."""

    def __init__(self, echo: Callable[[bytes], None] | None = None) -> None:
        self.hidden = False
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
            if not self.hidden:
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
            if not self.hidden:
                self._echo(b"\b \b")


class Session:
    """Reads lines from ``stream``, answers each from ``table``, until the peer leaves or quits.

    ``pin`` gives the console PIN (or None) when a session starts, so a changed setting holds
    from the next session on."""

    def __init__(self, table: CommandTable, stream: Stream, serial: bool = False,
                 pin: Callable[[], str | None] | None = None) -> None:
        self.table, self.stream, self.serial = table, stream, serial
        self.editor = LineEditor(stream.write if serial else None)
        self.pin = pin
        self.quit = False
        self.locked_out = False
        self._expected: str | None = None       # the PIN still to be given
        self._misses = 0

    def run(self) -> bool:
        """Serve the session to its end: True if the technician typed quit, False if the stream
        closed or failed (the peer is gone) or the PIN was missed three times (``locked_out``)."""
        self.quit = self.locked_out = False
        self._misses = 0
        try:
            self._expected = self.pin() if self.pin is not None else None
            self.editor.hidden = self._expected is not None
            self._say(BANNER + "\n" + (PIN_PROMPT if self.editor.hidden else PROMPT))
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
        if self._expected is not None:
            return self._check_pin(line)
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

    def _check_pin(self, line: str) -> bool:
        """One PIN try: the prompt on a right one; after three wrong ones the session ends. Enter
        alone (how a technician wakes a serial line) only asks again."""
        if not line.strip():
            self._say(PIN_PROMPT)
            return True
        if hmac.compare_digest(line.strip().encode(), self._expected.encode()):
            self._expected, self.editor.hidden = None, False
            self._say(PROMPT)
            return True
        self._misses += 1
        if self._misses < PIN_TRIES:
            self._say("wrong PIN\n" + PIN_PROMPT)
            return True
        log.warning("console: a wrong PIN was typed %d times; session ended", PIN_TRIES)
        self.locked_out = True
        wait = f"; the console answers again in {LOCKOUT_S:.0f} s" if self.serial else ""
        self._say(LOCKED_OUT + wait + "\n")
        return False

    def _say(self, text: str) -> None:
        if self.serial:
            text = text.replace("\n", "\r\n")
        self.stream.write(text.encode("utf-8"))
