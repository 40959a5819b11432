"""A phone line on a GSM/LTE module (SIM800, SIM7600, EC25) driven over its AT port.

``GsmLine`` is a state machine (``appliance.line_states.LineState``) run by one worker thread
that owns the module: the AT reader only reads and hands each unsolicited line to the worker's
inbox, the loop's commands go to the same inbox, and every deadline (dial timeout, call-list
polling, the PCM switch, health polls, reconnect back-off) is a monotonic time the worker waits
for. So a module restart, a ring and a hang-up are handled one after the other, in the order the
module sent them, and no timer thread exists per call.

What it does with the module:
- **Start**: open the port, check the module is the one the settings name, unlock the SIM,
  run the dialect's init steps (required ones must work; an optional one the firmware refuses
  switches the line to its fallback; ``appliance.lines.plan``), log the plan once, hang up any
  call the module still carries (a crash left it), then ``LineReady``.
- **Lines fail alone**: a port that is missing or vanishes, a module that stops answering,
  marks this line down (``LineFailed`` once, with the reason) and retries with back-off 1, 2,
  4 ... 60 s until the device is back; nothing else notices.
- **Calls end cleanly**: a hang-up is confirmed (``AT+CLCC`` shows no call; else again, then the
  module is restarted); any failure during a call (timeout, refused command, restart, lost
  registration, a dead audio port) ends that call with ``LineFailed`` (the engine writes the
  record, outcome ``failed``) and the line comes back by itself.
- **Audio** (``audio``, a ``LineAudio``, with ``pcm``, a ``PcmLink`` on the module's audio port):
  SIM7600's ``AT+CPCMREG=1`` goes 100 ms after the call connects, is retried with back-off for up
  to 2 s and read back; a refusal or an uplink the module stops taking ends the call and
  restarts the module at the next idle moment (the known half-dead audio port). Without audio
  the line is control only and ``TimedPrompts`` paces the prompts.
- **Health**: registration, network, signal and SIM, polled while idle, posted as
  ``LineHealthReported``.
- **SMS**: ``SendSms`` waits until the line is idle, then goes out in text mode.

Example::

    line = GsmLine("line1", opener("/dev/ivr-line1", 115200),      # appliance.serial_port
                   DIALECTS["sim7600"], pin="1234", port_path="/dev/ivr-line1")
    loop.connect(lines=[line], handsets=bank, calllog=log)
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

from appliance import commands as c
from appliance.errors import (AtTimeout, CmeError, CommandRejected, DriverError, ModemError,
                              ModemGone, SimPinRequired, SimPukRequired, WrongModem)
from appliance.events import (CallAnswered, DialFailed, DigitPressed, LineFailed,
                              LineHealthReported, LineHungUp, LineReady, LineRinging, SmsSent)
from appliance.line_states import LineState as S
from appliance.lines import calllist, cme, health, plan as plans, sms
from appliance.lines.at import AtChannel, Urc
from appliance.lines.base import Line
from appliance.lines.callerid import clean_number, diallable
from appliance.lines.dialects import Dialect
from appliance.serial_port import missing
from appliance.lines.timed_prompts import TimedPrompts, prompt_seconds

log = logging.getLogger("appliance.lines.gsm")

BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0)
RETRY_WAIT_S = (0.2, 0.5, 1.0, 2.0)       # +CME ERROR 14 / 515: SIM or module busy
RESET_SETTLE_S = 0.5                       # boot URCs come in bursts: init once the burst is over
POLL_CALLS_S = 0.5                         # AT+CLCC while a call is up, where nothing reports it
PCM_DELAY_S = 0.1                          # SIM7600 refuses CPCMREG=1 sooner after the call starts
PCM_GIVE_UP_S = 2.0
HANGUP_TRIES = 3
HEALTH_EVERY_S = 30.0
OUTCOME_GRACE_S = 0.5                      # a call report of the end, then BUSY / NO ANSWER
CALL_UP = (S.ALERTING, S.RINGING, S.CONNECTED, S.DIALLING, S.ENDING)
FAILURES = (ModemError, OSError, DriverError)


class GsmLine(Line):
    """One AT-driven GSM line; ``state`` is a LineState, ``plan`` the init's outcome."""

    def __init__(self, line_id: str, opener: Callable[[], object], dialect: Dialect,
                 pin: str | None = None, audio=None, pcm=None, *, port_path: str | None = None,
                 audio_path: str | None = None, voice: str | None = None,
                 setting: str = "lines[?]", timeout_s: float = 2.0,
                 dial_timeout_s: float = 20.0, answer_timeout_s: float = 60.0,
                 prompt_length: Callable[[c.Play], float] = prompt_seconds,
                 backoff_s: tuple[float, ...] = BACKOFF_S, health_every_s: float = HEALTH_EVERY_S,
                 clock: Callable[[], float] = time.monotonic):
        self.id, self.dialect, self.pin, self.audio, self.pcm = line_id, dialect, pin, audio, pcm
        self.port_path, self.audio_path, self.setting = port_path, audio_path, setting
        self.voice = voice                      # where the desk phones' voice goes, if anywhere
        self._opener, self._backoff, self._clock = opener, backoff_s, clock
        self.timeout_s, self.dial_timeout_s = timeout_s, dial_timeout_s
        self.answer_timeout_s, self.health_every_s = answer_timeout_s, health_every_s
        self.state = S.DOWN
        self.plan: dict[str, str] = {}
        self.health: dict = {}
        self.channel: AtChannel | None = None
        self._post: Callable = lambda event: None
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._closing = threading.Event()
        self._down_reason: str | None = None
        self._attempt, self._retry_at = 0, 0.0
        self._rings = 0
        self._reinit_at: float | None = None
        self._dial_deadline: float | None = None
        self._dial_outcome = "no_answer"          # what the deadline means when it passes
        self._poll_at: float | None = None
        self._pcm_at: float | None = None
        self._pcm_give_up: float | None = None
        self._pcm_tries = 0
        self._pcm_live = False
        self._reset_when_idle: str | None = None
        self._health_at = 0.0
        self._sms: list[c.SendSms] = []
        self._timed = None if audio is not None else TimedPrompts(
            line_id, lambda event: self._post(event), prompt_length, clock,
            wake=lambda: self._inbox.put(None))
        self._worker = threading.Thread(target=self._run, name=f"gsm-{line_id}", daemon=True)

    # -- Line interface (loop thread) -------------------------------------------------------

    def start(self, post) -> None:
        """Start the worker: it opens the port and initialises the module."""
        self._post = post
        self._worker.start()

    def execute(self, command: c.Command) -> None:
        """Hand a command to the worker; audio commands go straight to the audio half."""
        if (self.audio or self._timed).execute(command):
            return
        if isinstance(command, (c.AnswerLine, c.Dial)) and self.state is S.DOWN:
            raise DriverError(f"line {self.id}: {self._down_reason or 'out of service'}")
        if isinstance(command, (c.AnswerLine, c.Hangup, c.Dial, c.SendSms)):
            self._inbox.put(command)
        # Bridge / Unbridge without audio: the handset bank switches the crosspoint, that is all

    def voice_problem(self, problem: str | None) -> None:
        """The bridge or sound card reports trouble (or that it is fine again): shown with the
        line's health, so the owner sees why the desk phones hear nothing (any thread)."""
        self.health = {**self.health, "voice": problem}
        self._post(LineHealthReported(self.id, dict(self.health)))

    def close(self) -> None:
        """Stop the worker and close the ports."""
        self._closing.set()
        self._inbox.put(None)
        if threading.current_thread() is not self._worker and self._worker.is_alive():
            self._worker.join(timeout=3.0)
        self._close_ports()

    # -- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        """The worker thread. An unexpected error is logged with its traceback, the line goes
        down with the reason and restarts itself: it never stops quietly."""
        while not self._closing.is_set():
            try:
                self._turn()
            except Exception as exc:            # noqa: BLE001 - reported, then restarted
                log.exception("line %s: driver error", self.id)
                self._close_ports()
                self._go_down(f"internal driver error ({exc!r}); restarting the line")

    def _turn(self) -> None:
        now = self._clock()
        if self.state is S.DOWN and now >= self._retry_at:
            self._connect()
            return
        item = self._next_item(self._next_deadline() - now)
        if item is not None:
            self._guarded(self._handle, item)
        self._guarded(self._due)

    def _next_item(self, wait: float):
        try:
            return self._inbox.get(timeout=max(0.0, min(wait, 1.0)))
        except queue.Empty:
            return None

    def _next_deadline(self) -> float:
        if self.state is S.DOWN:
            return self._retry_at
        prompt = self._timed.deadline if self._timed is not None else None
        times = [t for t in (self._reinit_at, self._dial_deadline, self._poll_at, self._pcm_at,
                             prompt) if t is not None]
        if self.state is S.IDLE:
            times.append(self._health_at)
            if self._sms or self._reset_when_idle:
                times.append(self._clock())
        return min(times, default=self._clock() + 1.0)

    def _guarded(self, fn, *args) -> None:
        """Run one piece of work; a modem failure is dealt with here, by what it means."""
        try:
            fn(*args)
        except ModemGone as exc:
            self._lost(str(exc))
        except AtTimeout as exc:
            self._stalled(exc)
        except FAILURES as exc:
            self._failed_in(exc)

    def _handle(self, item) -> None:
        if item is None:
            return
        if isinstance(item, Urc):
            handler = getattr(self, f"_urc_{item.kind}", None)
            if handler is not None:
                handler(item)
            return
        if isinstance(item, tuple):               # ("lost", reason) / ("audio", reason)
            (self._lost if item[0] == "lost" else self._audio_failed)(item[1])
            return
        {c.AnswerLine: self._answer, c.Hangup: self._hangup, c.Dial: self._dial,
         c.SendSms: self._queue_sms}[type(item)](item)

    def _due(self) -> None:
        now = self._clock()
        if self._timed is not None:
            self._timed.due(now)
        if self._reinit_at is not None and now >= self._reinit_at:
            self._reinit_at = None
            self._initialise()
        if self._dial_deadline is not None and now >= self._dial_deadline:
            self._dial_deadline = None
            self._dial_failed(self._dial_outcome)
            self._hang_up_confirmed()
        if self._pcm_at is not None and now >= self._pcm_at:
            self._switch_pcm_on()
        if self._poll_at is not None and now >= self._poll_at:
            self._poll_calls()
        if self.state is S.IDLE:
            self._idle_chores(now)

    def _idle_chores(self, now: float) -> None:
        if self._reset_when_idle:
            reason, self._reset_when_idle = self._reset_when_idle, None
            self._reset_module(reason)
        elif self._sms:
            self._send_sms(self._sms.pop(0))
        elif now >= self._health_at:
            self._health_at = now + self.health_every_s
            self._poll_health()

    # -- connecting ---------------------------------------------------------------------------

    def _connect(self) -> None:
        """Open the port and initialise the module; on failure, down with back-off."""
        self.state = S.STARTING
        try:
            self._open()
            self._initialise()
        except FAILURES as exc:
            self._close_ports()
            self._go_down(_reason(exc))
            return
        self._attempt = 0
        self._reset_when_idle = None            # a module that came back has restarted anyway

    def _open(self) -> None:
        self._close_ports()
        for path, key in ((self.port_path, "port"), (self.audio_path, "audio_port")):
            gone = missing(path, f"{self.setting}.{key}") if path else None
            if gone:
                raise DriverError(gone)
        port = self._opener()
        self.channel = AtChannel(port, self.dialect.urcs, self._inbox.put,
                                 lambda reason: self._inbox.put(("lost", reason)), self.id)
        self.channel.start()
        if self.pcm is not None:
            self.pcm.open(self.audio, lambda reason: self._inbox.put(("audio", reason)))

    def _initialise(self) -> None:
        """Identify, unlock, run the steps, hang up leftovers: then in service."""
        self.state = S.STARTING
        self._send("AT")
        self._send("ATE0")
        model = self._identify()
        self._unlock_sim()
        steps = self.dialect.steps + (self.dialect.pcm_steps if self.pcm is not None else ())
        found = plans.run_steps(self._send, steps, self.id)
        plan = plans.settle(self.dialect, found, has_audio=self.pcm is not None)
        if plan != self.plan:
            log.info("%s", plans.describe(self.id, self.dialect, plan, self.audio_path, self.voice))
        self.plan = plan
        self._hang_up_leftovers()
        self._in_service(model)

    def _identify(self) -> str:
        reply = " ".join(self._send(self.dialect.identify))
        if not any(model.upper() in reply.upper() for model in self.dialect.models):
            raise WrongModem(f"line {self.id}: expected a {self.dialect.title} "
                             f"({' / '.join(self.dialect.models)}) but the module on the port "
                             f"says '{reply or 'nothing'}': check lines[].driver and lines[].port")
        return reply

    def _unlock_sim(self) -> None:
        status = " ".join(self._send("AT+CPIN?", max(self.timeout_s, 15.0)))
        if "PUK" in status:
            raise SimPukRequired("AT+CPIN?", 12, cme.meaning(12))
        if "SIM PIN" not in status:
            return
        if not self.pin:
            raise SimPinRequired("AT+CPIN?", 11, cme.meaning(11))
        self._send(f"AT+CPIN={self.pin}")

    def _hang_up_leftovers(self) -> None:
        """A call the module still carries from before (the daemon crashed mid-call): one that
        is up or that we dialled. A call ringing in now is a caller, not a leftover: its next
        RING is answered once the line is in service."""
        try:
            calls = [call for call in self._calls() if call.outgoing or call.stat in
                     (calllist.ACTIVE, calllist.HELD)]
        except (CmeError, CommandRejected):
            return                              # no call list on this firmware
        if calls:
            log.warning("line %s: the module still carries %d call(s) from before; hanging up",
                        self.id, len(calls))
            self._hang_up_confirmed()

    def _in_service(self, model: str) -> None:
        self._clear_call()
        self.state = S.IDLE
        self._down_reason = None
        self._health_at = self._clock()
        self.health = {**self.health, "model": model, "plan": plans.describe(
            self.id, self.dialect, self.plan, self.audio_path, self.voice), "last_error": None}
        self._post(LineReady(self.id))
        self._post(LineHealthReported(self.id, dict(self.health)))

    def _go_down(self, reason: str) -> None:
        """Out of service with ``reason`` (posted once per outage; later reasons go to the log
        and the line's health); retry after the back-off."""
        self._clear_call()
        self.state = S.DOWN
        delay = self._backoff[min(self._attempt, len(self._backoff) - 1)]
        self._attempt += 1
        self._retry_at = self._clock() + delay
        log.error("line %s: %s (trying again in %g s)", self.id, reason, delay)
        self.health = {**self.health, "last_error": reason}
        if self._down_reason is None:
            self._down_reason = reason
            self._post(LineFailed(self.id, reason))

    def _close_ports(self) -> None:
        channel, self.channel = self.channel, None
        if channel is not None:
            channel.close()
        if self.pcm is not None:
            self.pcm.close()

    # -- what goes wrong ------------------------------------------------------------------------

    def _lost(self, reason: str) -> None:
        """The AT port vanished (cable, power): down until it is back."""
        if self.state is S.DOWN:
            return
        self._close_ports()
        self._go_down(f"the {self.dialect.title} vanished ({reason}): check its USB cable and power")

    def _stalled(self, exc: AtTimeout) -> None:
        """A command got no answer: end any call, resynchronise, or reopen the port."""
        log.error("line %s: %s", self.id, exc)
        self._end_call_failed(f"the module stopped answering ({exc})", hang_up=False, back=False)
        for _ in range(3):
            try:
                self.channel.command("AT", 1.0)
                self.channel.command("ATE0", 1.0)
            except ModemGone as gone:
                self._lost(str(gone))
                return
            except ModemError:
                continue
            self._guarded(self._hang_up_leftovers)
            if self.state is not S.DOWN:
                self._in_service(self.health.get("model", ""))
            return
        log.error("line %s: the module does not answer AT; reopening the port", self.id)
        self._connect()

    def _failed_in(self, exc: Exception) -> None:
        """A command was refused: a live call ends with the reason; init failures go down."""
        reason = _reason(exc)
        if self.state in (S.STARTING, S.DOWN, S.RESETTING):
            self._close_ports()
            self._go_down(reason)
            return
        log.error("line %s: %s", self.id, reason)
        self.health = {**self.health, "last_error": reason}
        self._end_call_failed(reason)

    def _end_call_failed(self, reason: str, hang_up: bool = True, back: bool = True) -> None:
        """The call on this line cannot go on: the engine ends it with a failed record (a
        dial-back: a failed attempt). With ``back`` the line is in service again after."""
        if self.state not in CALL_UP:
            return
        dialling = self.state is S.DIALLING
        self._clear_call()
        self.state = S.ENDING
        self._post(DialFailed(self.id, "failed") if dialling else LineFailed(self.id, reason))
        if hang_up:
            self._hang_up_confirmed()
        if back and self.state is S.ENDING:
            self._in_service(self.health.get("model", ""))

    def _audio_failed(self, reason: str) -> None:
        """The PCM port failed: the call cannot be heard; restart the module when idle. If the
        whole module is gone (unplugged, rebooting), the AT port says so first: no restart."""
        self._send("AT")                        # raises if the module itself vanished
        self._reset_when_idle = f"its audio port failed ({reason})"
        self._end_call_failed(f"the module's audio port failed: {reason}")

    def _reset_module(self, reason: str) -> None:
        """Restart the module (the last resort); it comes back through the connect path."""
        log.warning("line %s: restarting the module: %s", self.id, reason)
        try:
            self.channel.command(self.dialect.reset, self.timeout_s)
        except ModemError as exc:
            log.warning("line %s: %s: %s", self.id, self.dialect.reset, exc)
        self._close_ports()
        self._attempt = 0
        self._go_down(f"restarting the module: {reason}")

    # -- commands from the engine -------------------------------------------------------------

    def _answer(self, command: c.AnswerLine) -> None:
        if self.state not in (S.ALERTING, S.RINGING):
            return
        try:
            self._send(self.dialect.answer)
        except CommandRejected:                 # NO CARRIER: the caller gave up meanwhile
            self._far_end_gone()
            return
        self._connected()

    def _hangup(self, command: c.Hangup) -> None:
        if self.state not in CALL_UP:
            return
        self._clear_call()
        self.state = S.ENDING
        self._hang_up_confirmed()
        if self.state is S.ENDING:
            self.state = S.IDLE

    def _dial(self, command: c.Dial) -> None:
        if self.state is not S.IDLE or not diallable(command.number):
            log.warning("line %s: not dialling %r (%s)", self.id, command.number,
                        "not a phone number" if self.state is S.IDLE else self.state.label)
            self._post(DialFailed(self.id, "failed"))
            return
        self.state = S.DIALLING
        self._dial_deadline = self._clock() + self.answer_timeout_s
        self._dial_outcome = "no_answer"
        if plans.polls_calls(self.plan):
            self._poll_at = self._clock() + POLL_CALLS_S
        try:
            self._send(self.dialect.dial.format(number=command.number), self.dial_timeout_s)
        except CommandRejected as exc:
            self._dial_failed({"BUSY": "busy", "NO ANSWER": "no_answer"}.get(exc.final, "failed"))

    def _queue_sms(self, command: c.SendSms) -> None:
        self._sms.append(command)

    # -- URCs ---------------------------------------------------------------------------------

    def _urc_ring(self, urc: Urc) -> None:
        if self.state is S.IDLE:
            self.state, self._rings = S.ALERTING, 0
            if plans.polls_calls(self.plan):
                self._poll_at = self._clock() + POLL_CALLS_S
        if self.state is S.ALERTING:
            self._rings += 1
            if self._rings > 1:                 # a second RING and still no +CLIP: withheld
                self._announce(None)

    def _urc_caller(self, urc: Urc) -> None:
        if self.state is S.ALERTING:
            self._announce(clean_number(urc.value, self.id))

    def _announce(self, caller: str | None) -> None:
        self.state = S.RINGING
        self._post(LineRinging(self.id, caller))

    def _urc_key(self, urc: Urc) -> None:
        if self.state is not S.CONNECTED:
            return
        if self.audio is not None:
            self.audio.module_key(urc.value)
        else:
            self._post(DigitPressed(self.id, urc.value))

    def _urc_hangup(self, urc: Urc) -> None:
        if self.state is S.DIALLING:
            self._dial_failed("failed")
        elif self.state in (S.ALERTING, S.RINGING, S.CONNECTED):
            self._far_end_gone()

    def _urc_answered(self, urc: Urc) -> None:
        if self.state is S.DIALLING:
            self._callee_answered()
        elif self.state is S.CONNECTED and self._pcm_at is None and not self._pcm_live:
            self._schedule_pcm()                # VOICE CALL: BEGIN after our ATA

    def _urc_busy(self, urc: Urc) -> None:
        if self.state is S.DIALLING:
            self._dial_failed({"busy": "busy", "no_answer": "no_answer"}.get(urc.kind, "failed"))

    _urc_no_answer = _urc_failed = _urc_busy

    def _urc_call_list(self, urc: Urc) -> None:
        call: calllist.CallInfo = urc.value
        if not call.voice:
            return
        if self.state is S.DIALLING and call.answered:
            self._callee_answered()
        elif call.ended and self.state is S.DIALLING:
            # BUSY / NO ANSWER usually follow the report: wait a moment for the real outcome
            self._dial_deadline, self._dial_outcome = self._clock() + OUTCOME_GRACE_S, "failed"
        elif call.ended:
            self._urc_hangup(urc)

    def _urc_registration(self, urc: Urc) -> None:
        self._registration(urc.value)

    def _urc_reset(self, urc: Urc) -> None:
        """The module restarted: a live call is gone; initialise once the boot burst is over."""
        if self.state is S.DOWN:
            return
        if self._reinit_at is None:
            log.warning("line %s: the module restarted (%s); initialising it again", self.id,
                        urc.line)
        self._end_call_failed("the module restarted during the call", hang_up=False, back=False)
        self._pcm_live = False
        self.state = S.STARTING
        self._reinit_at = self._clock() + RESET_SETTLE_S

    def _urc_sim_gone(self, urc: Urc) -> None:
        self._close_ports()
        self._go_down(f"the SIM card is not ready ({urc.line}): check that it is seated")

    # -- calls ---------------------------------------------------------------------------------

    def _connected(self) -> None:
        self.state = S.CONNECTED
        if self.dialect.pcm_start and self.pcm is not None and self.dialect.call_state != "urc":
            self._schedule_pcm()                # no BEGIN report on this family: go from ATA

    def _callee_answered(self) -> None:
        self._dial_deadline = None
        self.state = S.CONNECTED
        if self.dialect.pcm_start and self.pcm is not None:
            self._schedule_pcm()
        if self.audio is not None:
            self.audio.callee_answered()
        self._post(CallAnswered(self.id))

    def _far_end_gone(self) -> None:
        self._clear_call()
        self.state = S.IDLE
        self._post(LineHungUp(self.id))

    def _dial_failed(self, reason: str) -> None:
        if self.state is not S.DIALLING:
            return
        self._clear_call()
        self.state = S.IDLE
        self._post(DialFailed(self.id, reason))

    def _clear_call(self) -> None:
        """Forget the call's deadlines; switch the module's PCM stream off if it was on."""
        self._dial_deadline = self._poll_at = self._pcm_at = self._pcm_give_up = None
        self._rings = 0
        (self.audio or self._timed).execute(c.StopPlayback(self.id))   # no prompt without a call
        if self.audio is not None:
            self.audio.call_over()                                      # nor an operator
        if self._pcm_live:
            self._pcm_live = False
            self._quietly(self.dialect.pcm_stop)

    def _hang_up_confirmed(self) -> None:
        """Hang up until the module lists no call; after three tries, restart the module."""
        for attempt in range(HANGUP_TRIES):
            accepted = self._quietly(self.dialect.hangup)
            try:
                calls = self._calls()
            except (CmeError, CommandRejected):
                calls = None                    # no call list: the hang-up's own answer counts
            if calls == [] or (calls is None and accepted):
                return
            self._closing.wait(0.2 * (attempt + 1))
        self._reset_module(f"the call would not hang up after {HANGUP_TRIES} tries")

    def _calls(self) -> list[calllist.CallInfo]:
        return calllist.voice_calls(self._send("AT+CLCC"))

    def _poll_calls(self) -> None:
        """Where nothing reports call changes: the module's call list every 500 ms."""
        self._poll_at = None
        if self.state not in (S.ALERTING, S.RINGING, S.CONNECTED, S.DIALLING):
            return
        calls = self._calls()
        self._poll_at = self._clock() + POLL_CALLS_S
        if self.state is S.DIALLING and any(call.answered for call in calls):
            self._callee_answered()
        elif not calls:
            if self.state is S.DIALLING:
                self._dial_failed("failed")
            else:
                self._far_end_gone()

    def _quietly(self, text: str | None) -> bool:
        """Send a command whose refusal is not an error here; True if the module took it."""
        if text is None:
            return True
        try:
            self._send(text)
        except (CmeError, CommandRejected) as exc:
            log.info("line %s: %s", self.id, exc)
            return False
        return True

    # -- the PCM switch (SIM7600) -------------------------------------------------------------

    def _schedule_pcm(self) -> None:
        now = self._clock()
        self._pcm_at, self._pcm_give_up, self._pcm_tries = now + PCM_DELAY_S, now + PCM_GIVE_UP_S, 0

    def _switch_pcm_on(self) -> None:
        """``AT+CPCMREG=1``, retried with back-off and read back; refused for 2 s: the module's
        audio port is half-dead, the call ends and the module restarts when idle."""
        self._pcm_at = None
        if self.state is not S.CONNECTED:
            return
        try:
            self._send(self.dialect.pcm_start)
            reply = " ".join(self._send(self.dialect.pcm_check)) if self.dialect.pcm_check else ": 1"
            if not reply.replace(" ", "").endswith(":1"):
                raise CommandRejected(self.dialect.pcm_check, f"read back '{reply}'")
        except (CmeError, CommandRejected) as exc:
            wait = min(0.8, 0.1 * 2 ** self._pcm_tries)
            self._pcm_tries += 1
            if self._clock() + wait < self._pcm_give_up:
                log.info("line %s: %s; trying again in %.1f s", self.id, exc, wait)
                self._pcm_at = self._clock() + wait
                return
            self._audio_failed(f"{self.dialect.pcm_start} refused for {PCM_GIVE_UP_S:g} s ({exc})")
            return
        self._pcm_live = True

    # -- health --------------------------------------------------------------------------------

    def _poll_health(self) -> None:
        """Registration, network, signal and SIM; posted when something changed."""
        facts = dict(self.health)
        facts["sim"] = self._ask("AT+CPIN?", health.sim, facts.get("sim"))
        regs = [self._ask("AT+CREG?", lambda line: health.registration(line, reply=True), None)]
        if self.dialect.lte:
            regs.append(self._ask("AT+CEREG?", lambda line: health.registration(line, reply=True),
                                  None))
        facts["registration"] = next((r for r in regs if r in health.REGISTERED),
                                     next((r for r in regs if r), "unknown"))
        facts["network"] = self._ask("AT+COPS?", health.network, None)
        facts["signal_dbm"], facts["bars"] = self._ask("AT+CSQ", health.signal, (None, 0))
        self._publish(facts)

    def _ask(self, command: str, parse, default):
        try:
            lines = self._send(command)
            return parse(lines[0]) if lines else default
        except (CmeError, CommandRejected, ValueError, IndexError):
            return default

    def _registration(self, word: str) -> None:
        if self.health.get("registration") == word:
            return
        self._publish({**self.health, "registration": word})
        if word not in health.REGISTERED and self.state in CALL_UP:
            self._end_call_failed(f"the network registration was lost ({word})")

    def _publish(self, facts: dict) -> None:
        if facts != self.health:
            self.health = facts
            self._post(LineHealthReported(self.id, dict(facts)))

    # -- SMS -------------------------------------------------------------------------------------

    def _send_sms(self, command: c.SendSms) -> None:
        """Text mode; a failure is reported (SmsSent ok False) and never touches calls."""
        try:
            steps = sms.plan(command.number, command.text)
            for text in steps.setup:
                self._send(text)
            reply = self.channel.command(steps.send, 60.0, body=steps.body)
        except (CmeError, CommandRejected, ValueError) as exc:
            log.warning("line %s: text message to %s not sent: %s", self.id, command.number, exc)
            self._post(SmsSent(self.id, command.call_id, False, str(exc)))
            return
        except ModemError as exc:
            self._post(SmsSent(self.id, command.call_id, False, str(exc)))
            raise
        self._post(SmsSent(self.id, command.call_id, True, " ".join(reply)))

    # -- sending -------------------------------------------------------------------------------

    def _send(self, text: str, timeout: float | None = None) -> list[str]:
        """One command, retried while the module says SIM busy / please wait."""
        if self.channel is None:
            raise ModemGone(f"line {self.id}: the port is closed")
        for wait in RETRY_WAIT_S:
            try:
                return self.channel.command(text, timeout or self.timeout_s)
            except CmeError as exc:
                if exc.code not in cme.RETRY:
                    raise
                log.info("line %s: %s; retrying in %.1f s", self.id, exc, wait)
                self._closing.wait(wait)
        return self.channel.command(text, timeout or self.timeout_s)


def _reason(exc: Exception) -> str:
    if isinstance(exc, (ModemError, DriverError)):
        return str(exc)
    return f"cannot open the port: {exc}"
