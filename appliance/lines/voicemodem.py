"""A phone line on an analog voice modem (ITU-T V.253: USR5637, Conexant CX930xx) over USB.

``VoiceModemLine`` owns the modem's one tty with one thread. It puts the modem in voice mode
(``AT+FCLASS=8``), picks the audio format by name and bits from ``AT+VSM=?`` (16-bit linear,
else u-law, else A-law, else 8-bit PCM), turns on formatted caller ID (``AT+VCID=1``) where the
modem has it, and probes full duplex (``AT+VTR``). Inbound calls: ``RING`` / ``<DLE>R`` and the
caller-ID block become ``LineRinging``; ``AnswerLine`` is ``AT+VLS=1`` and the call then runs as
a DLE-shielded voice stream (``AT+VTR``, or ``AT+VRX`` / ``AT+VTX`` taking turns on a
half-duplex modem) through ``LineAudio``: prompts out at real pace, the caller's audio in, keys
from the modem's ``<DLE>5`` reports and from the audio, counted once.

An analog line often says nothing when the far end hangs up, so the driver supervises the call:
``<DLE>b`` (busy), ``<DLE>d`` (dial tone), ``<DLE>l`` (loop current break), ``<DLE>s`` (long
silence, ``AT+VSD``), and busy, reorder or dial tone heard in the audio
(``appliance.audio.progress``) each end it with ``LineHungUp``. Dial-backs (``ATDT<number>``)
follow the call's progress in the stream: busy, ringbacks counted against
``answer_timeout_s``, and the callee's voice.

A vanished or silent modem posts ``LineFailed`` once (ending any call), then the line
resynchronises (``AT``) or reopens the port with back-off (1, 2, 4 ... 60 s) and posts
``LineReady`` when the modem answers again. ``probe_line`` serves the console's ``test line``:
between calls, off hook, listen, on hook (appliance/console/analog_check.py judges what was
heard). Facts from ``line-interfaces.md`` section 5;
what is inferred is marked [I].

Example::

    line = VoiceModemLine("line3", opener("/dev/ivr-line3", 115200),
                          library=PromptLibrary(data_dir=d), data_dir=d)
    line.start(loop.post)      # logs e.g. "line3 v253: audio LINEAR 16-bit, caller ID on, ..."
"""
from __future__ import annotations

import logging
import math
import queue
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from appliance import commands as c
from appliance.audio.line_audio import LineAudio
from appliance.audio.outbox import FrameOutbox
from appliance.audio.progress import ProgressDetector
from appliance.audio.realtime import audio_thread
from appliance.audio.vad import VoiceActivity
from appliance.errors import AtTimeout, CommandRejected, DriverError, ModemError
from appliance.events import (CallAnswered, DialFailed, LineFailed, LineHealthReported,
                              LineHungUp, LineReady, LineRinging, SmsSent)
from appliance.line_states import LineState as S
from appliance.lines.at import Response, Urc, UrcRule, check_final, classify
from appliance.lines.base import Line
from appliance.lines.callerid import clean_name, clean_number, diallable
from appliance.lines.voiceformats import FALLBACK, Compression, choose_compressions
from appliance.lines.dle import (ABORT_RX, END_DUPLEX, END_OF_STREAM, END_TX, INTERRUPT_TX,
                                 KEY_END, KEY_START, KEYS, DleEvent, DleParser, KeyFolder, shield)
from appliance.serial_port import missing, opener

log = logging.getLogger("appliance.lines.voicemodem")

BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0)
FRAME = 160                         # 20 ms at 8 kHz
READ_TIMEOUT_S = 0.02               # the port thread wakes at least this often
CID_SETTLE_S = 0.5                  # the caller-ID block is printed at once [I]
TX_IDLE_S = 0.1                     # half duplex: no frame for this long ends AT+VTX
STREAM_QUIET_S = 2.0                # AT+VRX / AT+VTR sends 8000+ bytes a second
VOICE_FRAMES = 10                   # about 0.2 s of speech (not tone) = the callee answered
GONE_SIGNALS = {"b": "busy tone", "K": "busy tone", "d": "dial tone", "i": "dial tone",
                "l": "loop current break", "s": "silence"}
HEARD_SIGNALS = {"busy": "busy tone", "reorder": "reorder tone", "dial_tone": "dial tone"}
# Sent before the first command on a (re)opened port: leaves any stream a crashed session left
# open; a modem in the command state ignores everything before "AT" (V.250).
EXIT_STREAMS = INTERRUPT_TX + ABORT_RX + END_DUPLEX
# Models known to have (or lack) full duplex when AT+VTR=? says nothing [I].
DUPLEX_MODELS = (("ROBOTICS", True), ("USR", True), ("CX930", False), ("CX818", False),
                 ("CONEXANT", False))

URCS = (
    UrcRule("ring", re.compile(r"^RING(?: .*)?$")),
    UrcRule("cid", re.compile(r"^(DATE|TIME|NMBR|NAME|MESG) ?= ?(.*)$"),
            lambda m: (m.group(1), m.group(2))),
    UrcRule("ringback", re.compile(r"^RINGING$")),            # ZyXEL, during ATD
    UrcRule("cadence", re.compile(r"^DR(?:ON|OF)=\d+$")),      # AT+VDR distinctive ring
)


# -- helpers for the port thread ---------------------------------------------------------------

class _Pending:
    """The one command in flight: its text, the reply lines so far, and its final result."""

    def __init__(self, text: str):
        self.text, self.lines = text, []
        self.final: str | None = None


class _Closed(Exception):
    """The line is being closed: leave whatever the port thread was doing."""


class _Wire:
    """The modem's tty as the port thread reads it: text lines in the command state, audio in
    a stream, DLE events in both. ``CONNECT`` after a stream command starts the stream at
    the byte after it; ``<DLE><ETX>`` ends it."""

    def __init__(self, port):
        self.port = port
        self.parser = DleParser()
        self.streaming = False
        self.expect_connect = False
        self._text = b""

    def read(self) -> list[tuple[str, object]]:
        """What arrived within one read timeout: (``line``|``garbled``|``event``|``audio``, value)."""
        chunk = self.port.read(max(1, self.port.in_waiting))
        items: list[tuple[str, object]] = []
        for piece in self.parser.feed(chunk) if chunk else ():
            if isinstance(piece, DleEvent):
                if piece.code == END_OF_STREAM:
                    self.streaming = False
                items.append(("event", piece))
            elif self.streaming:
                items.append(("audio", piece))
            else:
                self._text_in(piece, items)
        return items

    def _text_in(self, data: bytes, items: list) -> None:
        self._text += data
        while b"\n" in self._text:
            raw, self._text = self._text.split(b"\n", 1)
            line = _text_line(raw)
            items.append(("garbled", raw) if line is None else ("line", line))
            if line == "CONNECT" and self.expect_connect:
                self.expect_connect, self.streaming = False, True
                rest, self._text = self._text, b""
                if rest:
                    items.append(("audio", rest))
                return

    def write(self, data: bytes) -> None:
        """Send bytes to the modem."""
        self.port.write(data)

    def flush_input(self) -> None:
        """Forget whatever the modem sent so far (after leaving a stream blindly)."""
        self.port.reset_input_buffer()
        self.parser.reset()
        self._text, self.streaming, self.expect_connect = b"", False, False


def _text_line(raw: bytes) -> str | None:
    """A received line without CRs; None if it is not printable ASCII (noise)."""
    try:
        line = raw.decode("ascii").replace("\r", "").strip()
    except UnicodeDecodeError:
        return None
    return line if line.isprintable() else None


@dataclass
class LineProbe:
    """What ``probe_line`` found: why the line was not tried (``refused``: it carries a call or
    is out of service), why each step that failed failed (``errors`` by "off hook", "listen",
    "on hook"), the 20 ms frames heard off hook and the ``<DLE>`` codes reported meanwhile."""
    refused: str | None = None
    errors: dict = field(default_factory=dict)
    frames: list = field(default_factory=list)
    events: list = field(default_factory=list)


@dataclass
class _Dialling:
    """A dial-back in progress."""
    number: str
    deadline: float
    last_tone: float
    in_stream: bool = False
    ringbacks: int = 0
    modem_counts: bool = False          # the modem reports ringback (<DLE>r): do not count twice
    voice: int = 0


# -- the line -------------------------------------------------------------------------------------

class VoiceModemLine(Line):
    """One analog line on a V.253 voice modem. ``state`` is a ``LineState``; ``plan``,
    ``model``, ``compression``, ``caller_id`` and ``full_duplex`` describe the modem once
    initialised. Timings are parameters so that tests can shorten them."""

    def __init__(self, line_id: str, opener: Callable[[], object], *, library=None,
                 data_dir: Path | None = None, post=None, port_path: str | None = None,
                 setting: str = "lines[].port", timeout_s: float = 3.0,
                 answer_timeout_s: float = 30.0, backoff_s: tuple[float, ...] = BACKOFF_S,
                 poll_s: float = 30.0, silence_s: float = 6.0, ring_gone_s: float = 8.0,
                 ringback_period_s: float = 6.0, ringback_gone_s: float = 6.0,
                 listen_every_s: float = 4.0, listen_s: float = 2.6, bridge=None):
        self.id = line_id
        self._opener, self._post = opener, post
        self.port_path, self.setting = port_path, setting
        self.timeout_s, self.answer_timeout_s, self.backoff_s = timeout_s, answer_timeout_s, backoff_s
        self.poll_s, self.silence_s, self.ring_gone_s = poll_s, silence_s, ring_gone_s
        self.ringback_period_s, self.ringback_gone_s = ringback_period_s, ringback_gone_s
        self.listen_every_s, self.listen_s = listen_every_s, listen_s
        self.state = S.DOWN
        self.plan = self.model = self.compression = None
        self.caller_id: bool | None = None
        self.full_duplex: bool | None = None
        self._outbox = FrameOutbox()
        if library is None:
            from appliance.audio.prompts import PromptLibrary
            library = PromptLibrary(data_dir=data_dir)
        self.audio = LineAudio(line_id, self._emit, self._outbox, library,
                               Path(data_dir) if data_dir else Path("."), bridge=bridge)
        self._card_problem: str | None = None   # why the desk phones cannot hear callers:
        self._duplex_problem: str | None = None  # the card, or a modem that cannot be bridged
        if bridge is not None:
            bridge.on_problem = self.voice_problem
        self._jobs: queue.Queue = queue.Queue()
        self._todo: deque[Callable[[], None]] = deque()
        self._closing = threading.Event()
        self._hangup_asked = threading.Event()
        self._interrupt = self._looping = False
        self._wire: _Wire | None = None
        self._pending: _Pending | None = None
        self._stream: str | None = None
        self._failed_reported = False
        self._last_error: str | None = None
        self._health: dict | None = None
        self._keys = KeyFolder()
        self._vad = VoiceActivity()
        self._thread = threading.Thread(target=self._run, name=f"v253-{line_id}", daemon=True)
        self._probe: LineProbe | None = None    # the technician's line check, while it listens
        self._reset_call()

    # -- Line interface -----------------------------------------------------------------------

    def start(self, post) -> None:
        """Open the port and initialise the modem on the line's own thread."""
        self._post = post
        self._thread.start()

    def execute(self, command: c.Command) -> None:
        """Audio commands go to ``LineAudio``; call commands queue work for the port thread."""
        if isinstance(command, c.SendSms):
            self._emit(SmsSent(self.id, command.call_id, ok=False,
                               detail="an analog line cannot send text messages"))
            return
        self._note_audio(command)
        if self.audio.execute(command):
            return
        if isinstance(command, c.AnswerLine):
            self._require_up()
            self._jobs.put(self._answer)
        elif isinstance(command, c.Hangup):
            self._hangup_asked.set()
            self._jobs.put(self._hangup)
        elif isinstance(command, c.Dial):
            self._queue_dial(command.number)
        else:
            log.debug("line %s: %s ignored", self.id, command)

    def probe_line(self, done: Callable[[LineProbe], None], listen_s: float = 2.0) -> None:
        """The technician's ``test line`` (any thread): between calls, on the port thread, go
        off hook (``AT+VLS=1``), listen ``listen_s`` (``AT+VRX``), go on hook (``AT+VLS=0``);
        ``done`` gets the LineProbe. A line that is not idle is refused, never interrupted."""
        if self.state != S.IDLE:
            done(LineProbe(refused=self.state.value))
            return
        self._jobs.put(lambda: self._probe_line(done, listen_s))

    def close(self) -> None:
        """Stop the port thread (on hook if a call is up) and the audio."""
        self._closing.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=3.0)
        self.audio.close()

    # -- commands (loop thread) ---------------------------------------------------------------

    def _note_audio(self, command: c.Command) -> None:
        if isinstance(command, c.Play):
            self._looping = command.loop
        elif isinstance(command, c.StopPlayback):
            self._interrupt = True
            self._outbox.clear()

    def _require_up(self) -> None:
        if self.state in (S.DOWN, S.STARTING, S.RESETTING):
            raise DriverError(f"line {self.id}: the voice modem is not in service "
                              f"({self._last_error or 'starting'})")

    def _queue_dial(self, number: str) -> None:
        self._require_up()
        if not diallable(number):
            log.warning("line %s: %r cannot be dialled (digits and a leading + only)",
                        self.id, number[:40])
            self._emit(DialFailed(self.id, "failed"))
            return
        self._jobs.put(lambda: self._dial(number))

    def _emit(self, event) -> None:
        """Post an event to the loop; a failing post is logged, never raised into the driver."""
        if self._post is None:
            log.warning("line %s: %s before start, dropped", self.id, event)
            return
        try:
            self._post(event)
        except Exception:                                  # noqa: BLE001
            log.exception("line %s: posting %s failed", self.id, event)

    # -- the port thread ----------------------------------------------------------------------

    def _run(self) -> None:
        """Sessions until closed: open, initialise, serve; any failure is reported, then the
        line reopens the port after a back-off (from the start again after a session that
        reached service). Nothing escapes this loop."""
        audio_thread()                      # the caller's voice comes and goes on this thread
        attempt = 0
        while not self._closing.is_set():
            self._served = False
            try:
                self._session()
            except _Closed:
                break
            except Exception as exc:                       # noqa: BLE001 - the thread must live
                self._guarded(self._session_failed, exc)
            finally:
                self._guarded(self._drop_port)
            attempt = 0 if self._served else attempt
            self._closing.wait(self.backoff_s[min(attempt, len(self.backoff_s) - 1)])
            attempt += 1
        self._guarded(self._drop_port)
        log.info("line %s: closed", self.id)

    def _guarded(self, action: Callable, *args) -> None:
        try:
            action(*args)
        except Exception:                                  # noqa: BLE001 - the thread must live
            log.exception("line %s: cleaning up after a failure failed", self.id)

    def _session(self) -> None:
        self._open()
        self._init()
        self._ready()
        while True:
            try:
                self._step()
            except ModemError as exc:
                self._trouble(exc)

    def _session_failed(self, exc: Exception) -> None:
        if isinstance(exc, (OSError, ModemError)):
            log.error("line %s: %s", self.id, self._reason(exc))
        else:
            log.exception("line %s: the driver failed; restarting the line", self.id)
        self._lost(self._reason(exc))

    def _reason(self, exc: Exception) -> str:
        if isinstance(exc, ModemError):
            return str(exc)
        if not isinstance(exc, OSError):
            return f"driver error ({type(exc).__name__}: {exc}); the line restarted itself"
        path = self.port_path or "(unnamed port)"
        if self._wire is not None:
            return f"the voice modem vanished ({exc}): check its USB cable"
        gone = missing(self.port_path, self.setting) if self.port_path else None
        if gone:
            return gone
        return f"cannot open the voice modem's port {path}: {exc}"

    def _open(self) -> None:
        self.state = S.STARTING
        port = self._opener()
        port.timeout = READ_TIMEOUT_S
        port.write_timeout = max(1.0, self.timeout_s)
        self._wire = _Wire(port)
        self._wire.write(EXIT_STREAMS)
        self._closing.wait(0.2)
        self._wire.flush_input()

    def _discard_jobs(self) -> None:
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._hangup_asked.clear()

    def _drop_port(self) -> None:
        wire, self._wire = self._wire, None
        if wire is None:
            return
        if self.state.carries_call:             # closing mid-call: put the line down, blindly
            try:
                wire.write(EXIT_STREAMS + b"AT+VLS=0\r")
            except (OSError, ValueError):
                pass
        try:
            wire.port.close()
        except (OSError, ValueError):
            pass
        self._stream = None

    def _step(self) -> None:
        """One turn of the port thread: read, run queued work, move audio, check deadlines."""
        self._pump()
        self._run_jobs()
        self._half_duplex()
        self._deadlines(time.monotonic())

    def _run_jobs(self) -> None:
        while self._todo:
            self._todo.popleft()()
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            job()
            while self._todo:
                self._todo.popleft()()

    # -- reading ------------------------------------------------------------------------------

    def _pump(self) -> None:
        """Read once (up to READ_TIMEOUT_S) and dispatch what came."""
        if self._closing.is_set():
            raise _Closed()
        for kind, value in self._wire.read():
            if kind == "line":
                self._on_line(value)
            elif kind == "event":
                self._on_event(value)
            elif kind == "audio":
                self._on_audio(value)
            else:
                log.warning("line %s: garbled line skipped: %r", self.id, value[:60])

    def _on_line(self, line: str) -> None:
        pending = self._pending
        text = pending.text if pending is not None and pending.final is None else None
        if not line or line == text:            # blank, or an echo (ATZ turned echo back on)
            return
        found = Response("VCON") if text is not None and line == "VCON" else classify(line, text, URCS)
        if isinstance(found, Response):
            pending.final = found.final
        elif isinstance(found, Urc):
            self._on_urc(found)
        else:
            pending.lines.append(line)

    def _on_urc(self, urc: Urc) -> None:
        if urc.kind == "ring":
            self._ring()
        elif urc.kind == "cid":
            self._cid_line(*urc.value)
        elif urc.kind == "ringback":
            self._ringback()
        elif urc.kind == "unknown":
            log.debug("line %s: unsolicited line ignored: %r", self.id, urc.line)

    def _on_event(self, event: DleEvent) -> None:
        code, now = event.code, time.monotonic()
        self._last_rx = now
        if code in KEYS or code in (KEY_START, KEY_END):
            key = self._keys.feed(code, now)
            if key is not None and self.state == S.CONNECTED:
                self.audio.module_key(key)
        elif code == END_OF_STREAM:
            self._stream_ended()
        elif code == "R":
            self._ring()
        elif self.state == S.CONNECTED and code in GONE_SIGNALS:
            self._far_end_gone(f"the modem reported {GONE_SIGNALS[code]}")
        elif self.state == S.DIALLING:
            self._dial_event(code)
        elif self._probe is not None:
            self._probe.events.append(code)
        else:
            log.debug("line %s: <DLE>%s (%s)", self.id, code, event.meaning)

    def _on_audio(self, data: bytes) -> None:
        if self._stream not in ("rx", "duplex") or self.compression is None:
            return
        self._last_rx = time.monotonic()
        for frame in self._frames(data):
            if self._probe is not None:
                self._probe.frames.append(frame)
            else:
                self._hear(frame)

    def _frames(self, data: bytes) -> Iterator[np.ndarray]:
        """Whole 20 ms frames of int16 from the stream's bytes."""
        self._rx_bytes += data
        usable = len(self._rx_bytes) - len(self._rx_bytes) % self.compression.width
        if usable:
            decoded = self.compression.decode(bytes(self._rx_bytes[:usable]))
            del self._rx_bytes[:usable]
            self._rx_samples = np.concatenate((self._rx_samples, decoded))
        while len(self._rx_samples) >= FRAME:
            frame, self._rx_samples = self._rx_samples[:FRAME], self._rx_samples[FRAME:]
            yield frame

    def _hear(self, samples: np.ndarray) -> None:
        """20 ms of the far end: to LineAudio, to supervision; in full duplex, one frame back."""
        frame = samples.astype("<i2").tobytes()
        if self._stream == "duplex":         # one frame back for every frame heard
            self._send_frame(self.audio.exchange(frame))
        else:
            self.audio.hear(frame)
        found = self._ear.feed(samples)
        if self.state == S.CONNECTED:
            for kind in found:
                if kind in HEARD_SIGNALS:
                    self._far_end_gone(f"{HEARD_SIGNALS[kind]} heard on the line")
        elif self.state == S.DIALLING and self._dialling is not None:
            self._dial_frame(found, frame)

    def _send_frame(self, frame: bytes) -> None:
        """One outgoing frame: the modem's clock paces it."""
        self._wire.write(shield(self.compression.encode(np.frombuffer(frame, dtype="<i2"))))

    # -- commands to the modem (port thread) --------------------------------------------------

    def _command(self, text: str, timeout: float | None = None, raw: bytes | None = None,
                 abort: Callable[[], bool] | None = None) -> list[str]:
        """Send one command and read until its final result; returns its information lines.

        Everything that arrives meanwhile (rings, DLE events, audio) is dispatched as usual.
        ``abort`` true while waiting sends one CR, which ends a dial (V.250). Raises AtTimeout,
        CommandRejected, OSError (port gone) or _Closed.
        """
        timeout = timeout or self.timeout_s
        pending = self._pending = _Pending(text)
        self._wire.write(raw if raw is not None else text.encode("ascii") + b"\r")
        deadline, aborted = time.monotonic() + timeout, False
        try:
            while pending.final is None:
                if time.monotonic() > deadline:
                    raise AtTimeout(text, timeout, list(pending.lines))
                if abort is not None and not aborted and abort():
                    aborted = True
                    self._wire.write(b"\r")
                self._pump()
        finally:
            self._pending = None
        if pending.final == "VCON":
            return pending.lines
        return check_final(text, pending.final, pending.lines)

    def _optional(self, text: str) -> bool:
        """A command the line can do without: a refusal is logged, not an error."""
        try:
            self._command(text)
            return True
        except CommandRejected as exc:
            log.info("line %s: %s; carrying on without it", self.id, exc)
            return False

    # -- initialisation -----------------------------------------------------------------------

    def _init(self) -> None:
        self.state = S.STARTING
        try:
            self._command("ATZ", self.timeout_s + 2.0)
        except ModemError as exc:
            log.warning("line %s: %s; trying AT", self.id, exc)
            self._command("AT")
        self._command("ATE0")
        self.model = self._identify()
        try:
            self._command("AT+FCLASS=8")
        except CommandRejected as exc:
            raise ModemError(f"the modem on the port has no voice mode ({exc}): is it a V.253 "
                             f"voice modem? ({self.model or 'no model name'})") from exc
        self.compression = self._choose_compression()
        self.caller_id = self._optional("AT+VCID=1")
        self._optional(f"AT+VSD=128,{max(1, round(self.silence_s * 10))}")
        self._optional("AT+VIT=0")
        self.full_duplex = self._probe_duplex()
        self._command("AT+VLS=0")
        self._describe_plan()

    def _identify(self) -> str | None:
        for text in ("AT+GMM", "ATI3", "ATI"):
            try:
                reply = " ".join(line for line in self._command(text) if line)
            except CommandRejected:
                continue
            if reply:
                return reply[:80]
        return None

    def _choose_compression(self) -> Compression:
        try:
            candidates = choose_compressions(self._command("AT+VSM=?"))
        except CommandRejected as exc:
            log.warning("line %s: %s; trying 8-bit unsigned PCM (code 1)", self.id, exc)
            candidates = []
        for entry in candidates or [FALLBACK]:
            try:
                self._command(f"AT+VSM={entry.code},8000")
                return entry
            except CommandRejected as exc:
                log.warning("line %s: %s", self.id, exc)
        raise ModemError("the modem accepts none of the voice formats this line can carry "
                         "(16-bit linear, u-law, A-law, 8-bit PCM) at 8000 Hz")

    def _probe_duplex(self) -> bool:
        try:
            self._command("AT+VTR=?")
            return True
        except CommandRejected:
            model = (self.model or "").upper()
            return next((duplex for name, duplex in DUPLEX_MODELS if name in model), False)

    def _describe_plan(self) -> None:
        plan = (f"audio {self.compression.label}, caller ID {'on' if self.caller_id else 'off'}, "
                f"full duplex {'yes' if self.full_duplex else 'no'}")
        if self.audio.bridge is not None:
            plan += f", desk phones through bridge card '{self.audio.bridge.name}'"
            if not self.full_duplex:
                self._duplex_problem = ("the modem has no full duplex (AT+VTR), so it cannot be bridged "
                               "to a desk phone; docs/v253.md lists modems that can")
        if plan != self.plan:
            log.info("%s v253: %s (%s)", self.id, plan, self.model or "model unknown")
        self.plan = plan

    def _ready(self) -> None:
        self._reset_call()
        self.state, self._served = S.IDLE, True
        self._failed_reported, self._last_error = False, None
        self._next_poll = time.monotonic() + self.poll_s
        self._report_health()
        self._emit(LineReady(self.id))

    def _report_health(self) -> None:
        health = {"registration": None, "network": None, "signal_dbm": None, "bars": None,
                  "sim": None, "plan": self.plan, "model": self.model,
                  "last_error": self._last_error,
                  "voice": self._card_problem or self._duplex_problem}
        if health != self._health:
            self._health = dict(health)
            self._emit(LineHealthReported(self.id, health))

    def voice_problem(self, problem: str | None) -> None:
        """The bridge card reports trouble, or that it is fine again (any thread)."""
        self._card_problem = problem
        self._report_health()

    # -- failures -----------------------------------------------------------------------------

    def _trouble(self, exc: ModemError) -> None:
        """A command failed or the modem went quiet: report it (ending any call), resync with
        AT and initialise again; if the modem does not answer, the session ends (reopen)."""
        log.error("line %s: %s", self.id, exc)
        self._lost(str(exc))
        self.state = S.RESETTING
        self._wire.write(EXIT_STREAMS)
        self._closing.wait(0.2)
        self._wire.flush_input()
        self._command("AT")
        self._init()
        self._ready()

    def _lost(self, reason: str) -> None:
        """The line is out of service: the call (if any) is over, and so is the work queued
        for it (the engine ends the call on LineFailed); LineFailed once per outage."""
        self._stream = None
        self._reset_call()
        self._todo.clear()
        self._discard_jobs()
        self.state = S.DOWN
        self._last_error = reason
        self._report_health()
        if not self._failed_reported:
            self._failed_reported = True
            self._emit(LineFailed(self.id, reason))

    # -- inbound calls ------------------------------------------------------------------------

    def _ring(self) -> None:
        now = time.monotonic()
        if self.state == S.IDLE:
            self.state, self._rings, self._cid = S.ALERTING, 0, {}
        if self.state not in (S.ALERTING, S.RINGING):
            return
        self._rings, self._last_ring = self._rings + 1, now
        if self.state == S.ALERTING and (self._rings >= 2 or self._cid):
            self._announce()

    def _cid_line(self, tag: str, value: str) -> None:
        now = time.monotonic()
        if self.state == S.IDLE:                # caller ID before the first ring (UK) [I]
            self.state, self._rings, self._cid, self._last_ring = S.ALERTING, 0, {}, now
        if self.state != S.ALERTING:
            return
        self._cid[tag] = value
        self._cid_settle = now + CID_SETTLE_S

    def _announce(self) -> None:
        caller = clean_number(self._cid.get("NMBR"), self.id)
        name = self._cid.get("NAME")
        name = None if name is None or name.strip().upper() in ("P", "O") else clean_name(name)
        self.state, self._cid_settle = S.RINGING, None
        log.info("line %s: ringing, caller %s%s", self.id, caller or "withheld",
                 f" ({name})" if name else "")
        self._emit(LineRinging(self.id, caller))

    def _answer(self) -> None:
        if self.state not in (S.ALERTING, S.RINGING):
            log.info("line %s: nothing to answer (%s)", self.id, self.state.value)
            return
        self._command("AT+VLS=1")               # off hook: OK, or VCON on some modems
        self.state = S.CONNECTED
        log.info("line %s: answered", self.id)
        self._open_stream("duplex" if self.full_duplex else "rx")

    # -- streams ------------------------------------------------------------------------------

    def _open_stream(self, kind: str) -> None:
        """Start ``AT+VTR`` (duplex), ``AT+VRX`` (rx) or ``AT+VTX`` (tx); the stream begins
        right after the modem's CONNECT."""
        self._wire.expect_connect = True
        try:
            self._command({"duplex": "AT+VTR", "rx": "AT+VRX", "tx": "AT+VTX"}[kind])
        finally:
            self._wire.expect_connect = False
        self._stream, self._last_rx = kind, time.monotonic()
        self._rx_bytes, self._rx_samples = bytearray(), np.zeros(0, dtype=np.int16)
        if kind != "tx":
            self._ear = ProgressDetector()                  # hear the line afresh: no runs from before
        self._tx_since = self._last_tx = time.monotonic()

    def _close_stream(self, interrupt: bool = False) -> None:
        """Leave the stream: ``<DLE><ETX>`` (or interrupt) for VTX, ``<DLE>!`` for VRX,
        ``<DLE>^`` for VTR; each ends with OK."""
        kind, self._stream = self._stream, None
        if kind == "tx":
            self._wire.streaming = False        # VTX: the modem drains its buffer, then OK
            raw = INTERRUPT_TX if interrupt else END_TX
            self._command("<DLE><CAN><DLE><ETX>" if interrupt else "<DLE><ETX>",
                          self.timeout_s + 2.0, raw=raw)
        elif kind is not None:
            raw, text = (END_DUPLEX, "<DLE>^") if kind == "duplex" else (ABORT_RX, "<DLE>!")
            self._command(text, raw=raw)

    def _stream_ended(self) -> None:
        """``<DLE><ETX>``: expected after we asked to leave; otherwise the modem left by itself
        (its inactivity timer [I]), and a call in progress gets its stream back."""
        if self._stream is None:
            return
        kind, self._stream = self._stream, None
        log.warning("line %s: the modem ended the %s stream by itself", self.id, kind)
        if self.state in (S.CONNECTED, S.DIALLING):
            self._todo.append(lambda: self._reopen_stream(kind))

    def _reopen_stream(self, kind: str) -> None:
        if self._stream is None and self.state in (S.CONNECTED, S.DIALLING):
            self._open_stream("rx" if kind == "tx" else kind)

    def _half_duplex(self) -> None:
        """On a modem without AT+VTR: listen (VRX) until there is something to play, then
        play (VTX) until the player stops; during hold music, listen now and then so that a
        busy tone after the caller hung up is heard."""
        if self.state != S.CONNECTED:
            self._outbox.clear()            # nobody to play to
            return
        if self.full_duplex or self._stream is None:
            return
        now = time.monotonic()
        if self._stream == "rx":
            self._listen_or_play(now)
        elif self._stream == "tx":
            self._play_or_listen(now)

    def _listen_or_play(self, now: float) -> None:
        if now < self._listen_until:
            self._outbox.clear()
        elif len(self._outbox):
            self._interrupt = False
            self._close_stream()
            if self.state == S.CONNECTED:       # not if the caller left meanwhile
                self._open_stream("tx")

    def _play_or_listen(self, now: float) -> None:
        if self._interrupt:
            self._interrupt = False
            self._switch_to_rx(interrupt=True)
            return
        frames = self._outbox.take_all()
        if frames:
            pcm = np.frombuffer(b"".join(frames), dtype="<i2")
            self._wire.write(shield(self.compression.encode(pcm)))
            self._last_tx = now
        elif now - self._last_tx > TX_IDLE_S:
            self._switch_to_rx(interrupt=False)
            return
        if self._looping and now - self._tx_since > self.listen_every_s:
            self._switch_to_rx(interrupt=True)      # a gap in the music, to hear the line
            self._listen_until = time.monotonic() + self.listen_s

    def _switch_to_rx(self, interrupt: bool) -> None:
        if self._stream == "tx":
            self._close_stream(interrupt)
        if self.state == S.CONNECTED:
            self._open_stream("rx")

    # -- ending calls -------------------------------------------------------------------------

    def _far_end_gone(self, why: str) -> None:
        """Disconnect supervision saw the far end hang up: LineHungUp, then on hook."""
        if self.state != S.CONNECTED:
            return
        log.info("line %s: the far end hung up (%s)", self.id, why)
        self.state = S.ENDING
        if not self._hangup_asked.is_set():
            self._emit(LineHungUp(self.id))
        self._todo.append(self._on_hook)

    def _hangup(self) -> None:
        try:
            if self.state in (S.DOWN, S.STARTING, S.RESETTING, S.IDLE):
                return
            self.state = S.ENDING
            self._on_hook()
        finally:
            self._hangup_asked.clear()

    def _on_hook(self) -> None:
        """Leave the stream and hang up (``AT+VLS=0``); the OK confirms the line is on hook."""
        if self.state != S.ENDING:
            return
        try:
            self._close_stream(interrupt=True)  # nobody listens any more: drop what is queued
        except CommandRejected as exc:
            log.warning("line %s: leaving the stream: %s", self.id, exc)
        self._command("AT+VLS=0")
        self._outbox.clear()
        self._reset_call()
        self.state = S.IDLE
        log.info("line %s: on hook", self.id)

    def _reset_call(self) -> None:
        self.audio.call_over()                  # no operator without a call
        self._rings, self._cid, self._last_ring = 0, {}, 0.0
        self._cid_settle: float | None = None
        self._dialling: _Dialling | None = None
        self._listen_until = self._tx_since = self._last_tx = self._last_rx = 0.0
        self._rx_bytes, self._rx_samples = bytearray(), np.zeros(0, dtype=np.int16)
        self._ear = ProgressDetector()
        self._keys = KeyFolder()
        self._interrupt = False

    # -- the technician's line check ----------------------------------------------------------

    def _probe_line(self, done: Callable[[LineProbe], None], listen_s: float) -> None:
        probe = LineProbe()
        try:
            if self.state != S.IDLE:                # a call came first
                probe.refused = self.state.value
            else:
                self._probe = probe
                self._probe_steps(probe, listen_s)
        finally:
            self._probe = None
            done(probe)

    def _probe_steps(self, probe: LineProbe, listen_s: float) -> None:
        """Each step's failure goes in ``probe.errors``; a refusal still puts the line on hook,
        a silent or vanished modem takes the usual way out (resync or reopen) after it."""
        step = "off hook"
        try:
            self._command("AT+VLS=1")
            step = "listen"
            self._open_stream("rx")
            end = time.monotonic() + listen_s
            while time.monotonic() < end:
                self._pump()
            self._close_stream()
            step = "on hook"
            self._command("AT+VLS=0")
        except Exception as exc:
            probe.errors[step] = str(exc)
            if not isinstance(exc, CommandRejected):
                raise
            self._stream = None
            if step != "on hook":
                try:
                    self._command("AT+VLS=0")
                except CommandRejected as again:
                    probe.errors["on hook"] = str(again)

    # -- dialling -----------------------------------------------------------------------------

    def _dial(self, number: str) -> None:
        if self.state != S.IDLE:
            log.warning("line %s: cannot dial while %s", self.id, self.state.value)
            self._emit(DialFailed(self.id, "failed"))
            return
        now = time.monotonic()
        self.state = S.DIALLING
        self._dialling = _Dialling(number, now + self.answer_timeout_s, now)
        log.info("line %s: dialling %s", self.id, number)
        try:
            self._command(f"ATDT{number}", self.answer_timeout_s + self.timeout_s,
                          abort=self._hangup_asked.is_set)
        except CommandRejected as exc:
            kind = {"BUSY": "busy", "NO ANSWER": "no_answer"}.get(exc.final, "failed")
            self._dial_failed(kind, f"the modem said {exc.final}")
            return
        if self.state != S.DIALLING or self._hangup_asked.is_set():
            return
        self._dialling.in_stream, self._dialling.last_tone = True, time.monotonic()
        self._open_stream("duplex" if self.full_duplex else "rx")

    def _ringback(self, heard: bool = False) -> None:
        """One ringback: reported by the modem (``<DLE>r``, ``RINGING``) or heard in-band."""
        dialling = self._dialling
        if self.state != S.DIALLING or dialling is None or (heard and dialling.modem_counts):
            return
        dialling.modem_counts = dialling.modem_counts or not heard
        dialling.ringbacks += 1
        dialling.last_tone = time.monotonic()

    def _dial_event(self, code: str) -> None:
        if code in ("b", "K"):
            self._dial_failed("busy", "the modem reported busy tone")
        elif code == "r":
            self._ringback()
        elif code in ("d", "i", "l"):
            self._dial_failed("failed", f"the modem reported {GONE_SIGNALS[code]}")

    def _dial_frame(self, found: list[str], frame: bytes) -> None:
        """Follow a dial-back in the audio: busy, ringback, and the callee's first words."""
        dialling, now = self._dialling, time.monotonic()
        if self._ear.last_tone:
            dialling.last_tone = now
        for kind in found:
            if kind in ("busy", "reorder"):
                self._dial_failed("busy", f"{kind} tone heard")
                return
            if kind == "ringback":
                self._ringback(heard=True)
        voice = self._ear.last_loud and not self._ear.last_tone and self._vad.is_speech(frame)
        dialling.voice = dialling.voice + 1 if voice else max(0, dialling.voice - 1)
        if dialling.voice >= VOICE_FRAMES:
            self._answered("the callee's voice")

    def _answered(self, why: str) -> None:
        log.info("line %s: %s answered (%s)", self.id, self._dialling.number, why)
        self.state, self._dialling = S.CONNECTED, None
        self._emit(CallAnswered(self.id))
        self.audio.callee_answered()

    def _dial_failed(self, reason: str, why: str) -> None:
        if self.state != S.DIALLING:
            return
        log.info("line %s: dialling %s failed: %s (%s)", self.id,
                 self._dialling.number if self._dialling else "?", reason, why)
        self.state = S.ENDING
        if not self._hangup_asked.is_set():
            self._emit(DialFailed(self.id, reason))
        self._todo.append(self._on_hook)

    def _max_ringbacks(self) -> int:
        return max(1, math.ceil(self.answer_timeout_s / self.ringback_period_s))

    # -- deadlines (no timer threads: checked every turn of the port thread) ------------------

    def _deadlines(self, now: float) -> None:
        if self.state == S.ALERTING and self._cid_settle is not None and now >= self._cid_settle:
            self._announce()
        if self.state in (S.ALERTING, S.RINGING) and now - self._last_ring > self.ring_gone_s:
            self._caller_gave_up()
        elif self.state == S.DIALLING and self._dialling is not None and self._dialling.in_stream:
            self._dial_deadlines(now)
        elif self.state == S.IDLE and now >= self._next_poll:
            self._next_poll = now + self.poll_s
            self._command("AT")                 # a silent modem is found while idle too
        if self._stream in ("rx", "duplex") and now - self._last_rx > STREAM_QUIET_S:
            raise ModemError(f"the modem stopped sending its voice stream "
                             f"({STREAM_QUIET_S:g} s without data)")

    def _dial_deadlines(self, now: float) -> None:
        dialling = self._dialling
        if now > dialling.deadline or dialling.ringbacks >= self._max_ringbacks():
            self._dial_failed("no_answer", f"{dialling.ringbacks} ringback(s), no answer")
        elif now - dialling.last_tone > self.ringback_gone_s:
            self._answered("ringback stopped")  # a callee who answers without a word [I]

    def _caller_gave_up(self) -> None:
        announced = self.state == S.RINGING
        log.info("line %s: the caller hung up before the call was answered", self.id)
        self._reset_call()
        self.state = S.IDLE
        if announced:
            self._emit(LineHungUp(self.id))


# -- the factory ----------------------------------------------------------------------------------

def voicemodem_line(settings: dict, index: int, post, data_dir,
                    pyaudio_module=None) -> VoiceModemLine:
    """``settings['lines'][index]`` (keys id, driver ``v253``, port, baud) as a VoiceModemLine.

    A missing port is not an error here: the line starts out of service, posts LineFailed
    with the reason and keeps trying to open the port (docs/v253.md)."""
    cfg = settings["lines"][index]
    answer_timeout_s = settings.get("callbacks", {}).get("answer_timeout_s", 30.0)
    bridge = None
    if cfg.get("bridge_audio"):
        from appliance.audio.bridge import BLOCK, CardBridge
        from appliance.audio.soundcard import card_opener
        bridge = CardBridge(card_opener(cfg["bridge_audio"], f"lines[{index}].bridge_audio",
                                        pyaudio_module, block=BLOCK), cfg["id"],
                            name=cfg["bridge_audio"])
    return VoiceModemLine(cfg["id"], opener(cfg["port"], cfg.get("baud") or 115200),
                          data_dir=Path(data_dir) if data_dir else None, post=post,
                          port_path=cfg["port"], setting=f"lines[{index}].port",
                          answer_timeout_s=answer_timeout_s, bridge=bridge)
