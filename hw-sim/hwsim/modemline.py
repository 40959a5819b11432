"""A simulated modem run by the real line driver: the live simulator's line on a modem.

A settings line ``{"id": "line1", "driver": "sim7600", "port": "sim"}`` in a scenario (or
``"port": null`` in settings built without the schema) asks the live simulator for a simulated
module of that family (``hwsim.modems.ModemModel``) on a pseudo-terminal in a temporary folder,
driven by the real ``GsmLine`` exactly as on the Pi: the driver is built by
``appliance.lines.factory.gsm_line`` from a copy of the settings whose ``port`` is the pty's path
(``"audio_port": "sim"`` likewise gives a SIM7600 / EC25 its simulated PCM port). So the line's
plan, health (registration, network "SimNet", signal), its restarts and its failures are the
real driver's, and every fault switch of the model can be thrown at it.

``{"driver": "v253", "port": "sim"}`` does the same for an analog line: a simulated V.253 voice
modem (``hwsim.modems.v253.VoiceModemModel``, the USR5637 flavour) driven by the real
``VoiceModemLine`` (``voicemodem_line``). What differs between the two kinds (how the model
and the driver are built, which model states carry a call, the switch table) is a small
adapter, ``GsmKind`` or ``AnalogKind``; ``ModemSimLine`` serves both.

``ModemSimLine`` is the ``Line`` the loop talks to (it hands every command to the driver) and
the line the simulated people use, with the same person-facing side as ``SimLine``: ``offer``,
``press``, ``hang_up_by``, ``idle``. A caller rings in through the module (``incoming_call``),
keys become the module's DTMF reports, hanging up is the module's end-of-call report. What the
engine plays is told to the person as it is handed to the driver. A dial-back looks the number up
in the simulated ``Network`` and tells the module how that person's phone answers (``callees``).

A person stays on the line while the module carries their call: when the call is gone from the
module (the caller or the engine hung up, the network dropped it, the module restarted or
vanished) they are told they left. The driver runs on its own threads and posts from them; what
it posts passes through this line, which keeps its own bookkeeping on the loop thread
(``call_soon``), in the order the driver posted. It needs the loop's real clock: the module and
the driver keep wall-clock time (``SimWorld`` refuses such a line under ``--fast``).

Fault switches by name (``fault(name, value)``; the console's ``sim fault LINE NAME [ARG]``, a
scenario's ``faults``): see ``hwsim.modemkinds``, ``SWITCHES`` (GSM) and ``V253_SWITCHES``
(analog; the far end's hang-up signals are switches of their own: ``loop_break``, ``busy_tone`` ...). ``drop_call()``,
``unplug()`` and ``plug_in()`` are ``SimLine``'s switches, here the model's ``drop``, ``vanish``
and ``plug_in``.

Example::

    line = ModemSimLine(settings, 0, loop, network)     # settings["lines"][0]["port"] == "sim"
    loop.connect(lines=[line], handsets=bank, calllog=log)
    line.offer(caller)                                   # RING +CLIP on the module's pty
    line.fault("restart")                                # the module reboots mid-call
"""
from __future__ import annotations

import copy
import logging
import shutil
import tempfile
import time
from pathlib import Path

from appliance import commands as c
from appliance.events import CallAnswered, DialFailed, Event, LineFailed, LineHungUp
from appliance.line_states import LineState as S
from appliance.lines.base import Line
from hwsim.modemkinds import kind_of, switch_list, switch_value
from hwsim.network import Network

log = logging.getLogger("hwsim.modemline")

WATCH_S = 0.2               # how often a person on the line checks that the module has their call

class ModemSimLine(Line):
    """One line on a simulated modem driven by the real driver. ``kind`` is what differs
    between GSM and analog (``GsmKind`` / ``AnalogKind``), ``model`` the simulated modem,
    ``driver`` the ``GsmLine`` or ``VoiceModemLine``, ``person`` whoever is on the line (or
    None), ``SWITCHES`` the fault switches this line has and ``title`` what the modem is."""

    def __init__(self, settings: dict, index: int, scheduler, network: Network) -> None:
        cfg = settings["lines"][index]
        self.id = cfg["id"]
        self.kind = kind_of(cfg)
        self.title, self.SWITCHES = self.kind.title, self.kind.switches
        self._scheduler, self._network = scheduler, network
        self._post = None
        self.folder = Path(tempfile.mkdtemp(prefix=f"ivr-sim-{self.id}-"))
        try:
            self.model = self.kind.model(settings, cfg, self.folder)
        except Exception:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        try:
            self.driver = self.kind.driver(self._settings_on_pty(settings, index), index,
                                           self._relay, self.folder)
        except Exception:
            self.model.stop()
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.person = None
        self._answered = False          # the call with ``person`` is past AnswerLine / answered
        self._callee: tuple[str, object] | None = None     # (number, person) being dialled
        self._watch = None              # Handle of the next check that the call is still up
        self._restart_until = 0.0       # a restart thrown here: back by itself before this

    def _settings_on_pty(self, settings: dict, index: int) -> dict:
        """The settings as the driver must see them: this line's port is the module's pty."""
        local = copy.deepcopy(settings)
        self.kind.ports(local["lines"][index], self.model)
        return local

    def switch_value(self, name: str, text: str | None) -> int | None:
        """``switch_value`` against this line's switches."""
        return switch_value(name, text, self.SWITCHES)

    def switch_list(self) -> str:
        """This line's switches with their arguments."""
        return switch_list(self.SWITCHES)

    @property
    def state(self) -> S:
        """The driver's line state (idle, ringing, connected, dialling, down ...)."""
        return self.driver.state

    @property
    def idle(self) -> bool:
        """True when nobody is on the line, nothing is dialled, and neither the driver nor the
        module carries a call."""
        return (self.person is None and self._callee is None
                and not self.driver.state.carries_call
                and self.model.state not in self.kind.busy_states)

    # -- Line interface --------------------------------------------------------------------------

    def start(self, post) -> None:
        """Start the module, then the driver (it opens the pty and initialises the module)."""
        self._post = post
        self.model.start()
        self.driver.start(self._relay)

    def execute(self, command: c.Command) -> None:
        """Hand the command to the real driver; tell the person what it means for them."""
        handler = {c.AnswerLine: self._answer, c.Hangup: self._hangup, c.Dial: self._dial,
                   c.Play: self._play, c.Bridge: self._bridge}.get(type(command))
        if handler is None:
            self.driver.execute(command)
        else:
            handler(command)

    def close(self) -> None:
        """Stop the driver, then the module; remove the module's folder."""
        self._leave()
        try:
            self.driver.close()
        finally:
            self.model.stop()
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- the person's side ---------------------------------------------------------------------

    def offer(self, caller) -> bool:
        """A caller dials this line's number: the module rings (RING, caller ID) if the line is in
        service with no call; False (busy tone) otherwise."""
        if (caller.busy or self.person is not None or self._callee is not None
                or self.driver.state is not S.IDLE or self.model.state != "idle"):
            return False
        self._join(caller, answered=False)
        self.model.incoming_call(caller.number)
        return True

    def press(self, person, key: str) -> None:
        """``person`` pressed ``key``: the module reports it (heard only on a connected call)."""
        if person is self.person and self._answered:
            self.model.press(key)

    def hang_up_by(self, person) -> None:
        """``person`` put their phone down: the module reports the call ended."""
        if person is self.person:
            self._leave()
            self.kind.hang_up(self.model)

    # -- fault switches --------------------------------------------------------------------------

    def refusal(self, name: str) -> str | None:
        """Why switch ``name`` cannot be thrown now (the module's state), or None."""
        gone = self.model.state == self.kind.unplugged
        if self._restarting():
            return (f"the module on line {self.id} is restarting; it comes back by itself within "
                    f"{self.model.reboot_s:g} s")
        if name in ("plug_in", "plugin"):
            return None if gone else f"the module on line {self.id} is plugged in already"
        if gone and name in ("unplug", "vanish"):
            return f"the module on line {self.id} is unplugged already"
        if gone:
            return (f"the module on line {self.id} is unplugged: plug it in first "
                    f"(sim fault {self.id} plugin)")
        return None

    def fault(self, name: str, value: int | None = None) -> None:
        """Throw switch ``name`` (``self.SWITCHES``) with its checked ``value`` (``switch_value``).
        A switch the module's state makes meaningless (``refusal``) is logged and ignored."""
        reason = self.refusal(name)
        if reason is not None:
            log.warning("line %s: %s not thrown: %s", self.id, name, reason)
            return
        if name not in self.SWITCHES:
            raise ValueError(f"line {self.id} ({self.title}) has no switch '{name}'")
        if name == "restart":
            self._restart_until = time.monotonic() + self.model.reboot_s + 0.5
        self.kind.actions(self.model, value)[name]()
        log.info("line %s: simulated module switch %s%s thrown", self.id, name,
                 f" {value}" if value is not None else "")

    def drop_call(self) -> None:
        """The network loses the call in progress (``SimLine``'s switch)."""
        self.fault("drop")

    def unplug(self) -> None:
        """The module vanishes like a pulled USB cable (``SimLine``'s switch)."""
        self.fault("unplug")

    def plug_in(self) -> None:
        """The module is back (``SimLine``'s switch)."""
        self.fault("plug_in")

    def _restarting(self) -> bool:
        """The module is off the bus because it is rebooting (thrown here, or the driver's
        own AT+CRESET / AT+CFUN=1,1): it plugs itself back in."""
        if self.model.state != self.kind.unplugged:
            return False
        return time.monotonic() < self._restart_until or self.kind.resetting(self.model)

    # -- commands --------------------------------------------------------------------------------

    def _answer(self, command: c.AnswerLine) -> None:
        self.driver.execute(command)
        if self.person is not None:
            self._answered = True

    def _hangup(self, command: c.Hangup) -> None:
        self._leave()
        self._forget_callee()
        self.driver.execute(command)

    def _play(self, command: c.Play) -> None:
        self.driver.execute(command)
        if self.person is not None and self._answered:
            self.person.hears(command.items)

    def _bridge(self, command: c.Bridge) -> None:
        self.driver.execute(command)
        if self.person is not None and self._answered:
            self.person.bridged()

    def _dial(self, command: c.Dial) -> None:
        """Tell the module how the dialled person's phone answers, then let the driver dial."""
        person = self._network.find(command.number)
        outcome = self._callee_outcome(person)
        self.model.callees[command.number] = outcome
        self._callee = (command.number, person if outcome == "answer" else None)
        try:
            self.driver.execute(command)
        except Exception:
            self._forget_callee()
            raise

    def _callee_outcome(self, person) -> str:
        """What the far end does, as ``SimLine`` decides it: nobody has the number, they are on
        a call, they never answer (or not before the driver gives up), or they answer."""
        if person is None:
            return "unreachable"
        if person.busy:
            return "busy"
        after = person.answers_callback_after_s
        if after is None or after >= self.driver.answer_timeout_s:
            return "no_answer"
        return "answer"

    # -- what the driver posts (its threads) ---------------------------------------------------

    def _relay(self, event: Event) -> None:
        """Everything the driver posts goes to the loop; the line's own bookkeeping for it is
        queued first, so it is done on the loop thread before the engine sees the event."""
        if getattr(event, "line", None) == self.id:
            if isinstance(event, CallAnswered):
                self._scheduler.call_soon(self._callee_answered)
            elif isinstance(event, DialFailed):
                self._scheduler.call_soon(self._forget_callee)
            elif isinstance(event, (LineHungUp, LineFailed)):
                self._scheduler.call_soon(self._check_call)
        self._post(event)

    def _callee_answered(self) -> None:
        """The module says the dialled number answered: that person is on the line now."""
        person = self._callee[1] if self._callee is not None else None
        self._forget_callee()
        if person is None:
            return
        if person.busy:                         # they took another call while it rang
            self.kind.hang_up(self.model)
            return
        self._join(person, answered=True)

    def _forget_callee(self) -> None:
        if self._callee is not None:
            self.model.callees.pop(self._callee[0], None)
            self._callee = None

    # -- the person on the line ------------------------------------------------------------------

    def _join(self, person, answered: bool) -> None:
        self.person, self._answered = person, answered
        person.joined(self)
        self._watch = self._scheduler.call_later(WATCH_S, self._check_call)

    def _check_call(self) -> None:
        """The person leaves once the module no longer carries their call; else check again."""
        if self.person is None:
            return
        if self.model.state not in self.kind.call_states:
            self._leave()
            return
        if self._watch is not None:
            self._watch.cancel()
        self._watch = self._scheduler.call_later(WATCH_S, self._check_call)

    def _leave(self) -> None:
        """The person's call is over for them (nothing to do if nobody is on the line)."""
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        person, self.person, self._answered = self.person, None, False
        self.model.heard.clear()                # what the driver played to them (PCM lines)
        if person is not None:
            person.left()
