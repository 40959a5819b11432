"""A phone line on a GSM/LTE module (SIM800, SIM7600, EC25) driven over its AT port.

``GsmLine`` opens the port with ``opener`` (a callable returning an opened pyserial ``Serial``),
checks that the module is the one the settings name, unlocks the SIM with ``pin``, sends the
dialect's init commands and posts ``LineReady``. The modem's URCs become events (``LineRinging``
with caller ID, ``DigitPressed``, ``LineHungUp``, ``CallAnswered``, ``DialFailed``); the engine's
commands become AT commands on the line's own worker thread, so ``execute`` never blocks the loop.
A vanished port posts ``LineFailed`` once, then the line reopens it with back-off and posts
``LineReady`` when the module answers again.

Audio: with ``audio`` (a ``LineAudio``), Play / StopPlayback / recordings go to it and module DTMF
reports go through ``audio.module_key``; with ``pcm`` too (a ``PcmLink`` on the module's audio
port, SIM7600 / EC25) the dialect's PCM switch is armed at init and flipped with each call.
Without audio the line is *control only* (SIM800's analog audio goes to the handsets'
hardware): ``TimedPrompts`` posts ``PromptDone`` after each prompt's length, so the menu flow
still works, and recordings are empty.

Example::

    line = GsmLine("line1", lambda: serial.Serial("/dev/ttyUSB2", 115200, timeout=0.1),
                   DIALECTS["sim7600"], pin="1234")
    loop.connect(lines=[line], handsets=bank, calllog=log)
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

from appliance import commands as c
from appliance.errors import (CmeError, CommandRejected, DriverError, ModemError,
                              ModemGone, SimPinRequired, SimPukRequired, WrongModem)
from appliance.events import (CallAnswered, DialFailed, DigitPressed, LineFailed, LineHungUp,
                              LineReady, LineRinging)
from appliance.lines import cme
from appliance.lines.at import AtChannel, Urc
from appliance.lines.base import Line
from appliance.lines.dialects import Dialect
from appliance.lines.timed_prompts import TimedPrompts, prompt_seconds

log = logging.getLogger("appliance.lines.gsm")

BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
RETRY_WAIT_S = (0.2, 0.5, 1.0, 2.0)       # +CME ERROR 14 / 515: SIM or module busy
RESET_SETTLE_S = 5.0                       # boot URCs come in bursts: one re-init per burst
IN_CALL = ("alerting", "ringing", "active")
DIAL_OUTCOME = {"busy": "busy", "no_answer": "no_answer", "failed": "failed", "hangup": "failed"}


class GsmLine(Line):
    """One AT-driven GSM line. ``state``: down, idle, alerting (RING, no caller ID yet),
    ringing (announced), active, dialling."""

    def __init__(self, line_id: str, opener: Callable[[], object], dialect: Dialect,
                 pin: str | None = None, audio=None, pcm=None, timeout_s: float = 5.0,
                 dial_timeout_s: float = 20.0, answer_timeout_s: float = 60.0,
                 prompt_length: Callable[[c.Play], float] = prompt_seconds,
                 backoff_s: tuple[float, ...] = BACKOFF_S):
        self.id, self.dialect, self.pin, self.audio = line_id, dialect, pin, audio
        self.pcm = pcm                          # PcmLink: the audio port, with ``audio``
        self._pcm_live = False
        self._opener, self._backoff = opener, backoff_s
        self.timeout_s, self.dial_timeout_s = timeout_s, dial_timeout_s
        self.answer_timeout_s = answer_timeout_s
        self.state = "down"
        self.channel: AtChannel | None = None
        self._post = None
        self._lock = threading.RLock()
        self._jobs: queue.Queue = queue.Queue()
        self._closing = threading.Event()
        self._failed_reported = False
        self._rings, self._last_reset = 0, 0.0
        self._dial_timer: threading.Timer | None = None
        self._timed = None if audio is not None else TimedPrompts(
            line_id, lambda event: self._post(event), prompt_length)
        self._worker = threading.Thread(target=self._work, name=f"gsm-{line_id}", daemon=True)

    # -- Line interface ---------------------------------------------------------------------

    def start(self, post) -> None:
        """Open the port and initialise the module on the line's worker thread."""
        self._post = post
        self._worker.start()
        self._jobs.put(self._connect)

    def execute(self, command: c.Command) -> None:
        """Queue the AT work for ``command``; audio commands go to the audio half."""
        if (self.audio or self._timed).execute(command):
            return
        handler = {c.AnswerLine: self._answer, c.Hangup: self._hangup,
                   c.Dial: self._dial}.get(type(command))
        if handler is not None:            # Bridge / Unbridge: analog audio is wired, not switched
            handler(command)

    def close(self) -> None:
        """Stop the worker and close the ports."""
        self._closing.set()
        self._jobs.put(None)
        if self.channel is not None:
            self.channel.close()
        if self.pcm is not None:
            self.pcm.close()
        if self._timed is not None:
            self._timed.close()

    # -- commands (loop thread) -------------------------------------------------------------

    def _answer(self, command: c.AnswerLine) -> None:
        self._require_up()
        self._jobs.put(self._do_answer)

    def _hangup(self, command: c.Hangup) -> None:
        with self._lock:
            if self.state == "down":
                return
            self._set_idle()
        self._jobs.put(lambda: self._send(self.dialect.hangup))

    def _dial(self, command: c.Dial) -> None:
        self._require_up()
        with self._lock:
            self.state = "dialling"
            self._dial_timer = threading.Timer(self.answer_timeout_s, self._no_answer)
            self._dial_timer.daemon = True
            self._dial_timer.start()
        self._jobs.put(lambda: self._do_dial(command.number))

    def _require_up(self) -> None:
        if self.state == "down":
            raise DriverError(f"line {self.id}: the {self.dialect.title} is not answering")

    # -- worker thread ----------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None or self._closing.is_set():
                return
            try:
                job()
            except ModemGone:
                pass                            # on_lost has reported it and queued a reconnect
            except (ModemError, OSError) as exc:     # OSError: the audio port is missing
                self._trouble(exc)
            except Exception:                           # noqa: BLE001 - the worker must live on
                log.exception("line %s: a modem job failed", self.id)

    def _do_answer(self) -> None:
        try:
            self._send(self.dialect.answer)
        except CommandRejected:                 # NO CARRIER: the caller gave up meanwhile
            self._ended()
            return
        with self._lock:
            if self.state in ("alerting", "ringing"):
                self._call_up()

    def _do_dial(self, number: str) -> None:
        try:
            self._send(self.dialect.dial.format(number=number), self.dial_timeout_s)
        except CommandRejected as exc:
            kind = {"BUSY": "busy", "NO ANSWER": "no_answer"}.get(exc.final, "failed")
            self._dial_failed(kind)

    def _send(self, text: str, timeout: float | None = None) -> list[str]:
        """One command, retried while the module says SIM busy / please wait."""
        for wait in RETRY_WAIT_S:
            try:
                return self.channel.command(text, timeout or self.timeout_s)
            except CmeError as exc:
                if exc.code not in cme.RETRY:
                    raise
                log.info("line %s: %s; retrying in %.1f s", self.id, exc, wait)
                time.sleep(wait)
        return self.channel.command(text, timeout or self.timeout_s)

    def _trouble(self, exc: Exception) -> None:
        """A command failed: report it, resynchronise, and go back in service if we can."""
        log.error("line %s: %s", self.id, exc)
        self._report_failed(_reason(exc))
        try:
            self.channel.command("AT", self.timeout_s)
        except ModemError as again:
            log.error("line %s: the module does not answer AT either (%s); reopening",
                      self.id, again)
            self.channel.close()
            self._connect()
            return
        self._back_in_service()

    # -- connecting -------------------------------------------------------------------------

    def _connect(self) -> None:
        """Open and initialise until it works (or the line is closed), backing off."""
        for attempt in range(10**9):
            if self._closing.is_set() or self._connected():
                return
            try:
                self._open_and_init()
                return
            except (OSError, ModemError) as exc:
                log.error("line %s: %s", self.id, exc)
                self._report_failed(_reason(exc))
            self._closing.wait(self._backoff[min(attempt, len(self._backoff) - 1)])

    def _connected(self) -> bool:
        return self.state != "down" and self.channel is not None and not self.channel.lost

    def _open_and_init(self) -> None:
        port = self._opener()
        self.channel = AtChannel(port, self.dialect.urcs, self._on_urc, self._on_lost, self.id)
        self.channel.start()
        try:
            self._init()
        except ModemError:
            self.channel.close()
            raise
        self._back_in_service()

    def _init(self) -> None:
        self._send("AT")
        self._identify()
        self._unlock_sim()
        for text in self.dialect.init:
            self._send(text)
        if self.pcm is not None:
            self._open_pcm()
            for text in self.dialect.pcm_init:
                self._send(text)

    def _open_pcm(self) -> None:
        if self.pcm.port is None:
            self.pcm.start(self.audio.hear)

    def _call_up(self) -> None:
        """A call is connected: switch the module's PCM stream on (after the 100 ms it needs)."""
        self.state = "active"
        if self.pcm is not None and self.dialect.pcm_start:
            self._pcm_live = True
            self._jobs.put(lambda: self._closing.wait(0.1) or
                           [self._send(text) for text in self.dialect.pcm_start])

    def _call_down(self) -> None:
        if self._pcm_live:
            self._pcm_live = False
            self._jobs.put(lambda: [self._send(text) for text in self.dialect.pcm_stop])

    def _identify(self) -> None:
        reply = " ".join(self._send(self.dialect.identify))
        if not any(model.upper() in reply.upper() for model in self.dialect.models):
            raise WrongModem(f"line {self.id}: expected a {self.dialect.title} "
                             f"({' / '.join(self.dialect.models)}) but the module on the port "
                             f"says '{reply or 'nothing'}': check lines[].driver and lines[].port")

    def _unlock_sim(self) -> None:
        status = " ".join(self._send("AT+CPIN?", max(self.timeout_s, 15.0)))
        if "PUK" in status:
            raise SimPukRequired("AT+CPIN?", 12, cme.meaning(12))
        if "SIM PIN" not in status:
            return
        if not self.pin:
            raise SimPinRequired("AT+CPIN?", 11, cme.meaning(11))
        self._send(f"AT+CPIN={self.pin}")

    def _back_in_service(self) -> None:
        with self._lock:
            self._set_idle()
            self._failed_reported = False
        self._post(LineReady(self.id))

    def _report_failed(self, reason: str) -> None:
        with self._lock:
            self._pcm_live = False              # nothing to switch off on a module that is gone
            self._set_idle()
            self.state = "down"
            if self._failed_reported:
                return
            self._failed_reported = True
        self._post(LineFailed(self.id, reason))

    def _on_lost(self, reason: str) -> None:
        """The reader thread saw the port vanish."""
        self._report_failed(f"the {self.dialect.title} vanished ({reason}): check its USB cable")
        self._jobs.put(self._connect)

    # -- URCs (reader thread) ---------------------------------------------------------------

    def _on_urc(self, urc: Urc) -> None:
        handler = getattr(self, f"_urc_{urc.kind}", None)
        if handler is None:
            log.debug("line %s: %s", self.id, urc.line)
            return
        with self._lock:
            handler(urc)

    def _urc_ring(self, urc: Urc) -> None:
        if self.state == "idle":
            self.state, self._rings = "alerting", 0
        if self.state == "alerting":
            self._rings += 1
            if self._rings > 1:                 # a second RING and still no +CLIP: withheld
                self._announce(None)

    def _urc_caller(self, urc: Urc) -> None:
        if self.state == "alerting":
            self._announce(urc.value)

    def _announce(self, caller: str | None) -> None:
        self.state = "ringing"
        self._post(LineRinging(self.id, caller))

    def _urc_key(self, urc: Urc) -> None:
        if self.state != "active":
            return
        if self.audio is not None:
            self.audio.module_key(urc.value)
        else:
            self._post(DigitPressed(self.id, urc.value))

    def _urc_hangup(self, urc: Urc) -> None:
        if self.state == "dialling":
            self._dial_failed("failed")
        elif self.state in IN_CALL:
            self._ended()

    def _urc_answered(self, urc: Urc) -> None:
        if self.state != "dialling":
            return
        self._cancel_dial_timer()
        self._call_up()
        if self.audio is not None:
            self.audio.callee_answered()
        self._post(CallAnswered(self.id))

    def _urc_busy(self, urc: Urc) -> None:
        if self.state == "dialling":
            self._dial_failed(DIAL_OUTCOME[urc.kind])

    _urc_no_answer = _urc_failed = _urc_busy

    def _urc_reset(self, urc: Urc) -> None:
        if self.state == "down" or time.monotonic() - self._last_reset < RESET_SETTLE_S:
            return
        self._last_reset = time.monotonic()
        log.warning("line %s: the module restarted (%s); initialising it again", self.id, urc.line)
        if self.state in IN_CALL + ("dialling",):
            self._report_failed("the module restarted during the call")
        self._jobs.put(self._reinit)

    def _urc_sim_gone(self, urc: Urc) -> None:
        self._report_failed(f"the SIM card is not ready ({urc.line}): check that it is seated")
        self._jobs.put(self._reinit)

    def _reinit(self) -> None:
        self._closing.wait(0.5)                 # let the rest of the boot burst arrive
        try:
            self._init()
        except ModemError as exc:
            log.error("line %s: %s", self.id, exc)
            self._report_failed(_reason(exc))
            self.channel.close()
            self._connect()
            return
        self._back_in_service()

    # -- call state helpers (caller holds the lock) -----------------------------------------

    def _ended(self) -> None:
        with self._lock:
            self._set_idle()
        self._post(LineHungUp(self.id))

    def _dial_failed(self, reason: str) -> None:
        with self._lock:
            if self.state != "dialling":
                return
            self._set_idle()
        self._post(DialFailed(self.id, reason))

    def _no_answer(self) -> None:
        with self._lock:
            if self.state != "dialling":
                return
        self._dial_failed("no_answer")
        self._jobs.put(lambda: self._send(self.dialect.hangup))

    def _set_idle(self) -> None:
        if self.state == "active":
            self._call_down()
        self._cancel_dial_timer()
        if self._timed is not None:
            self._timed.stop()
        self.state, self._rings = "idle", 0

    def _cancel_dial_timer(self) -> None:
        if self._dial_timer is not None:
            self._dial_timer.cancel()
            self._dial_timer = None


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ModemError) else f"cannot open the port: {exc}"
