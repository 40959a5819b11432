"""A simulated GSM module serving the far end of a pty, built from the driver's own dialect.

The model answers the dialect's identification and init commands, presents incoming calls
(RING + caller ID, repeated until answered), reacts to ATA / ATH / AT+CHUP / ATD, prints DTMF
URCs when the simulated caller presses keys and the hang-up lines when the caller hangs up.
Echo is on after every power-on until ``ATE0``, as on the real modules.

It refuses what the real modules refuse (line-interfaces.md sections 2-4):
- commands the family does not have (``AT+CLCC=1`` on a Quectel) and, with ``refuse``, the
  documented ones a firmware variant answers ERROR (``AT+DDET=1`` on a SIM7600E-H);
- ``AT+CPCMREG=1`` sooner than 100 ms after ``VOICE CALL: BEGIN`` or with no call up (and, with
  ``pcm_refusals``, the first n tries of each call); ``AT+QPCMV=1,0`` in the middle of a call;
- SMS commands before ``AT+CMGF=1``; a text in UCS2 that is not hex.
It reports call changes only when the driver asked for them (``AT+CLCC=1`` on SIMCom 2G,
``AT+QINDCFG="ccinfo",1,0`` on Quectel; ``VOICE CALL:`` always on SIM7600), registration
changes only after ``AT+CREG=1``, and forgets all of it at a restart.

Fault switches (tests, ``python -m hwsim.modems``, the console's ``sim fault``):
``garble(n)`` a noise line before the next n replies; ``stall(n)`` no reply to the next n
commands; ``cme(code, n, only)`` ``+CME ERROR: code`` to the next n commands (starting with
``only``, if given); ``keep_call(n)`` the next n hang-ups answer OK but the call stays up;
``bad_key()`` a DTMF report with a code of no key; ``drop()`` the network loses the call;
``restart()`` the module reboots (USB modules leave the bus and come back); ``vanish()`` /
``plug_in()`` a pulled and replugged USB cable; ``lose_registration()`` / ``register()``;
``half_dead_audio()`` the audio port refuses ``CPCMREG=1`` until a restart;
``stop_taking_audio()`` the uplink is no longer read (the known SIM7600 stall).

Audio: a second pty at ``audio_path`` carries 320-byte s16le frames every 160 samples of the
module's own clock (``clock_hz``, 8000 by default: 20 ms) while the PCM switch is on and a call
is up: what ``say(pcm)`` queued (silence otherwise) goes to the driver, and what the driver plays
collects in ``heard``. For delay measurements ``said`` logs ``(time.monotonic(), frame)`` for every
frame sent and ``heard_log`` ``(time.monotonic(), data)`` for every read of the uplink (the last
``LOG_KEEP_S`` of each). A SIM800 has analog audio instead: ``analog_part()`` is its SPK/MIC pair
to attach to a crosspoint row (``hwsim.board.voice``): the caller's voice goes onto the row while
a call is up, and what reaches the MIC is what the caller hears (``heard``, ``heard_log``).

Example::

    modem = ModemModel(SIM800, path=Path(tmp) / "modem0").start()
    modem.incoming_call("+447700900123"); modem.press("2#"); modem.hang_up()
    board.voice.attach(0, modem.analog_part())          # SIM800 audio wired to row Y0
"""
from __future__ import annotations

import bisect
import os
import re
import select
import threading
import time
from pathlib import Path

import numpy as np

from appliance.lines import sms
from appliance.lines.dialects import Dialect
from hwsim.pty import PtyDevice, PtyPair

NOISE = b"\xff\xfe\x00\x9c~~\x07garble\r\n"
ANSWER_AFTER_S = 0.3
PCM_READY_S = 0.1                  # CPCMREG=1 is refused sooner than this after BEGIN
REBOOT_S = 1.0
NETWORK = "SimNet"
CTRL_Z, ESC = b"\x1a", b"\x1b"
CALL_STATES = ("ringing", "active", "dialling")
FRAME_SAMPLES = 160                # one PCM frame: 20 ms at a true 8000 Hz
LOG_KEEP_S = 120.0                 # the timed audio logs keep this much


def log_timed(log: list, when: float, data, keep_s: float = LOG_KEEP_S) -> None:
    """Append ``(when, data)`` to a timed log, dropping (every ten seconds or so) what is older
    than ``keep_s`` before ``when``: enough for delay measurements, bounded for long runs."""
    log.append((when, data))
    if log[0][0] < when - keep_s - 10.0:
        del log[:bisect.bisect_left(log, when - keep_s, key=lambda entry: entry[0])]


class ModemModel(PtyDevice):
    """One simulated module. ``state`` is idle, ringing, active, dialling or gone;
    ``received`` lists every command line the driver sent, ``texts`` every SMS sent as
    ``(number, text)``."""

    def __init__(self, dialect: Dialect, path: Path | None = None, pin: str | None = None,
                 callees: dict[str, str] | None = None, ring_every_s: float = 1.0,
                 no_answer_after_s: float = 1.0, refuse: set[str] | frozenset = frozenset(),
                 pcm_refusals: int = 0, usb: bool | None = None, reboot_s: float = REBOOT_S,
                 clock_hz: float = 8000.0):
        self.dialect, self.wire = dialect, dialect.wire
        self.clock_hz = clock_hz               # the module's true audio sample rate
        self.pair = PtyPair(path)
        self.pin, self.sim_locked = pin, pin is not None
        self.callees = dict(callees or {})    # number -> answer | busy | no_answer | unreachable
        self.ring_every_s, self.no_answer_after_s = ring_every_s, no_answer_after_s
        self.refuse = {text.upper() for text in (set(refuse) | set(self.wire.refuses))}
        self.pcm_refusals = pcm_refusals
        self.usb = dialect.name != "sim800" if usb is None else usb
        self.reboot_s = reboot_s
        self.state, self.caller = "idle", None
        self.first_ring_at: float | None = None     # the call's first RING on the wire
        self.answered_at: float | None = None       # when ATA took it
        self.received: list[str] = []
        self.texts: list[tuple[str, str]] = []
        self.registered, self.rssi = True, 20
        self.faults = {"garble": 0, "stall": 0, "cme": 0, "cme_code": 0, "cme_only": "",
                       "keep_call": 0}
        self.audio_half_dead = False
        self.taking_audio = True
        self._outgoing = False
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._power_on()
        self.audio = PtyPair(self.pair.path.with_name(self.pair.path.name + "-audio"))
        self.heard, self._say = bytearray(), bytearray()
        self.said: list[tuple[float, bytes]] = []         # (sent at, frame) downlink
        self.heard_log: list[tuple[float, bytes]] = []    # (read at, data) uplink
        self._analog: AnalogAudio | None = None
        self._next_ring = 0.0
        self._threads = [threading.Thread(target=self._serve, daemon=True, name="modem-rx"),
                         threading.Thread(target=self._ring, daemon=True, name="modem-ring"),
                         threading.Thread(target=self._stream, daemon=True, name="modem-pcm")]

    def _power_on(self) -> None:
        """What a (re)boot forgets: echo, reports, PCM switches, SMS mode."""
        self.echo, self.pcm_on = True, False
        self.reports = {"clcc": False, "ccinfo": False, "creg": False}
        self.cmgf, self.cscs = 0, "GSM"
        self.sim_locked = self.pin is not None
        self.audio_half_dead = False
        self.taking_audio = True
        self._connected_at = 0.0
        self._pcm_tries = 0
        self._body: bytearray | None = None   # an SMS body being typed after "> "
        self._cmgs_number = ""

    @property
    def audio_path(self) -> Path:
        """The PCM port the driver opens (``lines[].audio_port``)."""
        return self.audio.path

    @property
    def pairs(self) -> tuple[PtyPair, ...]:
        """The AT port and the audio port (both closed on stop)."""
        return (self.pair, self.audio)

    # -- the far end ------------------------------------------------------------------------

    def incoming_call(self, number: str | None) -> None:
        """A caller rings in; ``number`` None withholds the caller ID."""
        with self._lock:
            self.state, self.caller = "ringing", number
            self._next_ring, self.first_ring_at = 0.0, None
            self._report(1, 4)

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
            if self.state in CALL_STATES:
                self._end_call()
                self.urc(*self.wire.ended)

    # -- fault switches ---------------------------------------------------------------------

    def garble(self, times: int = 1) -> None:
        """A noise line (not UTF-8) before each of the next ``times`` replies."""
        self.faults["garble"] = times

    def stall(self, times: int = 1) -> None:
        """No reply at all to the next ``times`` commands."""
        self.faults["stall"] = times

    def cme(self, code: int, times: int = 1, only: str = "") -> None:
        """Answer the next ``times`` commands (that start with ``only``) ``+CME ERROR: code``."""
        self.faults.update(cme=times, cme_code=code, cme_only=only.upper())

    def keep_call(self, times: int = 1) -> None:
        """The next ``times`` hang-up commands answer OK but leave the call up."""
        self.faults["keep_call"] = times

    def bad_key(self) -> None:
        """A DTMF report whose value is no key (a code point out of range on a Quectel)."""
        self.urc(self.wire.key.format(key="1114112" if self.dialect.key_wire else "%"))

    def drop(self) -> None:
        """The network loses the call in progress."""
        self.hang_up()

    def restart(self) -> None:
        """The module reboots (a power dip, or AT+CRESET): every call is gone without a word;
        a USB module leaves the bus and comes back, a UART one prints its boot burst."""
        with self._lock:
            self._end_call(report=False)
            if self.usb:
                self.vanish()
        timer = threading.Timer(self.reboot_s, self._booted)
        timer.daemon = True
        timer.start()

    def _booted(self) -> None:
        if self._stop.is_set():
            return
        with self._lock:
            if self.usb:
                self.plug_in()
            else:
                self._power_on()
                self.urc(*self.wire.boot)

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
            self.state = "idle"
            self._power_on()
            self.urc(*self.wire.boot)

    def lose_registration(self) -> None:
        """The network is lost: registration searching; a call in progress drops."""
        with self._lock:
            self.registered = False
            if self.reports["creg"]:
                self.urc("+CREG: 2")
            self.hang_up()

    def register(self) -> None:
        """The network is back: registered at home."""
        with self._lock:
            self.registered = True
            if self.reports["creg"]:
                self.urc("+CREG: 1")

    def half_dead_audio(self) -> None:
        """The audio port refuses AT+CPCMREG=1 until the module restarts (tianye1999/callpilot#121)."""
        self.audio_half_dead = True

    def stop_taking_audio(self) -> None:
        """The module stops reading the uplink (LilyGo-Modem-Series#542): writes back up."""
        self.taking_audio = False

    # -- wire -------------------------------------------------------------------------------

    def urc(self, *lines: str) -> None:
        """Print unsolicited lines."""
        self._send(*lines, eol=self.wire.eol)

    def _send(self, *lines: str, eol: str = "\r\n") -> None:
        data = "".join(f"{eol}{line}{eol}" for line in lines).encode("ascii")
        self._write(data)

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            buffer += self._read()
            buffer = self._consume(buffer)

    def _consume(self, buffer: bytes) -> bytes:
        """Commands end at CR; an SMS body (after ``> ``) ends at Ctrl-Z or ESC."""
        while buffer:
            if self._body is not None:
                end = min((i for i in (buffer.find(CTRL_Z), buffer.find(ESC)) if i >= 0),
                          default=-1)
                if end < 0:
                    self._body += buffer
                    return b""
                self._body += buffer[:end]
                self._finish_sms(buffer[end:end + 1] == CTRL_Z)
                buffer = buffer[end + 1:]
                continue
            match = re.search(rb"\r\n?|\n", buffer)
            if match is None:
                return buffer
            raw, buffer = buffer[:match.start()], buffer[match.end():]
            if raw.strip():
                self._command(raw.decode("ascii", "replace").strip())
        return buffer

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
        if self.first_ring_at is None:
            self.first_ring_at = time.monotonic()
        number, kind = (self.caller, 145 if (self.caller or "").startswith("+") else 129)
        if number is None:
            number, kind = "", 128
        self.urc("RING", self.wire.clip.format(number=number, type=kind))

    def _report(self, direction: int, stat: int) -> None:
        """A call change, in the form the driver asked for (if it asked)."""
        number = self.caller or ""
        if self.reports["clcc"]:
            self.urc(f'+CLCC: 1,{direction},{stat},0,0,"{number}",129,""')
        if self.reports["ccinfo"]:
            self.urc(f'+QIND: "ccinfo",1,{direction},{-1 if stat == 6 else stat},0,0,"{number}",129')

    def _end_call(self, report: bool = True) -> None:
        if self.state in CALL_STATES:
            if report:
                self._report(0 if self.state == "dialling" or self._outgoing else 1, 6)
            self.state = "idle"

    # -- commands ---------------------------------------------------------------------------

    def _command(self, text: str) -> None:
        with self._lock:
            self.received.append(text)
            if self.echo:
                self._write(text.encode("ascii", "replace") + b"\r")
            if self._faulted(text):
                return
            reply = self._reply(text)
        if reply is not None:
            self._send(*reply)
        self._after(text)

    def _faulted(self, text: str) -> bool:
        if self.faults["garble"]:
            self.faults["garble"] -= 1
            self._write(NOISE)
        if self.faults["stall"]:
            self.faults["stall"] -= 1
            return True
        if self.faults["cme"] and text.upper().startswith(self.faults["cme_only"]):
            self.faults["cme"] -= 1
            self._send(f"+CME ERROR: {self.faults['cme_code']}")
            return True
        return False

    def _reply(self, text: str) -> tuple[str, ...] | None:
        upper = text.upper()
        if upper in self.refuse:
            return ("ERROR",)
        for pattern, handler in self._handlers():
            match = re.fullmatch(pattern, upper)
            if match:
                return handler(match)
        return ("ERROR",)

    def _handlers(self):
        init = [step.command.upper() for step in self.dialect.steps + self.dialect.pcm_steps]
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
            (r"AT\+CLCC=([01])", lambda m: self._enable("clcc", m.group(1) == "1")),
            (r'AT\+QINDCFG="CCINFO",([01])(?:,[01])?', lambda m: self._enable("ccinfo", m.group(1) == "1")),
            (r"AT\+CREG=([012])", lambda m: self._enable("creg", m.group(1) != "0")),
            (r"AT\+C(E?)REG\?", self._creg),
            (r"AT\+COPS\?", lambda m: (f'+COPS: 0,0,"{NETWORK}",7' if self.registered else "+COPS: 0", "OK")),
            (r"AT\+CSQ", lambda m: (f"+CSQ: {self.rssi if self.registered else 99},99", "OK")),
            (r"AT\+CPCMREG=\?", lambda m: self._if_pcm("+CPCMREG: (0,1)")),
            (r"AT\+CPCMREG\?", lambda m: (f"+CPCMREG: {int(self.pcm_on)}", "OK")),
            (r"AT\+CPCMREG=([01])", self._cpcmreg),
            (r"AT\+QPCMV=\?", lambda m: self._if_pcm("+QPCMV: (0,1),(0-2)")),
            (r"AT\+QPCMV=([01])(?:,(\d))?", self._qpcmv),
            (r"AT\+CRESET|AT\+CFUN=1,1", self._reset_command),
            (r"AT\+CMGF=([01])", self._cmgf),
            (r'AT\+CSCS="(GSM|UCS2|IRA)"', self._cscs),
            (r"AT\+CSMP=.*", lambda m: ("OK",) if self.cmgf else ("+CMS ERROR: 302",)),
            (r'AT\+CMGS="([^"]+)"', self._cmgs),
            (r"AT\+VTS=.*", lambda m: ("OK",) if self.state == "active" else ("+CME ERROR: 3",)),
            ("|".join(re.escape(command) for command in init), lambda m: ("OK",)),
        )

    def _set_echo(self, match) -> tuple[str, ...]:
        self.echo = match.group(1) == "1"
        return ("OK",)

    def _enable(self, report: str, on: bool) -> tuple[str, ...]:
        self.reports[report] = on
        return ("OK",)

    def _creg(self, match) -> tuple[str, ...]:
        if match.group(1) and not self.dialect.lte:
            return ("ERROR",)
        stat = 1 if self.registered else 2
        return (f"+C{match.group(1)}REG: {int(self.reports['creg'])},{stat}", "OK")

    def _if_pcm(self, reply: str) -> tuple[str, ...]:
        return (reply, "OK") if self.dialect.pcm_steps else ("ERROR",)

    def _cpcmreg(self, match) -> tuple[str, ...]:
        if match.group(1) == "0":
            self.pcm_on = False
            return ("OK",)
        too_early = time.monotonic() - self._connected_at < PCM_READY_S
        self._pcm_tries += 1
        if (self.state != "active" or too_early or self.audio_half_dead
                or self._pcm_tries <= self.pcm_refusals):
            return ("ERROR",)
        self.pcm_on = True
        return ("OK",)

    def _qpcmv(self, match) -> tuple[str, ...]:
        if self.state in CALL_STATES:
            return ("ERROR",)                   # armed while idle only
        self.pcm_on = match.group(1) == "1"
        return ("OK",)

    def _reset_command(self, match) -> tuple[str, ...]:
        timer = threading.Timer(0.05, self.restart)
        timer.daemon = True
        timer.start()
        return ("OK",)

    def _cmgf(self, match) -> tuple[str, ...]:
        self.cmgf = int(match.group(1))
        return ("OK",)

    def _cscs(self, match) -> tuple[str, ...]:
        self.cscs = match.group(1)
        return ("OK",)

    def _cmgs(self, match) -> tuple[str, ...] | None:
        if not self.cmgf:
            return ("+CMS ERROR: 302",)         # PDU mode wants a length, not a number
        number = match.group(1)
        try:
            self._cmgs_number = sms.decode_body(self.cscs, number) if self.cscs == "UCS2" else number
        except ValueError:
            return ("+CMS ERROR: 304",)
        self._body = bytearray()
        self._write(b"\r\n> ")
        return None

    def _finish_sms(self, send: bool) -> None:
        body, self._body = bytes(self._body or b""), None
        if not send:
            self._send("OK")
            return
        try:
            text = sms.decode_body(self.cscs, body.decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            self._send("+CMS ERROR: 304")
            return
        self.texts.append((self._cmgs_number, text))
        self._send(f"+CMGS: {len(self.texts)}", "OK")

    def analog_part(self) -> AnalogAudio:
        """The module's analog SPK/MIC as a voice-bus part (SIM800): attach it to the line's row."""
        with self._lock:
            if self._analog is None:
                self._analog = AnalogAudio(self)
            return self._analog

    def _stream(self) -> None:
        """One PCM frame per 160 samples of the module's clock, on absolute deadlines."""
        period = FRAME_SAMPLES / self.clock_hz
        due = time.monotonic()
        while not self._stop.is_set():
            due += period
            time.sleep(max(0.0, due - time.monotonic()))
            with self._lock:
                if self.pcm_on and self.state == "active" and self.audio.is_open:
                    self._exchange_frame()

    def _exchange_frame(self) -> None:
        frame, self._say = bytes(self._say[:320]).ljust(320, b"\0"), self._say[320:]
        try:
            os.write(self.audio.master, frame)
            log_timed(self.said, time.monotonic(), frame)
            if self.taking_audio:
                data = os.read(self.audio.master, 4096)
                self.heard += data
                if data:
                    log_timed(self.heard_log, time.monotonic(), data)
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
        self.state, self._outgoing = "active", False
        self.answered_at = time.monotonic()
        self._connected_at, self._pcm_tries = time.monotonic(), 0
        self._report(1, 0)
        return ("OK",) + self.wire.answered_in

    def _local_hangup(self, match) -> tuple[str, ...]:
        was = self.state
        if self.faults["keep_call"] and was in CALL_STATES:
            self.faults["keep_call"] -= 1
            return ("OK",)
        self._end_call()
        return ("OK",) + (self.wire.after_hangup if was in ("active", "dialling") else ())

    def _dial(self, match) -> tuple[str, ...]:
        if self.state != "idle":
            return ("BUSY",)
        if not self.registered:
            return ("NO CARRIER",)
        self.state, self.caller, self._outgoing = "dialling", match.group(1), True
        self._report(0, 2)
        return ("OK",)

    def _clcc(self) -> tuple[str, ...]:
        if self.state not in CALL_STATES:
            return ("OK",)
        direction, stat = (0, 2) if self.state == "dialling" else \
            (0 if self._outgoing else 1, 4 if self.state == "ringing" else 0)
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
            if outcome == "answer":
                self.state = "active"
                self._connected_at, self._pcm_tries = time.monotonic(), 0
                self._report(0, 0)
                self.urc(*(line.format(number=number) for line in self.wire.answered_out))
                return
            self._end_call()
            self.urc(*{"busy": ("BUSY",), "no_answer": ("NO ANSWER",),
                       "unreachable": ("NO CARRIER",)}[outcome])


class AnalogAudio:
    """A SIM800's analog audio wired to a crosspoint row: a part for ``VoiceBuses.attach``.

    ``sample`` is the SPK output: while a call is up, the caller's voice ``say()`` queued (then
    silence), logged in the model's ``said`` at the row time it went out. ``hear`` is the MIC
    input: while a call is up, what reaches it is what the caller hears, appended to the
    model's ``heard`` and ``heard_log``."""

    def __init__(self, model: ModemModel) -> None:
        self.model = model

    def sample(self, t0: float, n: int) -> np.ndarray:
        """The next ``n`` samples of the caller's voice from ``t0`` (silence with no call)."""
        model = self.model
        with model._lock:
            if model.state != "active":
                return np.zeros(n, dtype=np.int16)
            data = bytes(model._say[:2 * n]).ljust(2 * n, b"\0")
            del model._say[:2 * n]
            log_timed(model.said, t0, data)
        return np.frombuffer(data, dtype="<i2").astype(np.int16)

    def hear(self, t0: float, block: np.ndarray) -> None:
        """What the row carries to the module's microphone from ``t0``."""
        model = self.model
        with model._lock:
            if model.state != "active":
                return
            data = np.asarray(block, dtype="<i2").tobytes()
            model.heard += data
            log_timed(model.heard_log, t0, data)
