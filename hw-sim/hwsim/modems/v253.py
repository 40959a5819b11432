"""A simulated V.253 voice modem on a pty: a USR5637-like or a Conexant-like analog line.

The model answers the voice command set of line-interfaces.md section 5 and refuses what the
real ones refuse: voice commands before ``AT+FCLASS=8``, an ``AT+VSM`` code or rate not in its
``AT+VSM=?`` listing, ``AT+VTR`` on the Conexant flavour (half duplex, no 16-bit mode), voice
streams on hook. An incoming call rings (``RING``, or ``<DLE>R`` on the Conexant flavour) with
the formatted caller-ID block after the first ring once ``AT+VCID=1`` is set. Voice streams
(``AT+VRX`` / ``AT+VTX`` / ``AT+VTR``) run at real pace: 160 samples every 160 ticks of the
modem's own clock (``clock_hz``, 8000 by default: 20 ms), one byte a sample for 8-bit formats and
two for 16-bit, every 0x10 doubled; the driver's own stream is unshielded and decoded into
``heard`` (s16le), with arrival times in ``heard_log`` as ``(time, samples)`` (every arrival, to
line up with ``heard``). Each frame sent to the driver is logged in ``said`` as ``(time, s16le
frame)`` (the last ``LOG_KEEP_S``), for delay measurements.

The far end: ``incoming_call(number, name)``, ``press(keys)`` (in-band DTMF plus the modem's
``<DLE>/`` ``<DLE>k`` ... ``<DLE>~`` reports repeated every 70 ms), ``say(pcm)``, and
``hang_up(signal)``: ``loop_break`` (``<DLE>l``), ``busy_dle`` (busy tone and ``<DLE>b``),
``busy_tone`` (480+620 Hz 0.5/0.5 s tone only, no report), ``dial_tone`` (350+440 Hz and
``<DLE>d`` after 1 s), ``silence`` (nothing, then ``<DLE>s`` after the ``AT+VSD`` time),
``none`` (line noise forever: nothing to detect). Numbers the appliance dials follow
``callees``: ``answer`` (ringback, then the callee says hello), ``busy``, ``busy_tone``,
``no_answer``, ``unreachable``.

Off hook with no call (``AT+VLS=1`` on an idle line) the line gives the exchange's dial tone
(``dial_tone``: frequencies and dBm0, North American 350+440 Hz at -13 dBm0 each by default), and
while the driver listens (``AT+VRX``/``AT+VTR``) the modem reports it once as ``<DLE>d`` after
``DIAL_TONE_REPORT_S``, as the modem's tone detector would (line-interfaces.md 5.3).

Fault switches: ``garble(n)``, ``stall(n)``, ``vanish()``, ``plug_in()``, and the phone cord:
``unplug_line()`` (off hook is silence, ``ATD`` answers ``NO DIALTONE``) and ``plug_line()``.

Example::

    modem = VoiceModemModel(path=Path(tmp) / "line3", flavour="conexant").start()
    modem.incoming_call("5551234567", "JOHN DOE"); modem.press("1#"); modem.hang_up("busy_tone")
"""
from __future__ import annotations

import math
import os
import re
import select
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from appliance.audio import codecs
from appliance.audio.tones import key_frequencies, sine, to_int16, white_noise
from hwsim.modems.model import log_timed
from hwsim.pty import PtyDevice, PtyPair

DLE, ETX, SUB, CAN = 0x10, 0x03, 0x1A, 0x18
FRAME = 160
TICK_S = 0.02                       # a tick as the modem counts time (its own clock)
NOISE = b"\xff\xfe\x00\x9c~~\x07garble\r\n"
HANG_UP_SIGNALS = ("loop_break", "busy_dle", "busy_tone", "dial_tone", "silence", "none")
CALLEE_OUTCOMES = ("answer", "busy", "busy_tone", "no_answer", "unreachable")
SILENCE_RMS = 40.0                  # below this (about -52 dBm0) the modem hears no energy [I]
DIAL_REPLY_S = 0.2
KEY_REPEAT_S = 0.07                 # IS-101 repeats a key's report about every 70 ms
# The ringback tone itself is always North American (440+480 Hz, 2 s on / 4 s off, section
# 6.3), whatever ``ringback_every_s`` says about the modem's <DLE>r reports and the answer: a
# shortened tone cadence would look like busy or reorder to any progress detector.
RINGBACK_ON_S, RINGBACK_CYCLE_S = 2.0, 6.0
DIAL_TONE_REPORT_S = 0.5            # dial tone heard this long in a stream gives <DLE>d [I]

USR_VSM = ('1,"UNSIGNED PCM",8,0,(7200,8000),(0),(0)',
           '128,"8-BIT LINEAR",8,0,(7200,8000),(0),(0)',
           '129,"ADPCM",4,0,(7200,8000),(0),(0)',
           '130,"UNSIGNED PCM",8,0,(7200,8000),(0),(0)',
           '131,"ULAW",8,0,(7200,8000),(0),(0)',
           '132,"ALAW",8,0,(7200,8000),(0),(0)',
           '133,"LINEAR",16,0,(7200,8000),(0),(0)')                       # [V] reference V2
CONEXANT_VSM = ('1,"UNSIGNED PCM",8,0,8000,0,0', '129,"IMA ADPCM",4,0,8000,0,0',
                '130,"UNSIGNED PCM",8,0,8000,0,00', '140,"2 Bit ADPCM",2,0,8000,0,0',
                '141,"4 Bit ADPCM",4,0,8000,0,0')                          # [V] reference V2
VLS_LISTING = ('0,"",B0804100,B0804100,B0804100', '1,"T",0B8433C1,0FE431C1,0B8431C1',
               '2,"L",08800300,0CE00100,08800100', '3,"LT",0B8433C1,0FE431C1,0B8431C1',
               '4,"S",00800300,04E00100,20800100', '5,"ST",0B8433C1,0FE431C1,0B8431C1')


@dataclass(frozen=True)
class Flavour:
    """What differs between the two simulated modems ([V] where the reference shows it,
    otherwise [I])."""
    title: str
    gmm: str | None                 # AT+GMM reply; None: ERROR
    ati3: str
    vsm: tuple[str, ...]
    formats: dict                   # AT+VSM code -> unsigned8 | ulaw | alaw | linear16 | None
    rates: tuple[int, ...]
    duplex: bool                    # has AT+VTR
    answer_reply: str               # AT+VLS=1 on a ringing line: OK or VCON
    ring: str                       # "text": RING; "dle": <DLE>R in voice mode
    busy_final: bool                # dialling a busy number ends ATD with BUSY
    ringback_reports: bool          # <DLE>r at each ringback


FLAVOURS = {
    "usr": Flavour("USRobotics USR5637 (simulated)", "U.S. Robotics 56K FAX USB V1.2.23",
                   "U.S. Robotics 56K FAX USB V1.2.23", USR_VSM,
                   {1: "unsigned8", 128: "unsigned8", 129: None, 130: "unsigned8", 131: "ulaw",
                    132: "alaw", 133: "linear16"}, (7200, 8000), True, "OK", "text", False, True),
    "conexant": Flavour("Conexant CX93001 (simulated)", None, "CX93001-EIS_V0.2002-V92",
                        CONEXANT_VSM, {1: "unsigned8", 129: None, 130: "unsigned8", 140: None,
                                       141: None}, (8000,), False, "VCON", "dle", True, False),
}


def _encode(kind: str, pcm: np.ndarray) -> bytes:
    if kind == "linear16":
        return pcm.astype("<i2").tobytes()
    if kind == "ulaw":
        return codecs.ulaw_encode(pcm).tobytes()
    if kind == "alaw":
        return codecs.alaw_encode(pcm).tobytes()
    return codecs.int16_to_linear(pcm, 1)


def _decode(kind: str, data: bytes) -> np.ndarray:
    if kind == "linear16":
        return np.frombuffer(data, dtype="<i2").astype(np.int16)
    if kind == "ulaw":
        return codecs.ulaw_decode(data)
    if kind == "alaw":
        return codecs.alaw_decode(data)
    return codecs.linear_to_int16(data, 1)


@lru_cache(maxsize=1)
def _default_voice() -> bytes:
    """About a second of a real voice (the English greeting's start): a callee's "hello"."""
    from appliance.audio.prompts import PromptLibrary
    return PromptLibrary().pcm((("prompt", "greeting"),), "en")[:16000]


class VoiceModemModel(PtyDevice):
    """One simulated voice modem. ``state``: idle, ringing, offhook (line seized, no call),
    dialling, talking, gone (the far end hung up; its signal plays) or vanished. ``rings``
    counts the rings of the current incoming call; ``received`` lists every command."""

    def __init__(self, path: Path | None = None, flavour: str = "usr",
                 callees: dict[str, str] | None = None, ring_every_s: float = 1.0,
                 ringback_every_s: float = 6.0, rings_before_answer: int = 2,
                 caller_id: bool = True, cid_style: str = "spaced", vsm: tuple[str, ...] | None = None,
                 line_noise_dbm0: float = -45.0, callee_voice: bytes | None = None, seed: int = 0,
                 clock_hz: float = 8000.0,
                 dial_tone: tuple[tuple[float, ...], float] = ((350.0, 440.0), -13.0)):
        self.flavour = FLAVOURS[flavour]
        self.clock_hz = clock_hz               # the modem's true sample rate: a tick is 160 of them
        self.vsm_listing = tuple(vsm) if vsm is not None else self.flavour.vsm
        self.pair = PtyPair(path)
        self.callees = dict(callees or {})
        self.ring_every_s, self.ringback_every_s = ring_every_s, ringback_every_s
        self.rings_before_answer, self.caller_id_service = rings_before_answer, caller_id
        self.cid_style, self.line_noise_dbm0 = cid_style, line_noise_dbm0
        self._callee_voice = callee_voice
        self.dial_tone = dial_tone
        self.line_plugged = True                # the phone cord (survives ATZ and power-off)
        self._rng = np.random.default_rng(seed)
        self.received: list[str] = []
        self.first_ring_at: float | None = None     # the current call's first ring on the wire
        self.answered_at: float | None = None       # when AT+VLS=1 took it
        self.heard, self.heard_log = bytearray(), []
        self.said: list[tuple[float, bytes]] = []     # (sent at, s16le frame) to the driver
        self.overruns = 0
        self.faults = {"garble": 0, "stall": 0}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._power_on()
        self._threads = [threading.Thread(target=self._serve, daemon=True, name="v253-model-rx"),
                         threading.Thread(target=self._tick_forever, daemon=True,
                                          name="v253-model-tick")]

    # -- life -------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        """What the line is doing (see the class docstring)."""
        return self.call if self.pair.is_open else "vanished"

    def _power_on(self) -> None:
        """Factory state, as after power-up or ATZ."""
        self.echo, self.fclass, self.off_hook = True, 0, False
        self.vsm, self.vcid, self.vsd_s = (1, 8000), 0, 5.0
        self.stream: str | None = None
        self.call, self.gone_signal = "idle", None
        self._cmd, self._host_dle, self._tx_raw = b"", False, b""
        self._tx_level, self._draining = 0, False
        self._scheduled: list[tuple[float, bytes]] = []
        self._say, self._keys, self._keys_free = bytearray(), [], 0.0
        self._n, self._quiet_s, self._silence_told = 0, 0.0, False
        self._ring_due, self.rings, self._caller = 0.0, 0, None
        self._dial_reply: tuple[float, str] | None = None
        self._vcon_at, self._outcome, self._cycle, self._busy_cycle = 0.0, "answer", -1, -1
        self._dial_tone_s = 0.0

    # -- the far end ------------------------------------------------------------------------

    def incoming_call(self, number: str | None, name: str | None = None) -> None:
        """A caller rings in; ``number`` None is a private number (``NMBR = P``); any text is
        sent as it is (``O`` for out of area, or something malicious)."""
        with self._lock:
            self.call, self._caller = "ringing", (number if number is not None else "P", name)
            self._ring_due, self.rings = time.monotonic(), 0

    def press(self, keys: str, hold_s: float = 0.1, gap_s: float = 0.1) -> None:
        """The far end presses ``keys``: tones in the audio, and the modem's key reports."""
        with self._lock:
            start = max(time.monotonic(), self._keys_free)
            for key in keys:
                end = start + hold_s
                self._keys.append((start, end, key))
                self._event_at(start, b"/")
                for k in range(math.ceil(hold_s / KEY_REPEAT_S)):
                    self._event_at(start + k * KEY_REPEAT_S, key.encode("ascii"))
                self._event_at(end, b"~")
                start = end + gap_s
            self._keys_free = start

    def say(self, pcm: bytes) -> None:
        """The far end's voice (s16le 8 kHz), sent in the next frames of the call."""
        with self._lock:
            self._say += pcm

    def hang_up(self, signal: str = "loop_break") -> None:
        """The far end hangs up; ``signal`` is what the line then gives (see the module doc).
        A caller still ringing just stops ringing."""
        if signal not in HANG_UP_SIGNALS:
            raise ValueError(f"hang_up signal must be one of {', '.join(HANG_UP_SIGNALS)}")
        with self._lock:
            if self.call == "ringing":
                self.call = "idle"
            elif self.call in ("talking", "dialling"):
                now = time.monotonic()
                self.call, self.gone_signal, self._gone_at, self._n = "gone", signal, now, 0
                self._say.clear()
                if signal == "loop_break":
                    self._event_at(now + 0.05, b"l")
                elif signal == "dial_tone":
                    self._event_at(now + 1.0, b"d")

    # -- fault switches ---------------------------------------------------------------------

    def garble(self, times: int = 1) -> None:
        """A noise line before each of the next ``times`` replies."""
        self.faults["garble"] = times

    def stall(self, times: int = 1) -> None:
        """No reply at all to the next ``times`` commands."""
        self.faults["stall"] = times

    def unplug_line(self) -> None:
        """Pull the phone cord: no dial tone, no loop, nothing to dial on."""
        with self._lock:
            self.line_plugged = False

    def plug_line(self) -> None:
        with self._lock:
            self.line_plugged = True

    def vanish(self) -> None:
        """Close the pty as if the USB cable were pulled."""
        with self._lock:
            self.pair.close()
            self._power_on()

    def plug_in(self) -> None:
        """A fresh pty at the same path: the modem is back in its power-on state."""
        with self._lock:
            self.pair.open()
            self._power_on()

    # -- wire -------------------------------------------------------------------------------

    def _reply(self, *lines: str) -> None:
        self._write("".join(f"\r\n{line}\r\n" for line in lines).encode("ascii"))

    def _event(self, code: bytes) -> None:
        self._write(bytes([DLE]) + code)

    def _event_at(self, due: float, code: bytes) -> None:
        self._scheduled.append((due, code))
        self._scheduled.sort(key=lambda item: item[0])

    def _serve(self) -> None:
        while not self._stop.is_set():
            fd = self.pair.master
            try:
                ready, _, _ = select.select([fd], [], [], 0.05) if fd >= 0 else ([], [], [])
                with self._lock:
                    data = os.read(fd, 4096) if ready and fd == self.pair.master else b""
                    if data:
                        self._host_in(data)
            except (OSError, ValueError):
                time.sleep(0.05)

    def _host_in(self, data: bytes) -> None:
        pos = 0
        while pos < len(data):
            pos = (self._command_bytes(data, pos) if self.stream is None
                   else self._stream_bytes(data, pos))

    def _command_bytes(self, data: bytes, pos: int) -> int:
        if self._dial_reply is not None:        # any character aborts a dial (V.250)
            self._dial_reply = None
            self._on_hook()
            self._reply("NO CARRIER")
            return len(data)
        end = data.find(b"\r", pos)
        if end < 0:
            self._cmd += data[pos:]
            return len(data)
        line, self._cmd = self._cmd + data[pos:end], b""
        start = line.upper().find(b"AT")        # V.250: everything before "AT" is ignored
        if start >= 0:
            self._command(line[start:].decode("ascii", "replace").strip())
        return end + 1

    def _stream_bytes(self, data: bytes, pos: int) -> int:
        if self._host_dle:
            self._host_dle = False
            self._host_code(data[pos])
            return pos + 1
        found = data.find(bytes([DLE]), pos)
        self._tx_audio(data[pos:found if found >= 0 else len(data)])
        if found < 0:
            return len(data)
        if found + 1 == len(data):
            self._host_dle = True
            return len(data)
        self._host_code(data[found + 1])
        return found + 2

    def _host_code(self, code: int) -> None:
        """A ``<DLE>`` code from the host inside a stream (line-interfaces.md 5.2)."""
        if code == DLE:
            self._tx_audio(bytes([DLE]))
        elif code == CAN and self.stream == "tx":
            self._tx_level, self._tx_raw = 0, b""
        elif code == ETX and self.stream == "tx":
            self.stream, self._draining = None, True     # OK once the buffer has played
        elif (code, self.stream) in ((ord("!"), "rx"), (ord("^"), "duplex")):
            self.stream = None
            self._write(bytes([DLE, ETX]))
            self._reply("OK")

    def _tx_audio(self, data: bytes) -> None:
        if self.stream not in ("tx", "duplex") or not data:
            return
        kind = self.flavour.formats[self.vsm[0]]
        width = 2 if kind == "linear16" else 1
        data = self._tx_raw + data
        usable = len(data) - len(data) % width
        self._tx_raw = data[usable:]
        pcm = _decode(kind, data[:usable])
        self.heard += pcm.astype("<i2").tobytes()
        self.heard_log.append((time.monotonic(), len(pcm)))
        self._tx_level += len(pcm)
        if self._tx_level > 8000:               # more than a second ahead of real time
            self.overruns += 1
            self._tx_level = 8000

    # -- commands ---------------------------------------------------------------------------

    def _command(self, text: str) -> None:
        self.received.append(text)
        if self.echo:
            self._write(text.encode("ascii", "replace") + b"\r")
        if self.faults["garble"]:
            self.faults["garble"] -= 1
            self._write(NOISE)
        if self.faults["stall"]:
            self.faults["stall"] -= 1
            return
        upper = text.upper()
        for pattern, handler in self._handlers():
            match = re.fullmatch(pattern, upper)
            if match:
                reply = handler(match)
                if reply:
                    self._reply(*reply)
                return
        self._reply("ERROR")

    def _handlers(self):
        voice = self._voice_only
        return (
            (r"AT", lambda m: ("OK",)),
            (r"ATZ0?", self._reset),
            (r"ATE([01])", self._set_echo),
            (r"ATI3?", lambda m: ((self.flavour.ati3,) if m.group(0).endswith("3")
                                  else ("5601",)) + ("OK",)),
            (r"AT\+GMM", lambda m: (self.flavour.gmm, "OK") if self.flavour.gmm else ("ERROR",)),
            (r"ATH0?", lambda m: self._on_hook() or ("OK",)),
            (r"AT\+FCLASS=\?", lambda m: ("0,1,2,8", "OK")),
            (r"AT\+FCLASS\?", lambda m: (str(self.fclass), "OK")),
            (r"AT\+FCLASS=([0-9.]+)", self._set_class),
            (r"AT\+VCID=([0-2])", self._set_cid),
            (r"AT\+VSM=\?", voice(lambda m: self.vsm_listing + ("OK",))),
            (r"AT\+VSM\?", voice(lambda m: (f"{self.vsm[0]},{self.vsm[1]},0,0", "OK"))),
            (r"AT\+VSM=(\d+),(\d+)(?:,.*)?", voice(self._set_vsm)),
            (r"AT\+VLS=\?", voice(lambda m: VLS_LISTING + ("OK",))),
            (r"AT\+VLS=(\d+)", voice(self._set_vls)),
            (r"AT\+VSD=(\d+),(\d+)", voice(self._set_vsd)),
            (r"AT\+V(?:IT|GT|GR|NH|RA|RN|DR)=[\d,]+", voice(lambda m: ("OK",))),
            (r"AT\+VTS=.+", voice(lambda m: ("OK",) if self.off_hook else ("ERROR",))),
            (r"AT\+VTR=\?", voice(lambda m: ("OK",) if self.flavour.duplex else ("ERROR",))),
            (r"AT\+V(TX|RX|TR)", voice(self._start_stream)),
            (r"ATA", voice(self._answer_ata)),
            (r"ATD[TP]?([0-9*#+]+);?", self._dial),
            (r"AT\+IFC=[\d,]+", lambda m: ("OK",)),
        )

    def _voice_only(self, handler):
        """V.253 commands are refused outside voice mode (+FCLASS=8)."""
        return lambda m: handler(m) if self.fclass == 8 else ("ERROR",)

    def _reset(self, match) -> tuple[str, ...]:
        ringing = (self.call, self._caller, self.rings, self._ring_due)
        self._power_on()
        if ringing[0] == "ringing":             # the exchange keeps ringing through an ATZ
            self.call, self._caller, self.rings, self._ring_due = ringing
        return ("OK",)

    def _set_echo(self, match) -> tuple[str, ...]:
        self.echo = match.group(1) == "1"
        return ("OK",)

    def _set_class(self, match) -> tuple[str, ...]:
        if match.group(1) not in ("0", "1", "2", "8"):
            return ("ERROR",)
        self.fclass = int(match.group(1))
        return ("OK",)

    def _set_cid(self, match) -> tuple[str, ...]:
        if not self.caller_id_service:
            return ("ERROR",)                   # no caller-ID circuitry on this modem
        self.vcid = int(match.group(1))
        return ("OK",)

    def _set_vsm(self, match) -> tuple[str, ...]:
        code, rate = int(match.group(1)), int(match.group(2))
        listed = {int(line.split(",")[0]) for line in self.vsm_listing}
        if code not in listed or code not in self.flavour.formats or rate not in self.flavour.rates:
            return ("ERROR",)
        self.vsm = (code, rate)
        return ("OK",)

    def _set_vsd(self, match) -> tuple[str, ...]:
        self.vsd_s = int(match.group(2)) / 10.0
        return ("OK",)

    def _set_vls(self, match) -> tuple[str, ...]:
        label = int(match.group(1))
        if label == 0:
            self._on_hook()
            return ("OK",)
        if label != 1:
            return ("ERROR",)                   # speaker, microphone ...: not simulated
        return self._off_hook()

    def _off_hook(self) -> tuple[str, ...]:
        self.off_hook, self._n = True, 0
        if self.call == "ringing":
            self.call, self.answered_at = "talking", time.monotonic()
            return (self.flavour.answer_reply,)
        if self.call == "idle":
            self.call = "offhook"
        return ("OK",)

    def _answer_ata(self, match) -> tuple[str, ...]:
        if self.call != "ringing":
            return ("NO CARRIER",)
        self._off_hook()
        return ("VCON",)

    def _on_hook(self) -> None:
        self.off_hook, self.stream, self._draining = False, None, False
        if self.call != "ringing":
            self.call = "idle"
        self._scheduled.clear()
        self._keys.clear()

    def _start_stream(self, match) -> tuple[str, ...]:
        kind = {"TX": "tx", "RX": "rx", "TR": "duplex"}[match.group(1)]
        if not self.off_hook or (kind == "duplex" and not self.flavour.duplex):
            return ("ERROR",)
        if self.flavour.formats[self.vsm[0]] is None:
            return ("ERROR",)                   # ADPCM streams are not simulated
        self._reply("CONNECT")
        self.stream, self._tx_level, self._tx_raw, self._host_dle = kind, 0, b"", False
        self._quiet_s, self._silence_told, self._dial_tone_s = 0.0, False, 0.0
        return ()

    def _dial(self, match) -> tuple[str, ...]:
        if self.call not in ("idle", "offhook"):
            return ("ERROR",)
        number = match.group(1)
        self.off_hook, self._n, self._cycle = True, 0, -1
        self._outcome = self.callees.get(number, "answer")
        if not self.line_plugged:
            final = "NO DIALTONE"               # X4, the factory default [I]
        elif self.fclass != 8 or self._outcome == "unreachable":
            final = "NO CARRIER"
        elif self._outcome == "busy" and self.flavour.busy_final:
            final = "BUSY"
        else:
            final = "VCON"
        self.call = "dialling"
        self._dial_reply = (time.monotonic() + DIAL_REPLY_S, final)
        return ()

    # -- the 20 ms tick ---------------------------------------------------------------------

    def _tick_forever(self) -> None:
        """A frame every 160 samples of the modem's own clock, on absolute deadlines."""
        period = FRAME / self.clock_hz
        due = time.monotonic()
        while not self._stop.is_set():
            due += period
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.2:                  # far behind (a loaded machine): do not burst
                due = time.monotonic()
            with self._lock:
                if self.pair.is_open:
                    self._tick(time.monotonic())

    def _tick(self, now: float) -> None:
        self._ring_tick(now)
        self._dial_tick(now)
        while self._scheduled and self._scheduled[0][0] <= now:
            _, code = self._scheduled.pop(0)
            if self.off_hook:
                self._event(code)
        self._tx_tick()
        if self.off_hook:
            frame = self._far_frame(now)
            self._silence_tick(frame)
            self._dial_tone_tick()
            if self.stream in ("rx", "duplex"):
                log_timed(self.said, now, frame.astype("<i2").tobytes())
                data = _encode(self.flavour.formats[self.vsm[0]], frame)
                self._write(data.replace(bytes([DLE]), bytes([DLE, DLE])))

    def _ring_tick(self, now: float) -> None:
        if self.call != "ringing" or now < self._ring_due:
            return
        self._ring_due, self.rings = now + self.ring_every_s, self.rings + 1
        if self.rings == 1:
            self.first_ring_at = now
        if self.fclass == 8 and self.flavour.ring == "dle":
            self._write(bytes([DLE]) + b"R\n")           # mgetty t_ring.c: "\020R\n"
        else:
            self._reply("RING")
        if self.rings == 1 and self.vcid == 1:
            self._reply(*self._cid_block())

    def _cid_block(self) -> list[str]:
        number, name = self._caller
        eq = " = " if self.cid_style == "spaced" else "="
        stamp = time.strftime("%m%d %H%M").split()
        lines = [f"DATE{eq}{stamp[0]}", f"TIME{eq}{stamp[1]}", f"NMBR{eq}{number}"]
        return lines + ([f"NAME{eq}{name}"] if name else [])

    def _dial_tick(self, now: float) -> None:
        if self._dial_reply is not None and now >= self._dial_reply[0]:
            final, self._dial_reply = self._dial_reply[1], None
            if final != "VCON":
                self._on_hook()
            self._vcon_at = now
            self._reply(final)
        if self.call != "dialling" or self._dial_reply is not None or not self.off_hook:
            return
        cycle = int((now - self._vcon_at) / self.ringback_every_s)
        if cycle == self._cycle:
            return
        self._cycle = cycle
        if self._outcome == "answer" and cycle >= self.rings_before_answer:
            self.call, self._n = "talking", 0
            self._say += self._callee_voice or _default_voice()
        elif self._outcome in ("answer", "no_answer") and self.flavour.ringback_reports:
            self._event(b"r")

    def _tx_tick(self) -> None:
        if self.stream in ("tx", "duplex") or self._draining:
            self._tx_level = max(0, self._tx_level - FRAME)
        if self._draining and self._tx_level == 0:
            self._draining = False
            self._reply("OK")

    def _silence_tick(self, frame: np.ndarray) -> None:
        """AT+VSD: no energy for ``vsd_s`` gives ``<DLE>s`` once (while listening)."""
        if self.stream not in ("rx", "duplex") or self.vsd_s <= 0:
            return
        rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2)))
        self._quiet_s = self._quiet_s + TICK_S if rms < SILENCE_RMS else 0.0
        if self._quiet_s < self.vsd_s:
            self._silence_told = False
        elif not self._silence_told:
            self._silence_told = True
            self._event(b"s")

    def _dial_tone_tick(self) -> None:
        """The tone detector: dial tone on a seized idle line, reported once per stream."""
        if self.call != "offhook" or not self.line_plugged or self.stream not in ("rx", "duplex"):
            return
        before, self._dial_tone_s = self._dial_tone_s, self._dial_tone_s + TICK_S
        if before < DIAL_TONE_REPORT_S <= self._dial_tone_s:
            self._event(b"d")

    # -- what the far end sends -------------------------------------------------------------

    def _far_frame(self, now: float) -> np.ndarray:
        n0, self._n = self._n, self._n + FRAME
        if self.call == "gone":
            return self._gone_frame(now, n0)
        if self.call == "dialling":
            return self._progress_frame(now, n0)
        if self.call == "offhook":
            if not self.line_plugged:
                return np.zeros(FRAME, dtype=np.int16)
            freqs, level = self.dial_tone
            return self._tone(freqs, level, n0)
        spoken = np.frombuffer(bytes(self._say[:FRAME * 2]).ljust(FRAME * 2, b"\0"), dtype="<i2")
        del self._say[:FRAME * 2]
        signal = spoken.astype(np.float64) + white_noise(FRAME, self.line_noise_dbm0, self._rng)
        for start, end, key in list(self._keys):
            if end < now:
                self._keys.remove((start, end, key))
            elif start <= now:
                low, high = key_frequencies(key)
                signal += sine(low, FRAME, -10.0, start=n0) + sine(high, FRAME, -10.0, start=n0)
        return to_int16(signal)

    def _gone_frame(self, now: float, n0: int) -> np.ndarray:
        signal = self.gone_signal
        if signal in ("busy_dle", "busy_tone"):
            return self._busy(now - self._gone_at, n0, report=signal == "busy_dle")
        if signal == "dial_tone":
            return self._tone((350.0, 440.0), -13.0, n0)
        if signal == "none":
            return to_int16(white_noise(FRAME, self.line_noise_dbm0, self._rng))
        return np.zeros(FRAME, dtype=np.int16)   # loop_break, silence

    def _progress_frame(self, now: float, n0: int) -> np.ndarray:
        """What the caller hears while the number rings: ringback, or busy."""
        elapsed = now - self._vcon_at
        if self._outcome in ("busy", "busy_tone"):
            return self._busy(elapsed, n0, report=self._outcome == "busy")
        if elapsed % RINGBACK_CYCLE_S < RINGBACK_ON_S:
            return self._tone((440.0, 480.0), -19.0, n0)
        return np.zeros(FRAME, dtype=np.int16)

    def _busy(self, elapsed: float, n0: int, report: bool) -> np.ndarray:
        """480+620 Hz, 0.5 s on / 0.5 s off; with ``report``, ``<DLE>b`` once per cycle."""
        cycle = int(elapsed)
        if report and cycle != self._busy_cycle:
            self._busy_cycle = cycle
            self._event(b"b")
        if elapsed % 1.0 < 0.5:
            return self._tone((480.0, 620.0), -24.0, n0)
        return np.zeros(FRAME, dtype=np.int16)

    @staticmethod
    def _tone(freqs: tuple[float, ...], level_dbm0: float, n0: int) -> np.ndarray:
        return to_int16(sum(sine(f, FRAME, level_dbm0, start=n0) for f in freqs))
