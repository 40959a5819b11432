"""A simulated GSM module serving the far end of a pty, built from the driver's own dialect.

The model answers the dialect's identification and init commands, presents incoming calls
(RING + caller ID, repeated until answered), reacts to ATA / ATH / AT+CHUP / ATD, prints DTMF
URCs when the simulated caller presses keys and the hang-up lines when the caller hangs up.
Echo is on after every power-on until ``ATE0``, as on the real modules.

Fault switches (tests, ``python -m hwsim.modems``): ``garble(n)`` puts a noise line before the
next n replies; ``stall(n)`` leaves the next n commands unanswered; ``cme(code, n)`` answers the
next n commands ``+CME ERROR: code``; ``drop()`` loses the call in progress; ``vanish()``
closes the pty like a pulled USB cable, ``plug_in()`` brings it back at the same path and
prints the boot URCs.

Audio: a second pty at ``audio_path`` carries 320-byte s16le frames every 20 ms while the PCM
switch is on (``AT+CPCMREG=1``, ``AT+QPCMV=1,0``) and a call is up: what ``say(pcm)`` queued
(silence otherwise) goes to the driver, and what the driver plays collects in ``heard``.

Example::

    modem = ModemModel(SIM800, path=Path(tmp) / "modem0").start()
    modem.incoming_call("+447700900123"); modem.press("2#"); modem.hang_up()
"""
from __future__ import annotations

import os
import re
import select
import threading
import time
from pathlib import Path

from appliance.lines.dialects import Dialect
from hwsim.pty import PtyPair

NOISE = b"\xff\xfe\x00\x9c~~\x07garble\r\n"
ANSWER_AFTER_S = 0.3
BUSY_AFTER_S = 0.3


class ModemModel:
    """One simulated module. ``state`` is idle, ringing, active, dialling or gone;
    ``received`` lists every command line the driver sent."""

    def __init__(self, dialect: Dialect, path: Path | None = None, pin: str | None = None,
                 callees: dict[str, str] | None = None, ring_every_s: float = 1.0,
                 no_answer_after_s: float = 1.0):
        self.dialect, self.wire = dialect, dialect.wire
        self.pair = PtyPair(path)
        self.pin, self.sim_locked = pin, pin is not None
        self.callees = dict(callees or {})    # number -> answer | busy | no_answer | unreachable
        self.ring_every_s, self.no_answer_after_s = ring_every_s, no_answer_after_s
        self.state, self.echo, self.caller = "idle", True, None
        self.received: list[str] = []
        self._next_ring = 0.0
        self.faults = {"garble": 0, "stall": 0, "cme": 0, "cme_code": 0}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self.audio = PtyPair(self.pair.path.with_name(self.pair.path.name + "-audio"))
        self.pcm_on, self.heard, self._say = False, bytearray(), bytearray()
        self._threads = [threading.Thread(target=self._serve, daemon=True, name="modem-rx"),
                         threading.Thread(target=self._ring, daemon=True, name="modem-ring"),
                         threading.Thread(target=self._stream, daemon=True, name="modem-pcm")]

    @property
    def audio_path(self) -> Path:
        """The PCM port the driver opens (``lines[].audio_port``)."""
        return self.audio.path

    @property
    def path(self) -> Path:
        """The port the driver opens (stable across vanish / plug_in)."""
        return self.pair.path

    def start(self) -> "ModemModel":
        """Start serving the pty; returns self."""
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the pty."""
        self._stop.set()
        with self._lock:
            for pair in (self.pair, self.audio):
                if pair.is_open:
                    pair.close()

    # -- the far end ------------------------------------------------------------------------

    def incoming_call(self, number: str | None) -> None:
        """A caller rings in; ``number`` None withholds the caller ID."""
        with self._lock:
            self.state, self.caller = "ringing", number
            self._next_ring = 0.0

    def press(self, keys: str) -> None:
        """The caller presses ``keys`` (in a call)."""
        for key in keys:
            self.urc(self.wire.key.format(key=self.dialect.key_text(key)))

    def say(self, pcm: bytes) -> None:
        """The caller's audio (s16le 8 kHz), sent in the next frames of the call."""
        with self._lock:
            self._say += pcm

    def hang_up(self) -> None:
        """The caller (or the callee we dialled) hangs up."""
        with self._lock:
            if self.state in ("ringing", "active", "dialling"):
                self.state = "idle"
                self.urc(*self.wire.ended)

    # -- fault switches ---------------------------------------------------------------------

    def garble(self, times: int = 1) -> None:
        """A noise line (not UTF-8) before each of the next ``times`` replies."""
        self.faults["garble"] = times

    def stall(self, times: int = 1) -> None:
        """No reply at all to the next ``times`` commands."""
        self.faults["stall"] = times

    def cme(self, code: int, times: int = 1) -> None:
        """Answer the next ``times`` commands with ``+CME ERROR: code``."""
        self.faults.update(cme=times, cme_code=code)

    def drop(self) -> None:
        """The network loses the call in progress."""
        self.hang_up()

    def vanish(self) -> None:
        """Close the pty as if the USB cable were pulled."""
        with self._lock:
            self.state = "gone"
            self.pair.close()
            self.audio.close()

    def plug_in(self) -> None:
        """A fresh pty at the same path; the module boots (echo on, boot URCs)."""
        with self._lock:
            self.pair.open()
            self.audio.open()
            self.state, self.echo, self.pcm_on = "idle", True, False
            self.sim_locked = self.pin is not None
            self.urc(*self.wire.boot)

    # -- wire -------------------------------------------------------------------------------

    def urc(self, *lines: str) -> None:
        """Print unsolicited lines."""
        self._send(*lines, eol=self.wire.eol)

    def _send(self, *lines: str, eol: str = "\r\n") -> None:
        data = "".join(f"{eol}{line}{eol}" for line in lines).encode("ascii")
        self._write(data)

    def _write(self, data: bytes) -> None:
        with self._lock:
            if not self.pair.is_open:
                return
            try:
                os.write(self.pair.master, data)
            except OSError:
                pass                            # nobody reading: a real UART drops it too

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            chunk = self._read()
            buffer += chunk
            *commands, buffer = re.split(rb"\r\n?|\n", buffer)
            for raw in commands:
                if raw.strip():
                    self._command(raw.decode("ascii", "replace").strip())

    def _read(self) -> bytes:
        fd = self.pair.master
        try:
            ready, _, _ = select.select([fd], [], [], 0.05) if fd >= 0 else ([], [], [])
            with self._lock:
                return os.read(fd, 1024) if ready and fd == self.pair.master else b""
        except (OSError, ValueError):
            time.sleep(0.05)
            return b""

    def _ring(self) -> None:
        while not self._stop.wait(0.05):
            with self._lock:
                if self.state == "ringing" and time.monotonic() >= self._next_ring:
                    self._next_ring = time.monotonic() + self.ring_every_s
                    self._present()

    def _present(self) -> None:
        number, kind = (self.caller, 145 if (self.caller or "").startswith("+") else 129)
        if number is None:
            number, kind = "", 128
        self.urc("RING", self.wire.clip.format(number=number, type=kind))

    # -- commands ---------------------------------------------------------------------------

    def _command(self, text: str) -> None:
        with self._lock:
            self.received.append(text)
            if self.echo:
                self._write(text.encode("ascii") + b"\r")
            if self._faulted(text):
                return
            reply = self._reply(text)
        self._send(*reply)
        self._after(text)

    def _faulted(self, text: str) -> bool:
        if self.faults["garble"]:
            self.faults["garble"] -= 1
            self._write(NOISE)
        if self.faults["stall"]:
            self.faults["stall"] -= 1
            return True
        if self.faults["cme"]:
            self.faults["cme"] -= 1
            self._send(f"+CME ERROR: {self.faults['cme_code']}")
            return True
        return False

    def _reply(self, text: str) -> tuple[str, ...]:
        upper = text.upper()
        for pattern, handler in self._handlers():
            match = re.fullmatch(pattern, upper)
            if match:
                return handler(match)
        return ("ERROR",)

    def _handlers(self):
        return (
            (r"AT", lambda m: ("OK",)),
            (r"ATE([01])", self._set_echo),
            (re.escape(self.dialect.identify.upper()) + r"|ATI",
             lambda m: (self.wire.identity, "OK")),
            (r"AT\+CPIN\?", lambda m: (f"+CPIN: {'SIM PIN' if self.sim_locked else 'READY'}", "OK")),
            (r"AT\+CPIN=\"?(\d+)\"?", self._enter_pin),
            (r"ATA", self._answer),
            (r"ATH0?|AT\+CHUP", self._local_hangup),
            (r"ATD([+0-9*#]+);", self._dial),
            (r"AT\+CLCC", lambda m: self._clcc()),
            (r"AT\+CPCMREG=([01])|AT\+QPCMV=([01])(?:,\d)?", self._set_pcm),
            (r"AT\+VTS=.*", lambda m: ("OK",) if self.state == "active" else ("+CME ERROR: 3",)),
            ("|".join(re.escape(c.upper()) for c in self.dialect.init + self.dialect.pcm_init),
             lambda m: ("OK",)),
        )

    def _set_echo(self, match) -> tuple[str, ...]:
        self.echo = match.group(1) == "1"
        return ("OK",)

    def _set_pcm(self, match) -> tuple[str, ...]:
        self.pcm_on = "1" in (match.group(1), match.group(2))
        return ("OK",)

    def _stream(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            due += 0.02
            time.sleep(max(0.0, due - time.monotonic()))
            with self._lock:
                if self.pcm_on and self.state == "active" and self.audio.is_open:
                    self._exchange_frame()

    def _exchange_frame(self) -> None:
        frame, self._say = bytes(self._say[:320]).ljust(320, b"\0"), self._say[320:]
        try:
            os.write(self.audio.master, frame)
            self.heard += os.read(self.audio.master, 4096)
        except OSError:
            pass                                # nothing played this frame

    def _enter_pin(self, match) -> tuple[str, ...]:
        if match.group(1) != self.pin:
            return ("+CME ERROR: 16",)
        self.sim_locked = False
        return ("OK", "+CPIN: READY")

    def _answer(self, match) -> tuple[str, ...]:
        if self.state != "ringing":
            return ("NO CARRIER",)
        self.state = "active"
        return ("OK",) + self.wire.answered_in

    def _local_hangup(self, match) -> tuple[str, ...]:
        was = self.state
        self.state = "idle" if self.state != "gone" else self.state
        return ("OK",) + (self.wire.after_hangup if was in ("active", "dialling") else ())

    def _dial(self, match) -> tuple[str, ...]:
        if self.state != "idle":
            return ("BUSY",)
        self.state, self.caller = "dialling", match.group(1)
        return ("OK",)

    def _clcc(self) -> tuple[str, ...]:
        if self.state not in ("ringing", "active", "dialling"):
            return ("OK",)
        direction, stat = (0, {"dialling": 2}.get(self.state, 0)) if self.state == "dialling" \
            else (1, 4 if self.state == "ringing" else 0)
        return (f'+CLCC: 1,{direction},{stat},0,0,"{self.caller or ""}",129', "OK")

    def _after(self, text: str) -> None:
        if self.state == "dialling" and text.upper().startswith("ATD"):
            outcome = self.callees.get(self.caller, "answer")
            delay = self.no_answer_after_s if outcome == "no_answer" else ANSWER_AFTER_S
            timer = threading.Timer(delay, self._dial_outcome, args=(self.caller, outcome))
            timer.daemon = True
            timer.start()

    def _dial_outcome(self, number: str, outcome: str) -> None:
        with self._lock:
            if self.state != "dialling" or self.caller != number:
                return
            self.state = "active" if outcome == "answer" else "idle"
            lines = {"answer": tuple(line.format(number=number) for line in self.wire.answered_out),
                     "busy": ("BUSY",), "no_answer": ("NO ANSWER",),
                     "unreachable": ("NO CARRIER",)}[outcome]
            self.urc(*lines)
