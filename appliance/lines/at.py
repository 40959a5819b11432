"""The AT line discipline: split the modem's byte stream into command replies and URCs.

``classify(line, pending, urcs)`` is pure: it decides whether one received line ends the pending
command (``Response``), is an unsolicited result code from the dialect's table (``Urc``, even in
the middle of a reply), or is part of the pending reply (``Partial``). ``AtChannel`` owns the
serial port: its reader thread reads, splits on LF, strips CRs, skips garbage and dispatches;
``command`` sends one command at a time and waits for its final result code.

Example::

    port = open_port("/dev/ttyUSB2", 115200)          # appliance.serial_port
    channel = AtChannel(port, SIM800.urcs, post_urc=print, on_lost=print)
    channel.start()
    channel.command("ATE0")            # -> [] ; raises AtTimeout, CmeError, CommandRejected
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from appliance.errors import AtTimeout, CommandRejected, ModemGone
from appliance.lines.cme import cme_error

log = logging.getLogger("appliance.lines.at")

FINAL = re.compile(r"^(?:OK|ERROR|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|CONNECT(?: .*)?|"
                   r"\+CM[ES] ERROR: .*|COMMAND NOT SUPPORT|MODEM ERROR: \d+)$")
CALL_OUTCOME = re.compile(r"^(?:NO CARRIER|BUSY|NO ANSWER|NO DIALTONE)$")
_PREFIX = re.compile(r"^AT(\+[A-Z]+|\^[A-Z]+)")
MAX_LINE = 4096                  # a longer run without LF is noise, not a line
PROMPT_WAIT_S = 5.0              # for the "> " of a command that takes a body


@dataclass(frozen=True)
class UrcRule:
    """One row of a dialect's URC table: ``kind`` for lines matching ``pattern``; ``value``
    turns the match into the event's payload (a caller ID, a key)."""
    kind: str
    pattern: re.Pattern
    value: Callable[[re.Match], Any] = field(default=lambda match: None)


@dataclass(frozen=True)
class Response:
    """The final result code that ends the pending command."""
    final: str


@dataclass(frozen=True)
class Urc:
    """An unsolicited line of ``kind`` (``unknown`` when nothing in the table matched)."""
    kind: str
    value: Any
    line: str


@dataclass(frozen=True)
class Partial:
    """An information line of the pending command's reply."""
    line: str


def classify(line: str, pending: str | None, urcs: Sequence[UrcRule]) -> Response | Urc | Partial:
    """Sort one received line (CRs stripped, not empty) given the command in flight, if any.

    Call outcomes (NO CARRIER, BUSY, NO ANSWER, NO DIALTONE) end only a pending ATA or ATD;
    otherwise they are call-state URCs. A line with the pending command's own prefix (``+CPIN:``
    for ``AT+CPIN?``) is reply data even if the URC table knows it.
    """
    if pending is not None and _owned_by(line, pending):
        return Partial(line)
    if pending is not None and FINAL.match(line) and not _outcome_urc(line, pending):
        return Response(line)
    for rule in urcs:
        match = rule.pattern.match(line)
        if match:
            try:
                return Urc(rule.kind, rule.value(match), line)
            except (ValueError, TypeError, IndexError, OverflowError):
                return Urc("garbled", None, line)     # e.g. +QTONEDET: 1114112 (no such key)
    if pending is None:
        return Urc("unknown", None, line)
    return Partial(line)


def _owned_by(line: str, pending: str) -> bool:
    prefix = _PREFIX.match(pending.upper())
    return prefix is not None and line.startswith(prefix.group(1) + ":")


def _outcome_urc(line: str, pending: str) -> bool:
    return bool(CALL_OUTCOME.match(line)) and not pending.upper().startswith(("ATA", "ATD"))


def check_final(command: str, final: str, lines: list[str]) -> list[str]:
    """The reply's information lines if ``final`` is OK; else the error it stands for."""
    if final == "OK" or final.startswith("CONNECT"):
        return lines
    if final.startswith("+CME ERROR"):
        raise cme_error(command, final)
    raise CommandRejected(command, final)


class _Pending:
    """The one command in flight: its text, the lines so far, and how it ended. ``prompted`` is
    set when the module prints the ``> `` prompt of a command that takes a body (AT+CMGS)."""

    def __init__(self, text: str):
        self.text, self.lines = text, []
        self.final: str | None = None
        self.done = threading.Event()
        self.prompted = threading.Event()


class AtChannel:
    """One AT port. ``post_urc(urc)`` and ``on_lost(reason)`` are called on the reader thread;
    ``on_lost`` once, when the port vanishes. The port is an opened pyserial ``Serial`` (or
    anything with ``read``, ``write``, ``in_waiting``, ``close``) with a short read timeout."""

    def __init__(self, port, urcs: Sequence[UrcRule], post_urc: Callable[[Urc], None],
                 on_lost: Callable[[str], None] = lambda reason: None, name: str = "modem"):
        self.port, self.urcs, self.post_urc, self.on_lost = port, urcs, post_urc, on_lost
        self.name = name
        self.lost: str | None = None
        self._pending: _Pending | None = None
        self._one_at_a_time = threading.Lock()
        self._closing = False
        self._thread = threading.Thread(target=self._read_forever, name=f"at-{name}", daemon=True)

    def start(self) -> None:
        """Start the reader thread."""
        self._thread.start()

    def close(self) -> None:
        """Stop reading and close the port."""
        self._closing = True
        self._close_port()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2.0)

    def command(self, text: str, timeout: float = 5.0, body: str | None = None) -> list[str]:
        """Send ``text`` and return its information lines once ``OK`` arrives. With ``body``
        (AT+CMGS), wait for the module's ``> `` prompt, type the body and Ctrl-Z first.

        Raises AtTimeout (with the partial reply), CmeError, CommandRejected or ModemGone.
        """
        with self._one_at_a_time:
            if self.lost:
                raise ModemGone(f"{self.name}: {self.lost}")
            pending = self._pending = _Pending(text)
            try:
                self._write(text)
                if body is not None:
                    self._type_body(pending, body)
                if not pending.done.wait(timeout):
                    raise AtTimeout(text, timeout, list(pending.lines))
            finally:
                self._pending = None
        if pending.final is None:
            raise ModemGone(f"{self.name}: {self.lost}")
        return check_final(text, pending.final, pending.lines)

    def _type_body(self, pending: _Pending, body: str) -> None:
        """After the prompt: the body and Ctrl-Z. No prompt within 5 s: ESC cancels it."""
        if not pending.prompted.wait(PROMPT_WAIT_S) and not pending.done.is_set():
            self._write_raw(b"\x1b")
            raise AtTimeout(pending.text, PROMPT_WAIT_S, list(pending.lines))
        if not pending.done.is_set():           # an error instead of the prompt: no body
            self._write_raw(body.encode("ascii") + b"\x1a")

    def _write(self, text: str) -> None:
        self._write_raw(text.encode("ascii") + b"\r")

    def _write_raw(self, data: bytes) -> None:
        try:
            self.port.write(data)
        except (OSError, ValueError, TypeError) as exc:   # TypeError: closed meanwhile
            self._lose(f"write failed: {exc}")

    # -- reader thread ----------------------------------------------------------------------

    def _read_forever(self) -> None:
        """The reader thread. Nothing may end it quietly: an unexpected error is logged with its
        traceback and reported as the port being lost, so the line reopens it."""
        try:
            self._read_lines()
        except Exception as exc:                # noqa: BLE001 - reported, never silent
            log.exception("%s: the AT reader failed", self.name)
            self._lose(f"internal error in the AT reader: {exc!r}")

    def _read_lines(self) -> None:
        buffer = b""
        while not self._closing:
            try:
                chunk = self.port.read(max(1, self.port.in_waiting))
            except (OSError, TypeError, AttributeError) as exc:
                self._lose(f"read failed: {exc}")
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                self._feed(raw)
            if len(buffer) > MAX_LINE:
                log.warning("%s: %d bytes with no line end skipped", self.name, len(buffer))
                buffer = b""
            self._check_prompt(buffer)

    def _check_prompt(self, rest: bytes) -> None:
        """The ``> `` body prompt ends no line: notice it in what is left after the last LF."""
        pending = self._pending
        if pending is not None and rest.strip(b"\r").startswith(b">"):
            pending.prompted.set()

    def _feed(self, raw: bytes) -> None:
        try:
            line = raw.rstrip(b"\r").decode("ascii").strip("\r")
        except UnicodeDecodeError:
            log.warning("%s: garbled line skipped: %r", self.name, raw)
            return
        if not line or not line.isprintable():
            if line:
                log.warning("%s: garbled line skipped: %r", self.name, raw)
            return
        self._dispatch(line)

    def _dispatch(self, line: str) -> None:
        pending = self._pending
        text = pending.text if pending is not None and not pending.done.is_set() else None
        if text is not None and line == text:
            return                              # echo: ATE0 was lost in a module reset
        found = classify(line, text, self.urcs)
        if isinstance(found, Urc):
            self._post(found)
        elif isinstance(found, Partial):
            pending.lines.append(line)
        else:
            pending.final = found.final
            pending.done.set()

    def _post(self, urc: Urc) -> None:
        if urc.kind == "unknown":
            log.info("%s: unsolicited line ignored: %r", self.name, urc.line)
            return
        if urc.kind == "garbled":
            log.warning("%s: malformed report skipped: %r", self.name, urc.line)
            return
        try:
            self.post_urc(urc)
        except Exception:                       # noqa: BLE001 - the reader must survive
            log.exception("%s: handling %r failed", self.name, urc.line)

    def _lose(self, reason: str) -> None:
        if self.lost or self._closing:
            return
        self.lost = reason
        self._close_port()
        pending = self._pending
        if pending is not None:
            pending.done.set()
        log.error("%s: port lost: %s", self.name, reason)
        self.on_lost(reason)

    def _close_port(self) -> None:
        try:
            self.port.close()
        except (OSError, ValueError):
            pass
