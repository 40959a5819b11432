"""The simulated world of one run: lines, handsets with operators, and callers arriving on time.

Built from a checked ``Scenario`` on anything that offers ``call_at`` / ``call_later`` (the loop),
so the same world runs in real time for the demo and in simulated time for ``--fast``. Callers
come from the scenario's list and its random traffic, merged in order of arrival; a caller with
no ``line`` takes the first idle line in settings order (a hunt group), and one who finds no
idle line hears busy and is counted as ``blocked``. The network forgets a caller a week after
their call (``CALLERS_KEPT_S``), so a month of traffic keeps the simulator's memory flat.

Faults (the listed ones and those ``random_faults`` made) are thrown on schedule and counted in
``faults_thrown``; the disk switches act on the real call log the loop writes to (``disk``, a
``FullDisk``), which ``begin`` finds, or refuses the scenario when there is none.

A settings line on a GSM driver or ``v253`` with ``"port": "sim"`` (``hwsim.modemline``) runs
the real line driver on a simulated modem; that needs the wall clock, so only a world built with
``real_time=True`` (the live ``sim``) has such lines; on a simulated clock (``--fast``, tests) a
scenario with one is refused with a ScenarioError that says so.

Example::

    world = SimWorld(loop, scenario, start=loop.now(), seed=0)
    loop.connect(lines=world.lines, handsets=world.handsets, calllog=log)
    world.begin()
    loop.run_until(lambda: world.finished() and engine.is_idle())
"""
from __future__ import annotations

import heapq
import random
from collections import Counter, deque

from appliance.audio.prompts import PromptLibrary
from appliance.errors import ScenarioError
from hwsim.audioline import AudioSimLine
from hwsim.faults import (DISK_SWITCHES, MODEM_SWITCHES, PLAIN_LINE_SWITCHES, FullDisk,
                          find_call_log, throw)
from hwsim.handsets import SimHandsets
from hwsim.lines import SimLine
from hwsim.modemkinds import is_modem_backed, switches_for
from hwsim.modemline import ModemSimLine
from hwsim.network import Network
from hwsim.people.caller import CallerSpec, SimCaller
from hwsim.people.operator import SimOperator
from hwsim.people.timing import draw_seconds
from hwsim.scenario import Scenario
from hwsim.speech import Speech, digits
from hwsim.traffic import traffic_callers


CALLERS_KEPT_S = 7 * 86400
"""How long the simulated network keeps a caller's number after their call: a dial-back comes
within a week (the daemon does not dial callbacks promised earlier), and a month of callers
kept for ever would be the simulator's memory growing, not the appliance's."""


class SimNetwork(Network):
    """The simulated network, which also forgets people (``forget``)."""

    def forget(self, number: str, person) -> None:
        """``person`` is no longer reachable at ``number`` (unless someone else has it now)."""
        key = digits(number)
        if self._people.get(key) is person:
            del self._people[key]


class SimWorld:
    """Everything outside the appliance for one simulated run."""

    def __init__(self, scheduler, scenario: Scenario, start: float, seed: int, *,
                 real_time: bool = False) -> None:
        settings = scenario.settings
        _check_modem_lines(scenario, real_time)
        self.start = start
        self.arrived = self.blocked = 0
        self._scheduler = scheduler
        self._rng = random.Random(seed)
        self.speech = Speech(settings)
        self.network = SimNetwork()
        self._registered: deque = deque()   # (at, number, person) in order of arrival
        self._audio = scenario.audio
        self._library = PromptLibrary(default_language=settings["language"]) if scenario.audio else None
        operators = [SimOperator(p.id, p.handset, p.answer_after_s, p.talk_s, p.present,
                                 rng=self._rng, flash=p.flash) for p in scenario.operators]
        self.handsets = self._handsets(settings, operators, seed)
        traffic = traffic_callers(scenario.traffic) if scenario.traffic else ()
        self._arrivals = heapq.merge(scenario.callers, traffic, key=lambda spec: spec.at_s)
        self._next: CallerSpec | None = None
        self._faults = scenario.faults
        self._faults_left = len(scenario.faults)
        self.faults_thrown: Counter = Counter()     # switch name -> times thrown so far
        self.disk: FullDisk | None = None           # the call log's disk, for disk_full
        # last: a simulated module's pty and folder are made only once nothing else can fail
        self.lines = [self._line(index, settings) for index in range(len(settings["lines"]))]

    def _line(self, index: int, settings: dict) -> SimLine | ModemSimLine:
        """A simulated line; a GSM or v253 line with ``"port": "sim"``: the real driver on a
        simulated modem (only in real time: ``_check_modem_lines``)."""
        if is_modem_backed(settings["lines"][index]):
            return ModemSimLine(settings, index, self._scheduler, self.network)
        timeout = settings["callbacks"]["answer_timeout_s"]
        line_id = settings["lines"][index]["id"]
        args = (line_id, self._scheduler, self.network, self.speech, timeout)
        if self._audio is None:
            return SimLine(*args)
        return AudioSimLine(*args, audio=self._audio, library=self._library)

    def _handsets(self, settings: dict, operators: list[SimOperator], seed: int):
        """Simulated handsets; with ``handsets.driver: gpio`` the real GPIO driver drives a
        simulated reference board (docs/wiring.md)."""
        if settings["handsets"]["driver"] == "gpio":
            from hwsim.board.desks import board_handsets
            return board_handsets(settings, self._scheduler, operators, seed)
        return SimHandsets(self._scheduler, operators, settings["handsets"]["count"])

    def begin(self) -> None:
        """Schedule the scenario's faults and the first arrival (each schedules the next).
        Disk faults need the real call log the loop writes to (ScenarioError otherwise)."""
        if any(fault.do in DISK_SWITCHES for fault in self._faults):
            calllog = find_call_log(self._scheduler)
            if calllog is None:
                raise ScenarioError("Scenario faults 'disk_full' / 'disk_freed' need the real "
                                    "call log (sim --fast or sim); this run writes its records "
                                    "elsewhere")
            self.disk = FullDisk(calllog)
        for fault in self._faults:
            self._scheduler.call_at(self.start + fault.at_s, lambda f=fault: self._throw(f))
        self._schedule_next()

    def _throw(self, fault) -> None:
        self._faults_left -= 1
        self.faults_thrown[fault.do] += 1
        throw(fault, self)

    def line(self, line_id: str) -> SimLine | ModemSimLine:
        """The simulated line with id ``line_id`` (for fault switches)."""
        return next(line for line in self.lines if line.id == line_id)

    def finished(self) -> bool:
        """Everyone has called, every fault is thrown, no line carries a call, every handset is
        back on hook."""
        return (self._next is None and not self._faults_left
                and all(line.idle for line in self.lines)
                and self.handsets.all_on_hook())

    def _schedule_next(self) -> None:
        spec = self._next = next(self._arrivals, None)
        if spec is not None:
            self._scheduler.call_at(self.start + spec.at_s, lambda: self._arrive(spec))

    def _arrive(self, spec: CallerSpec) -> None:
        caller = self._person(spec)
        self.arrived += 1
        if not self._place_call(caller, spec.line):
            self.blocked += 1
        self._schedule_next()

    def _person(self, spec: CallerSpec) -> SimCaller:
        number = spec.callback_number or spec.number
        caller = SimCaller(spec, self._scheduler, self.speech, number,
                           talk_s=draw_seconds(spec.talk_s, self._rng))
        self.network.register(number, caller)
        now = spec.at_s
        self._registered.append((now, number, caller))
        while self._registered and self._registered[0][0] < now - CALLERS_KEPT_S:
            _, old_number, person = self._registered.popleft()
            if person.line is None:
                self.network.forget(old_number, person)
            else:                       # still on a call (a week later?): look again later
                self._registered.append((now, old_number, person))
                break
        return caller

    def _place_call(self, caller: SimCaller, line_id: str | None) -> bool:
        """Offer the call to the caller's line, or to each line in turn (the first idle takes it)."""
        candidates = [line for line in self.lines if line_id in (None, line.id)]
        return any(line.offer(caller) for line in candidates)


def _check_modem_lines(scenario: Scenario, real_time: bool) -> None:
    """Lines on simulated modules need the wall clock, and a module's fault switches need such a
    line that has the switch: ScenarioError naming the entry otherwise (before any module is
    started)."""
    lines = scenario.settings["lines"]
    modems = {cfg["id"]: cfg for cfg in lines if is_modem_backed(cfg)}
    modem_ids = set(modems)
    for index, cfg in enumerate(lines):
        if cfg["id"] in modem_ids and not real_time:
            raise ScenarioError(
                f"Scenario 'settings.lines[{index}]' (line '{cfg['id']}', driver "
                f"'{cfg['driver']}', port \"sim\") is a simulated module run by the real line "
                "driver, which keeps wall-clock time: modem-backed lines need real time, so they "
                "run only in the live simulator (ivr-appliance sim without --fast)")
    for index, fault in enumerate(scenario.faults):
        if fault.do in PLAIN_LINE_SWITCHES and fault.line in modem_ids:
            raise ScenarioError(
                f"Scenario 'faults[{index}].do' is '{fault.do}', a plain simulated line's switch, "
                f"but line '{fault.line}' runs the real driver on a simulated module: use the "
                f"module's own switches ({', '.join(switches_for(modems[fault.line]))})")
        if fault.do in MODEM_SWITCHES and fault.line not in modem_ids:
            raise ScenarioError(
                f"Scenario 'faults[{index}].do' is '{fault.do}', a simulated module's switch, "
                f"but line '{fault.line}' is a plain simulated line: it takes drop_call, unplug "
                "and plug_in (module switches need a GSM or v253 driver with \"port\": \"sim\")")
        if fault.do in MODEM_SWITCHES and fault.do not in switches_for(modems[fault.line]):
            cfg = modems[fault.line]
            raise ScenarioError(
                f"Scenario 'faults[{index}].do' is '{fault.do}', but the simulated modem on line "
                f"'{fault.line}' (driver '{cfg['driver']}') has no such switch; it has: "
                f"{', '.join(switches_for(cfg))}")
