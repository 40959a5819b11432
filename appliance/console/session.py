"""One console session over a byte stream: line editing, a ``> `` prompt, one answer per line.

The stream is anything with ``read(n) -> bytes`` (``b""`` when it is closed) and
``write(bytes)``: a socket connection or a serial port. On a serial port the session echoes
what the technician types and ends lines with CR LF, as terminal programs (screen, minicom,
PuTTY) expect; over the control socket the technician's own terminal does that.

With a console PIN (settings ``console.pin``) the session first asks ``PIN: `` and answers
nothing else until it is given; the PIN is not echoed, and three wrong tries end the session
(the serial console then waits ``LOCKOUT_S`` before it asks again: see server.py).

A live command (``tail``, ``test dtmf``; follow.py) prints while the session keeps reading: only
Ctrl-C counts then (it ends the command and the prompt comes back); other typing is dropped.

Example::

    Session(table, SocketStream(conn)).run()      # returns when the peer leaves or types quit
"""
from __future__ import annotations

import hmac
import logging
import threading
from typing import Callable, Protocol

from appliance.console.follow import CTRL_C, Live, LiveRun
from appliance.console.table import CommandTable, SessionEnd

log = logging.getLogger("appliance.console")

PROMPT = "> "
MAX_LINE = 1000                      # longer input is cut: no typing can eat the Pi's memory
BANNER = "IVR appliance technician console. Type 'help' for the commands, 'quit' to leave."
PIN_PROMPT = "PIN: "
PIN_TRIES = 3
LOCKOUT_S = 10.0                     # serial port: no new PIN prompt for this long after 3 misses
LOCKED_OUT = "wrong PIN three times: session ended"
_ENTER, _NEWLINE, _CTRL_C, _ESC = 0x0D, 0x0A, CTRL_C, 0x1B
_ERASE = (0x08, 0x7F)


class Stream(Protocol):
    def read(self, size: int) -> bytes: ...

    def write(self, data: bytes) -> None: ...


class LineEditor:
    """Bytes in, typed lines out. CR, LF or CR LF end a line; backspace and DEL erase; Ctrl-C
    abandons the line (it comes out as ``INTERRUPTED``, so a relay can pass the Ctrl-C on);
    escape sequences (arrow keys, a terminal's answers) and other control bytes are ignored.
    ``echo`` (if given) gets what to show; while ``hidden`` (a PIN being typed) it gets only
    the line ends."""

    INTERRUPTED = "\x03"                 # the "line" Ctrl-C gives: no typed line contains it

    def __init__(self, echo: Callable[[bytes], None] | None = None) -> None:
        self.hidden = False
        self._buffer = bytearray()
        self._echo = echo or (lambda data: None)
        self._after_cr = False
        self._escape = 0                    # 1: after ESC; 2: inside ESC [ ... or ESC O ...

    def feed(self, data: bytes) -> list[str]:
        """The lines that ``data`` completes (often none, sometimes several)."""
        return [line for line in map(self._byte, data) if line is not None]

    def take(self, data: bytes) -> tuple[str | None, bytes]:
        """The first line ``data`` completes (None if none) and the bytes after it."""
        for at, byte in enumerate(data):
            line = self._byte(byte)
            if line is not None:
                return line, data[at + 1:]
        return None, b""

    def _byte(self, byte: int) -> str | None:
        if self._escape and byte not in (_ENTER, _NEWLINE, _CTRL_C):
            return self._escaped(byte)
        self._escape = 1 if byte == _ESC else 0
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

    def _escaped(self, byte: int) -> None:
        """Skip an escape sequence: ESC x, or ESC [ / ESC O, parameters, then one final byte."""
        if self._escape == 1:
            self._escape = 2 if byte in b"[O" else 0
        elif not 0x20 <= byte <= 0x3F:          # not a parameter or intermediate: the end
            self._escape = 0
        return None

    def _finish(self, abandoned: bool) -> str:
        line = self.INTERRUPTED if abandoned else self._buffer.decode("utf-8", "replace")
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
        self._live: LiveRun | None = None       # a live command printing (follow.py)
        self._write_lock = threading.Lock()     # the live command's thread writes too

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
        finally:
            self._end_live()                    # a peer gone mid-``tail``: stop it, quietly
        return self.quit

    def _serve(self, data: bytes) -> bool:
        if not data:
            return False
        while data:
            if self._live is not None:
                data = self._live_input(data)
                continue
            line, data = self.editor.take(data)
            if line is not None and not self._answer(line):
                return False
        return True

    def _live_input(self, data: bytes) -> bytes:
        """Typing while a live command prints: Ctrl-C ends it (the bytes after it are read as
        usual); anything else is dropped."""
        at = data.find(bytes([CTRL_C]))
        if at < 0:
            return b""
        if self.serial:
            self._say("^C\n")
        self._end_live()
        return data[at + 1:]

    def _end_live(self) -> None:
        live = self._live
        if live is not None:
            live.stop()
            self._live = None

    def _start_live(self, live: Live) -> None:
        run = LiveRun(live, lambda text: self._say(text + "\n"), lambda closing: self._live_done(
            run, closing))
        self._live = run
        run.start()

    def _live_done(self, run: LiveRun, closing: str | None) -> None:
        """The live command's thread, as it ends: its last words and the prompt (once)."""
        if self._live is run:
            self._live = None
        self._say((closing + "\n" if closing else "") + PROMPT)

    def _answer(self, line: str) -> bool:
        if line == LineEditor.INTERRUPTED:      # Ctrl-C at the prompt: a fresh one
            self._say(PIN_PROMPT if self._expected is not None else PROMPT)
            return True
        if self._expected is not None:
            return self._check_pin(line)
        try:
            text = self.table.run(line)
            if isinstance(text, Live):
                self._start_live(text)          # it prints the prompt when it ends
                return True
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
        with self._write_lock:
            self.stream.write(text.encode("utf-8"))
