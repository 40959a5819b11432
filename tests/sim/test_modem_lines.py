"""Lines on simulated GSM modules run by the real driver (``"port": "sim"``, live ``sim`` only):
calls, dial-backs, a module restart mid-call, and the module's switches from the console.

These run on the wall clock (the module and the driver keep real time): a few seconds each."""
from __future__ import annotations

import concurrent.futures
import json
import time
from pathlib import Path

import pytest

from appliance import commands as c
from appliance import events as ev
from appliance import timefmt
from appliance.cli import sim as sim_cmd
from appliance.clock import RealClock, SimClock
from appliance.console.commands import build_table
from appliance.console.context import Context
from appliance.engine import Engine
from appliance.errors import ScenarioError
from appliance.loop import Loop
from appliance.store import schema
from appliance.store.calllog import CALLLOG_NAME, CallLog
from hwsim import scenario as scenarios
from hwsim.lines import SimLine
from hwsim.modemline import ModemSimLine
from hwsim.network import Network
from hwsim.people.caller import CallerSpec, SimCaller
from hwsim.speech import Speech
from hwsim.world import SimWorld

from .rig import ListeningEngine

OPERATORS = [{"id": op, "handset": n, "answer_after_s": 1, "talk_s": None}
             for n, op in enumerate(("ann", "bob", "cat"), start=1)]
FIRST, SECOND, THIRD = "+441632960001", "+441632960002", "+441632960003"
OFFICE = {
    "settings": {"lines": [{"id": "line1", "driver": "sim7600", "port": "sim"},
                           {"id": "line2", "driver": "sim800", "port": "sim"},
                           {"id": "line3", "driver": "sim"}]},
    "operators": OPERATORS,
    "callers": [
        {"at_s": 1, "number": FIRST, "line": "line1", "keys": "1", "talk_s": 2},
        {"at_s": 1, "number": THIRD, "line": "line2", "keys": "2"},
        {"at_s": 12, "number": SECOND, "line": "line1", "keys": "1"},   # talks until the restart
    ],
}
RESTARTED = "the module restarted during the call"
EXAMPLE = Path(__file__).resolve().parents[2] / "hw-sim" / "scenarios" / "modem-line.json"


def wait_until(predicate, what: str, timeout: float = 15.0):
    """Poll ``predicate`` until it returns something true; returns that."""
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.05)


class Office:
    """The real engine and loop on the wall clock, a world with modem-backed lines, the call log
    in a tmp folder, and the console's command table as ``ivr-appliance sim`` wires it."""

    def __init__(self, data_dir: Path, doc: dict) -> None:
        self.scenario = scenarios.parse(doc, 0)
        self.loop = Loop(Engine(self.scenario.settings, seed=0), RealClock())
        self.path = data_dir / CALLLOG_NAME
        self.calllog = CallLog(self.path)
        self.world = SimWorld(self.loop, self.scenario, start=time.time(), seed=0, real_time=True)
        self.loop.connect(lines=self.world.lines, handsets=self.world.handsets,
                          calllog=self.calllog)
        sim_lines = {line.id: line for line in self.world.lines}
        self.table = build_table(Context(self.loop, data_dir, sim_lines, self.world.handsets))
        self.world.begin()
        self.loop.start()

    def line(self, line_id: str) -> dict:
        return next(line for line in self.loop.snapshot()["lines"] if line["id"] == line_id)

    def record(self, number: str, final: bool = True) -> dict | None:
        """The call record of ``number``'s call (None until it is final, with ``final``)."""
        with CallLog(self.path, readonly=True) as log:
            found = [r for r in log.calls() if r.get("caller") == number]
        if found and (not final or found[-1]["ended_at"]):
            return found[-1]
        return None

    def notices(self) -> list[str]:
        return [text for _, _, text in self.loop.recent_notices()]

    def stop(self) -> None:
        self.loop.post(ev.ShutdownRequested("test over"))
        self.loop.call_soon(self.loop.stop)
        self.loop.join(10)
        self.loop.close_drivers()
        self.calllog.close()


@pytest.fixture
def office(tmp_path):
    office = Office(tmp_path, OFFICE)
    yield office
    office.stop()


def in_service(office: Office, line_id: str) -> dict | None:
    line = office.line(line_id)
    health = line.get("health", {})
    return line if line["state"] == "idle" and health.get("registration") == "home" else None


def test_calls_restarts_and_switches_through_the_real_driver_on_simulated_modules(office):
    line1 = wait_until(lambda: in_service(office, "line1"), "line1 in service")
    assert line1["health"]["network"] == "SimNet"
    assert line1["health"]["signal_dbm"] is not None
    assert "call state by the module's call reports" in line1["health"]["plan"]
    modem_line = office.world.line("line1")
    assert modem_line.driver.port_path == str(modem_line.model.path)   # the pty, from settings

    # a SIM800 on its UART reboots in place: the driver sees the boot burst; the caller was
    # still in the menu, so the call failed
    wait_until(lambda: office.line("line2")["state"] == "menu", "the third caller in the menu")
    assert office.table.run("sim fault line2 restart") == "line line2: restart thrown"
    third = wait_until(lambda: office.record(THIRD), "the third caller's record")
    assert (third["outcome"], third["failure"]) == ("failed", RESTARTED)

    first = wait_until(lambda: office.record(FIRST), "the first caller's record")
    assert (first["line"], first["outcome"], first["operator"]) == ("line1", "answered", "ann")
    assert first["menu_path"] == "1"

    # a SIM7600 on USB leaves the bus when it reboots: to the driver the port vanished; the
    # caller was talking to an operator, so the call stays answered, with the failure
    wait_until(lambda: office.line("line1")["state"] == "talking"
               and office.line("line1")["caller"] == SECOND, "the second caller talking")
    assert office.table.run("sim fault line1 restart") == "line line1: restart thrown"
    second = wait_until(lambda: office.record(SECOND), "the second caller's record")
    assert second["outcome"] == "answered" and second["operator"] in ("ann", "bob", "cat")
    assert second["failure"].startswith("the SIMCom SIM7600 vanished (")
    assert "check its USB cable and power" in second["failure"]
    wait_until(lambda: "line line1 is back in service" in office.notices(), "line1 back")
    wait_until(lambda: in_service(office, "line1"), "line1 in service again")
    wait_until(lambda: in_service(office, "line2"), "line2 in service again")

    assert office.table.run("sim fault line1 noreg") == "line line1: noreg thrown"
    wait_until(lambda: office.line("line1")["health"]["registration"] == "searching",
               "registration lost")
    assert "searching" in office.table.run("lines")
    assert office.table.run("sim fault line1 reg") == "line line1: reg thrown"
    wait_until(lambda: in_service(office, "line1"), "registration back")
    assert office.world.blocked == 0 and office.loop.failures == 0


def test_the_console_checks_a_module_switch_before_throwing_it(office):
    wait_until(lambda: in_service(office, "line1"), "line1 in service")
    run = office.table.run
    assert run("sim fault line1 cme") == (
        "error: line line1 is a simulated SIMCom SIM7600: cme needs the error code the module "
        "answers, a whole number such as 100 (got none)")
    assert run("sim fault line1 stall 0") == (
        "error: line line1 is a simulated SIMCom SIM7600: stall N: N must be a whole number "
        "from 1 to 1000 (got '0')")
    assert run("sim fault line1 explode").startswith(
        "error: line line1 is a simulated SIMCom SIM7600: a simulated module's switch is one of "
        "drop, unplug, plug_in, restart, stall [N], garble [N], cme CODE, keep_call [N]")
    assert run("sim fault line1 restart now") == (
        "error: line line1 is a simulated SIMCom SIM7600: restart takes no argument (got 'now')")
    assert run("sim fault line1 plugin") == "error: the module on line line1 is plugged in already"
    assert run("sim fault line3 restart") == (
        "error: a line switch is drop, unplug, plug_in, module_reset, garbled_reply, "
        "registration_lost or registration_back (got 'restart')")     # a plain line

    assert run("sim fault line1 unplug") == "line line1: unplug thrown"
    wait_until(lambda: office.line("line1")["state"] == "down", "line1 out of service")
    assert run("sim fault line1 stall 2") == (
        "error: the module on line line1 is unplugged: plug it in first (sim fault line1 plugin)")
    assert run("sim fault line1 plugin") == "line line1: plugin thrown"
    wait_until(lambda: in_service(office, "line1"), "line1 back in service")
    assert run("sim fault line1 cme 100") == "line line1: cme 100 thrown"
    assert office.world.line("line1").model.faults["cme_code"] == 100


def test_the_simulated_clock_refuses_a_modem_backed_line():
    scenario = scenarios.parse(OFFICE, 0)
    start = timefmt.parse(sim_cmd.DEFAULT_START)
    with pytest.raises(ScenarioError) as caught:
        SimWorld(Loop(ListeningEngine(), SimClock(start)), scenario, start=start, seed=0,
                 real_time=False)
    assert str(caught.value) == (
        "Scenario 'settings.lines[0]' (line 'line1', driver 'sim7600', port \"sim\") is a "
        "simulated module run by the real line driver, which keeps wall-clock time: modem-backed "
        "lines need real time, so they run only in the live simulator (ivr-appliance sim "
        "without --fast)")
    with pytest.raises(ScenarioError, match="modem-backed lines need real time"):
        sim_cmd.build_sim(scenario, SimClock(start), start, 0, calllog=None)     # sim --fast


def test_the_modem_line_example_runs_live(tmp_path):
    office = Office(tmp_path, json.loads(EXAMPLE.read_text(encoding="utf-8")))
    try:
        line1 = wait_until(lambda: in_service(office, "line1"), "line1 in service")
        assert "CPCMREG on the audio port" in line1["health"]["plan"]
        wait_until(lambda: office.line("line1")["caller"] == FIRST, "the first caller on line1")
        assert isinstance(office.world.line("line1"), ModemSimLine)
        assert isinstance(office.world.line("line2"), SimLine)
    finally:
        office.stop()


def test_a_module_switch_in_a_scenario_needs_a_modem_backed_line():
    doc = {**OFFICE, "faults": [{"at_s": 5, "do": "restart", "line": "line3"}]}
    with pytest.raises(ScenarioError) as caught:
        SimWorld(Loop(ListeningEngine(), RealClock()), scenarios.parse(doc, 0), start=0.0,
                 seed=0, real_time=True)
    assert str(caught.value).startswith(
        "Scenario 'faults[0].do' is 'restart', a simulated module's switch, but line 'line3' is "
        "a plain simulated line")


# -- dial-backs, with the engine played by the test ------------------------------------------

class DialRig:
    """One modem-backed line and one plain line on a wall-clock loop whose engine only listens;
    the test sends the engine's commands itself."""

    def __init__(self, dialect: str) -> None:
        self.settings = schema.validate(schema.merge(schema.defaults(), {"lines": [
            {"id": "gsm", "driver": dialect, "port": "sim"}, {"id": "other", "driver": "sim"}]}))
        self.engine = ListeningEngine()
        self.loop = Loop(self.engine, RealClock())
        self.network, self.speech = Network(), Speech(self.settings)
        self.line = ModemSimLine(self.settings, 0, self.loop, self.network)
        self.other = SimLine("other", self.loop, self.network, self.speech, 30.0)
        self.loop.connect(lines=[self.line, self.other])
        self.loop.start()
        wait_until(lambda: self.seen(ev.LineReady("gsm")), "the line in service")

    def person(self, number: str, **spec) -> SimCaller:
        person = SimCaller(CallerSpec(at_s=0, number=number, **spec), self.loop, self.speech,
                           number)
        self.network.register(number, person)
        return person

    def execute(self, command) -> None:
        self.loop.call_soon(lambda: self.loop.execute(command))

    def on_loop(self, fn):
        """``fn()`` run on the loop thread (where the simulated people live); its result."""
        done = concurrent.futures.Future()
        self.loop.call_soon(lambda: done.set_result(fn()))
        return done.result(5)

    def seen(self, event) -> bool:
        return any(e == event for _, e in self.engine.seen)

    def close(self) -> None:
        self.loop.stop()
        self.loop.join(5)
        self.loop.close_drivers()


@pytest.mark.parametrize("dialect", ["ec25", "sim800"])
def test_a_dial_back_reaches_the_person_through_the_module(dialect):
    rig = DialRig(dialect)
    try:
        person = rig.person("+441632960077")
        rig.execute(c.Dial("gsm", "+441632960077"))
        wait_until(lambda: rig.seen(ev.CallAnswered("gsm")), "the dial-back answered")
        wait_until(lambda: person.line is rig.line, "the person on the line")
        rig.execute(c.Play("gsm", 1, (("prompt", "callback_intro"),)))
        wait_until(lambda: rig.seen(ev.DigitPressed("gsm", "1")), "the person pressing 1")
        rig.execute(c.Hangup("gsm"))
        wait_until(lambda: rig.line.idle and person.line is None, "the line idle again")

        busy = rig.person("+441632960078")
        assert rig.on_loop(lambda: rig.other.offer(busy))   # on a call on the other line
        rig.execute(c.Dial("gsm", "+441632960078"))
        wait_until(lambda: rig.seen(ev.DialFailed("gsm", "busy")), "busy")
        rig.execute(c.Dial("gsm", "+441632960099"))       # nobody has this number
        wait_until(lambda: rig.seen(ev.DialFailed("gsm", "failed")), "unreachable")
        wait_until(lambda: rig.line.idle, "the line idle after the failed dials")
        assert rig.line.model.callees == {}
    finally:
        rig.close()


def test_a_caller_who_finds_the_module_busy_or_down_hears_busy():
    rig = DialRig("sim7600")
    try:
        first, second = rig.person("+441632960011"), rig.person("+441632960012")
        assert rig.on_loop(lambda: rig.line.offer(first))
        wait_until(lambda: rig.seen(ev.LineRinging("gsm", "+441632960011")), "the ring")
        assert not rig.on_loop(lambda: rig.line.offer(second))    # one call at a time
        rig.loop.call_soon(lambda: first.line.hang_up_by(first))
        wait_until(lambda: rig.seen(ev.LineHungUp("gsm")), "the caller's hang-up")
        wait_until(lambda: rig.line.idle and rig.line.state == "idle", "the line idle")
        rig.loop.call_soon(rig.line.unplug)
        wait_until(lambda: rig.line.state == "down", "the module gone")
        assert not rig.on_loop(lambda: rig.line.offer(second))
        assert any(isinstance(e, ev.LineFailed) and "vanished" in e.reason
                   for _, e in rig.engine.seen)
    finally:
        rig.close()


# -- an analog line: the real VoiceModemLine on a simulated V.253 modem --------------------------

ANALOG = {
    "settings": {"lines": [{"id": "line1", "driver": "v253", "port": "sim"}]},
    "operators": OPERATORS[:2],
    "callers": [
        {"at_s": 1, "number": FIRST, "keys": "1", "talk_s": 1},
        {"at_s": 10, "number": SECOND, "keys": "1"},          # talks until the drop
    ],
}


@pytest.mark.long       # the V.253 driver on this model: tests/lines/test_v253_line.py
def test_an_analog_line_on_a_simulated_voice_modem(tmp_path):
    started = time.monotonic()
    office = Office(tmp_path, ANALOG)
    try:
        line = office.world.line("line1")
        assert isinstance(line, ModemSimLine) and line.title == "V.253 voice modem"
        assert line.driver.port_path == str(line.model.path)
        first = wait_until(lambda: office.record(FIRST), "the first caller's record")
        assert (first["line"], first["outcome"], first["menu_path"]) == ("line1", "answered", "1")
        assert first["operator"] in ("ann", "bob")

        run = office.table.run
        assert run("sim fault line1 restart").startswith(
            "error: line line1 is a simulated V.253 voice modem: a simulated module's switch is "
            "one of drop, unplug, plug_in, stall [N], garble [N], loop_break, busy_tone")
        assert run("sim fault line1 vanish") == "line line1: vanish thrown"
        wait_until(lambda: office.line("line1")["state"] == "down", "line1 out of service")
        assert run("sim fault line1 garble 2") == (
            "error: the module on line line1 is unplugged: plug it in first (sim fault line1 "
            "plugin)")
        assert run("sim fault line1 plugin") == "line line1: plugin thrown"
        wait_until(lambda: office.line("line1")["state"] == "idle", "line1 back in service")

        wait_until(lambda: office.line("line1")["state"] == "talking"
                   and office.line("line1")["caller"] == SECOND, "the second caller talking")
        assert run("sim fault line1 drop") == "line line1: drop thrown"
        second = wait_until(lambda: office.record(SECOND), "the second caller's record")
        assert second["outcome"] == "answered" and second["operator"] in ("ann", "bob")
        assert second["hangup_by"] == "caller" and second["failure"] is None
        assert "line line1 is back in service" in office.notices()
        wait_until(lambda: office.world.finished(), "the world finished")
        assert office.world.blocked == 0 and office.loop.failures == 0
    finally:
        office.stop()
    assert time.monotonic() - started < 25


def test_a_switch_the_analog_modem_lacks_is_refused_in_a_scenario():
    doc = {**ANALOG, "faults": [{"at_s": 5, "do": "restart", "line": "line1"}]}
    with pytest.raises(ScenarioError) as caught:
        SimWorld(Loop(ListeningEngine(), RealClock()), scenarios.parse(doc, 0), start=0.0,
                 seed=0, real_time=True)
    assert str(caught.value) == (
        "Scenario 'faults[0].do' is 'restart', but the simulated modem on line 'line1' (driver "
        "'v253') has no such switch; it has: drop, unplug, plug_in, stall, garble, loop_break, "
        "busy_tone, busy_dle, dial_tone, silence, vanish, plugin")


@pytest.mark.long       # dial-backs on the V.253 model: tests/lines/test_v253_line.py
def test_a_dial_back_on_an_analog_line_follows_the_network():
    rig = DialRig("v253")
    try:
        busy = rig.person("+441632960078")
        assert rig.on_loop(lambda: rig.other.offer(busy))   # on a call on the other line
        rig.execute(c.Dial("gsm", "+441632960078"))
        wait_until(lambda: rig.seen(ev.DialFailed("gsm", "busy")), "busy")
        wait_until(lambda: rig.line.idle, "the line idle after the busy dial")
        rig.execute(c.Dial("gsm", "+441632960099"))       # nobody has this number
        wait_until(lambda: rig.seen(ev.DialFailed("gsm", "failed")), "unreachable")
        wait_until(lambda: rig.line.idle, "the line idle after the failed dial")

        person = rig.person("+441632960077")
        rig.execute(c.Dial("gsm", "+441632960077"))
        wait_until(lambda: rig.seen(ev.CallAnswered("gsm")), "the dial-back answered", 20)
        wait_until(lambda: person.line is rig.line, "the person on the line")
        rig.execute(c.Hangup("gsm"))
        wait_until(lambda: rig.line.idle and person.line is None, "the line idle again")
        assert rig.line.model.callees == {}
    finally:
        rig.close()
