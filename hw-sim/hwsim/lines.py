"""A simulated phone line: carries one simulated person's call to and from the appliance.

Inbound, a caller arrives with ``offer(caller)``: a free line posts ``LineRinging``; a busy one
gives the caller the busy tone and the appliance never hears of them (the summary counts them as
blocked). ``Play`` lasts as long as the prompt-length table in ``hwsim.speech`` says, then
``PromptDone`` follows (not for looping hold music); ``StopPlayback`` and a newer ``Play`` cancel
it. ``Dial`` looks the number up in the simulated network: a person on another call gives
``DialFailed(busy)`` after 3 s, one who never answers ``DialFailed(no_answer)`` after
``callbacks.answer_timeout_s``, an unknown number ``DialFailed(failed)`` after 2 s, anyone else
``CallAnswered`` after their ``answers_callback_after_s``.

``SendSms`` waits until the line is idle (no call, nothing dialled), then the simulated network
takes ``SMS_SEND_S`` to accept it and ``SmsSent(ok=True, detail="simulated")`` follows; the
message is kept in ``texts_sent``. A text that cannot go as one message (``appliance.lines.sms``
refuses it, as the GSM driver would) gives ``SmsSent(ok=False)`` with the reason, and so does a
text for an unplugged line; a text never makes a command fail.

Fault switches (tests, scenario ``faults``, later the technician console): ``drop_call()`` loses
the call in progress (``LineFailed(line, "dropped")``, then ``LineReady``: the line itself is
fine); ``unplug()`` makes the line vanish like a pulled USB cable (``LineFailed(line,
"unplugged")``, callers get busy, every command raises) until ``plug_in()`` (``LineReady``).

The module-level faults of a GSM line, posted as the real driver (``appliance.lines.gsm``) posts
them, so the engine sees on a plain line what it would see on a module:

* ``module_reset()``: the module restarts in place (a SIM800 on its UART). A call in progress
  ends with ``LineFailed(line, "the module restarted during the call")`` (a dial-back being
  dialled: ``DialFailed(failed)``); the line takes no calls while the driver initialises the
  module again (``RESET_S``: callers hunt on, a ``Dial`` fails at once), then ``LineReady``.
* ``registration_lost()`` / ``registration_back()``: ``LineHealthReported`` with registration
  ``searching`` / ``home``; a call in progress ends with ``LineFailed(line, "the network
  registration was lost (searching)")`` and the line is ready again at once (``LineReady``: the
  driver does not take it down); until it is back no call reaches the line and a ``Dial`` (and a
  text) fails, as the network refuses them.
* ``garbled_reply()``: a noise line before the module's next reply. The driver's AT reader
  skips it ("garbled line skipped") and the command gets its real reply: the engine sees
  nothing, which is the point of the check.

Example::

    line = SimLine("line1", loop, network, Speech(settings), answer_timeout_s=30)
    loop.connect(lines=[line], handsets=bank, calllog=log)
    line.offer(caller)
"""
from __future__ import annotations

import logging
from collections import deque

from appliance import commands as c
from appliance.errors import DriverError
from appliance.events import (CalleeHeard, CallAnswered, DialFailed, DigitPressed, LineFailed,
                              LineHealthReported, LineHungUp, LineReady, LineRinging, PromptDone,
                              RecordingDone, SmsSent)
from appliance.lines import sms
from appliance.line_states import LineState as S
from appliance.lines.base import Line
from hwsim.network import Network
from hwsim.speech import Speech

BUSY_AFTER_S = 3.0
UNOBTAINABLE_AFTER_S = 2.0
HELLO_HEARD_S = 1.2              # a person says "hello?" and pauses
MACHINE_HEARD_S = 3.6            # the voice detector calls a long greeting a machine
SMS_SEND_S = 2.0                 # the network accepts a text message (AT+CMGS to +CMGS: <mr>)
RESET_S = 8.0                    # a restarted module boots and the driver initialises it again
NO_NETWORK_DIAL_S = 1.0          # ATD with no network: NO CARRIER
NOISE = b"\xff\xfe\x00\x9c~~\x07garble\r\n"     # what the modem models send (hwsim.modems)

log = logging.getLogger("hwsim.lines")


class SimLine(Line):
    """One simulated line; ``state`` is a LineState: idle, ringing, connected, dialling, down
    while unplugged, starting while a restarted module is initialised again."""

    def __init__(self, line_id: str, scheduler, network: Network, speech: Speech,
                 answer_timeout_s: float) -> None:
        self.id = line_id
        self.state = S.IDLE
        self.person = None
        self._scheduler, self._network, self._speech = scheduler, network, speech
        self._answer_timeout_s = answer_timeout_s
        self._post = None
        self._prompt_done = None        # Handle of the pending PromptDone
        self._dialling = None           # Handle of the pending dial outcome
        self._handlers = {
            c.AnswerLine: self._answer, c.Hangup: self._hangup, c.Dial: self._dial,
            c.Play: self._play, c.StopPlayback: self._stop_playback,
            c.Bridge: self._bridge, c.Unbridge: self._unbridge, c.Hold: self._unbridge,
            c.StartRecording: self._record, c.StopRecording: self._stop_recording,
            c.SendSms: self._send_sms,
        }
        self._recording = None          # Handle of the pending RecordingDone (voicemail)
        self._texts: deque[c.SendSms] = deque()     # texts waiting for the line to be idle
        self._sending = None            # (Handle of its SmsSent, SendSms) of the text going out
        self.texts_sent: list[tuple[str, str]] = []     # (number, text) the network took
        self.registered = True          # False while the network registration is lost
        self._restarting = None         # Handle of the LineReady after a module reset

    @property
    def idle(self) -> bool:
        """True when no call is on the line and none is being dialled."""
        return self.state in (S.IDLE, S.DOWN)

    # -- Line interface --------------------------------------------------------------------------

    def start(self, post) -> None:
        """Begin posting events into the loop."""
        self._post = post

    def execute(self, command: c.Command) -> None:
        """Carry out one engine command; an unplugged line raises like a vanished modem."""
        if self.state == S.DOWN:
            if isinstance(command, c.SendSms):
                self._post(SmsSent(self.id, command.call_id, False, "line unplugged"))
                return
            raise DriverError(f"line {self.id}: device vanished (unplugged)")
        if self.state == S.STARTING and not isinstance(command, c.SendSms):
            if isinstance(command, c.Dial):       # the driver: "not dialling ... (Starting)"
                self._post(DialFailed(self.id, "failed"))
            return                                # no call on the line: nothing to act on
        self._handlers[type(command)](command)

    def close(self) -> None:
        """Forget the call in progress and the texts not yet sent; nothing else to release."""
        self._texts.clear()
        if self._restarting is not None:
            self._restarting.cancel()
            self._restarting = None
        self._end_call()

    # -- the person's side ---------------------------------------------------------------------

    def offer(self, caller) -> bool:
        """A caller dials in on this line; False (busy tone) unless the line is idle."""
        if self.state != S.IDLE or caller.busy or not self.registered:
            return False
        self._attach(caller, S.RINGING)
        self._post(LineRinging(self.id, caller.number))
        return True

    def press(self, person, key: str) -> None:
        """``person`` pressed ``key``; heard only on a connected call."""
        if person is self.person and self.state == S.CONNECTED:
            self._post(DigitPressed(self.id, key))

    def hang_up_by(self, person) -> None:
        """``person`` put their phone down."""
        if person is self.person:
            self._end_call()
            self._post(LineHungUp(self.id))

    # -- fault switches --------------------------------------------------------------------------

    def drop_call(self) -> None:
        """The network loses the call in progress (if any)."""
        if not self.idle:
            self._end_call()
            self._post(LineFailed(self.id, "dropped"))
            self._post(LineReady(self.id))

    def unplug(self) -> None:
        """The line's device vanishes: the call is lost and the line refuses all calls."""
        self._end_call()
        self.state = S.DOWN
        self._fail_texts("line unplugged")
        self._post(LineFailed(self.id, "unplugged"))

    def plug_in(self) -> None:
        """The device is back; the line is idle again and says so."""
        if self.state == S.DOWN:
            self.state = S.IDLE
            self._post(LineReady(self.id))

    def module_reset(self) -> None:
        """The module restarts in place: the call is lost, the line is back after ``RESET_S``."""
        if self.state == S.DOWN:
            return                                # nothing there to restart
        if self._sending is not None:             # the text going out gets no +CMGS
            handle, command = self._sending
            handle.cancel()
            self._sending = None
            self._post(SmsSent(self.id, command.call_id, False, "the module restarted"))
        self._call_failed("the module restarted during the call")
        if self._sending is not None:             # the call's end let the next text start:
            handle, command = self._sending       # it waits for the module instead
            handle.cancel()
            self._sending = None
            self._texts.appendleft(command)
        if self._restarting is not None:
            self._restarting.cancel()
        log.warning("line %s: the module restarted; initialising it again", self.id)
        self.state = S.STARTING
        self._restarting = self._scheduler.call_later(RESET_S, self._initialised)

    def _initialised(self) -> None:
        self._restarting = None
        if self.state == S.STARTING:
            self.state = S.IDLE
            self._post(LineReady(self.id))
            self._next_text()

    def registration_lost(self) -> None:
        """The network registration is lost: a call in progress ends (failed); no calls until
        ``registration_back``."""
        if not self.registered:
            return
        self.registered = False
        self._post(LineHealthReported(self.id, {"registration": "searching"}))
        if self._call_failed("the network registration was lost (searching)"):
            self._post(LineReady(self.id))        # the driver keeps the line in service

    def registration_back(self) -> None:
        """The module is registered on its network again."""
        if not self.registered:
            self.registered = True
            self._post(LineHealthReported(self.id, {"registration": "home"}))
            self._next_text()

    def garbled_reply(self) -> None:
        """Noise before the module's next reply: the driver's reader skips the line and the
        command gets its real reply (``appliance.lines.at``); nothing reaches the engine."""
        log.warning("line %s: garbled line skipped: %r", self.id, NOISE)

    def _call_failed(self, reason: str) -> bool:
        """End the call in progress as the GSM driver does when the module fails under it:
        ``DialFailed(failed)`` for a dial-back being dialled, else ``LineFailed``. True if a
        call (or a dial) was on the line."""
        if self.state not in (S.RINGING, S.CONNECTED, S.DIALLING):
            return False
        dialling = self.state == S.DIALLING
        self._end_call()
        self._post(DialFailed(self.id, "failed") if dialling else LineFailed(self.id, reason))
        return True

    # -- commands --------------------------------------------------------------------------------

    def _answer(self, command: c.AnswerLine) -> None:
        if self.state == S.RINGING:
            self.state = S.CONNECTED

    def _hangup(self, command: c.Hangup) -> None:
        self._end_call()

    def _play(self, command: c.Play) -> None:
        self._cancel_prompt()
        if self.state != S.CONNECTED:
            return
        seconds = self._play_seconds(command)
        if not command.loop:
            done = PromptDone(self.id, command.play_id)
            self._prompt_done = self._scheduler.call_later(seconds, lambda: self._post(done))
        self.person.hears(command.items)

    def _play_seconds(self, command: c.Play) -> float:
        """How long the Play lasts (one pass): the prompt-length table."""
        return self._speech.seconds(command.items)

    def _stop_playback(self, command: c.StopPlayback) -> None:
        self._cancel_prompt()

    def _bridge(self, command: c.Bridge) -> None:
        if self.state == S.CONNECTED:
            self.person.bridged()

    def _unbridge(self, command: c.Unbridge) -> None:
        """The operator left; the caller stays on the line until the engine says more."""

    def _record(self, command: c.StartRecording) -> None:
        """A voicemail ends when the caller has spoken and then been silent, or at ``max_s``;
        a call recording runs until StopRecording (no audio is written by the simulator)."""
        if command.kind != "voicemail" or self.state != S.CONNECTED:
            return
        spoken = self.person.spec.message_s + command.silence_end_s
        seconds, reason = (spoken, "silence") if spoken < command.max_s else (command.max_s, "max_length")
        done = RecordingDone(self.id, command.path, seconds, reason)
        self._recording = self._scheduler.call_later(seconds, lambda: self._post(done))

    def _stop_recording(self, command: c.StopRecording) -> None:
        if self._recording is not None:
            self._recording.cancel()
            self._recording = None

    def _send_sms(self, command: c.SendSms) -> None:
        self._texts.append(command)
        self._next_text()

    def _next_text(self) -> None:
        """Send the next waiting text if the line is idle and no text is going out."""
        if self._sending is not None or self.state != S.IDLE or not self._texts:
            return
        command = self._texts.popleft()
        if not self.registered:                   # the network takes no text either
            self._post(SmsSent(self.id, command.call_id, False, "no network service"))
            self._next_text()
            return
        try:
            sms.plan(command.number, command.text)
        except ValueError as exc:
            self._post(SmsSent(self.id, command.call_id, False, str(exc)))
            self._next_text()
            return
        handle = self._scheduler.call_later(SMS_SEND_S, lambda: self._text_delivered(command))
        self._sending = (handle, command)

    def _text_delivered(self, command: c.SendSms) -> None:
        self._sending = None
        self.texts_sent.append((command.number, command.text))
        self._post(SmsSent(self.id, command.call_id, True, "simulated"))
        self._next_text()

    def _fail_texts(self, reason: str) -> None:
        """Every text going out or waiting fails (the line's device is gone)."""
        waiting = list(self._texts)
        self._texts.clear()
        if self._sending is not None:
            handle, command = self._sending
            handle.cancel()
            self._sending = None
            waiting.insert(0, command)
        for command in waiting:
            self._post(SmsSent(self.id, command.call_id, False, reason))

    def _dial(self, command: c.Dial) -> None:
        if self.state != S.IDLE:
            self._post(DialFailed(self.id, "failed"))
            return
        self.state = S.DIALLING
        if not self.registered:                   # ATD with no network: NO CARRIER
            self._dialling = self._scheduler.call_later(
                NO_NETWORK_DIAL_S, lambda: self._dial_failed("failed"))
            return
        delay, outcome = self._dial_outcome(self._network.find(command.number))
        self._dialling = self._scheduler.call_later(delay, outcome)

    def _dial_outcome(self, person):
        """(seconds, action) for dialling ``person``, as the far end would decide it."""
        if person is None:
            return UNOBTAINABLE_AFTER_S, lambda: self._dial_failed("failed")
        if person.busy:
            return BUSY_AFTER_S, lambda: self._dial_failed("busy")
        after = person.answers_callback_after_s
        if after is None or after >= self._answer_timeout_s:
            return self._answer_timeout_s, lambda: self._dial_failed("no_answer")
        return after, lambda: self._callee_answers(person)

    def _callee_answers(self, person) -> None:
        self._dialling = None
        if person.busy:                         # they took another call while it rang
            self._dial_failed("busy")
            return
        self._attach(person, S.CONNECTED)
        self._post(CallAnswered(self.id))
        machine = person.spec.answering_machine
        heard = CalleeHeard(self.id, "machine" if machine else "person")
        self._scheduler.call_later(MACHINE_HEARD_S if machine else HELLO_HEARD_S,
                                   lambda: self._post(heard) if self.person is person else None)

    def _dial_failed(self, reason: str) -> None:
        self._dialling = None
        self.state = S.IDLE
        self._post(DialFailed(self.id, reason))
        self._next_text()

    # -- helpers ---------------------------------------------------------------------------------

    def _attach(self, person, state: str) -> None:
        self.person, self.state = person, state
        person.joined(self)

    def _end_call(self) -> None:
        """Back to idle: no playback, no dial pending, nobody on the line."""
        self._cancel_prompt()
        self._stop_recording(None)
        if self._dialling is not None:
            self._dialling.cancel()
            self._dialling = None
        person, self.person = self.person, None
        if self.state != S.DOWN:
            self.state = S.IDLE
        if person is not None:
            person.left()
        self._next_text()

    def _cancel_prompt(self) -> None:
        if self._prompt_done is not None:
            self._prompt_done.cancel()
            self._prompt_done = None
