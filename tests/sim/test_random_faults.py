"""Random faults in scenarios, office-hours traffic over several days, and the fault switches
they throw: a plain line playing a GSM module's failures as the real driver reports them, an
operator back at the desk, and the call log's disk filling up and emptying again.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from appliance import commands as c
from appliance import events as ev
from appliance import timefmt
from appliance.clock import RealClock, SimClock
from appliance.cli.sim import build_sim, run_scenario, scenario_span_s
from appliance.errors import ScenarioError
from appliance.events import ShutdownRequested
from appliance.loop import Loop
from appliance.store.calllog import CALLLOG_NAME, CallLog
from hwsim import scenario as scenarios
from hwsim.faults import HANDSET_SWITCHES, RANDOM_KINDS
from hwsim.lines import NO_NETWORK_DIAL_S, RESET_S
from hwsim.traffic import traffic_callers
from hwsim.world import SimWorld

from .rig import ListeningEngine, Rig, operator

LINES = [{"id": f"line{n}", "driver": "sim"} for n in range(1, 5)]
START = "2026-11-23T09:00:00Z"


def doc(**patch) -> dict:
    base = {"start": START, "settings": {"lines": LINES},
            "traffic": {"calls_per_hour": 30, "hours": 8, "days": 3, "talk_s_mean": 120,
                        "keys": ["1", "2"], "seed": 3},
            "random_faults": {"per_day": 12, "seed": 5}}
    return {**base, **patch}


def connected(rig, line="line1", **spec):
    caller = rig.caller(**spec)
    assert rig.lines[line].offer(caller)
    rig.execute(c.AnswerLine(line))
    return caller


# -- the scenario block --------------------------------------------------------------------------

def test_random_faults_fall_in_each_days_office_hours_with_their_undo():
    scenario = scenarios.parse(doc(), 0)
    thrown = [f for f in scenario.faults if f.do in {k.do for k in RANDOM_KINDS.values()}]
    assert len(thrown) == 12 * 3
    for day in range(3):
        that_day = [f for f in thrown if day * 86400 <= f.at_s < day * 86400 + 8 * 3600]
        assert len(that_day) == 12
    undos = {k.do: k.undo for k in RANDOM_KINDS.values() if k.undo}
    for fault in thrown:
        if fault.do in undos:
            back = [f for f in scenario.faults if f.do == undos[fault.do] and f.line == fault.line
                    and f.handset == fault.handset and f.at_s > fault.at_s]
            assert back, fault
    assert [f.at_s for f in scenario.faults] == sorted(f.at_s for f in scenario.faults)


def test_the_same_seed_gives_the_same_faults_and_another_seed_others():
    assert scenarios.parse(doc(), 0).faults == scenarios.parse(doc(), 0).faults
    other = doc(random_faults={"per_day": 12, "seed": 6})
    assert scenarios.parse(other, 0).faults != scenarios.parse(doc(), 0).faults
    unseeded = doc(random_faults={"per_day": 4})          # the run's --seed then
    assert scenarios.parse(unseeded, 1).faults != scenarios.parse(unseeded, 2).faults


def test_kinds_pick_what_is_thrown_and_targets_come_from_the_settings():
    scenario = scenarios.parse(doc(random_faults={"per_day": 20, "kinds": ["walk_away", "lift"],
                                                  "seed": 1}), 0)
    assert {f.do for f in scenario.faults} == {"walk_away", "back_at_desk", "lift", "put_down"}
    seated = {1, 2, 3}                                    # the default operators' handsets
    assert {f.handset for f in scenario.faults if f.do == "walk_away"} <= seated
    assert all(f.line is None for f in scenario.faults)


@pytest.mark.parametrize("patch, message", [
    ({"random_faults": {"per_day": 2, "kinds": ["unplug", "flood"]}},
     "Scenario 'random_faults.kinds[1]' must be one of unplug, drop_call"),
    ({"random_faults": {"per_day": 2, "kinds": []}},
     "Scenario 'random_faults.kinds' must be a non-empty list of fault kinds"),
    ({"random_faults": {"per_day": 2, "kinds": ["lift", "lift"]}},
     "Scenario 'random_faults.kinds[1]' repeats 'lift'"),
    ({"random_faults": {"per_day": -1}},
     "Scenario 'random_faults.per_day' must be an integer between 0 and 1000"),
    ({"random_faults": {"kinds": ["lift"]}}, "Scenario 'random_faults.per_day' is required"),
    ({"random_faults": {"per_day": 2, "often": 3}},
     "Scenario key 'random_faults.often' is not known"),
    ({"traffic": None, "callers": [{"at_s": 0}]},
     "Scenario 'random_faults' needs 'traffic'"),
    ({"traffic": {"calls_per_hour": 3, "hours": 8, "days": 31}},
     "Scenario 'traffic.days' must be an integer between 1 and 30"),
    ({"traffic": {"calls_per_hour": 3, "hours": 25, "days": 2}},
     "Scenario 'traffic.hours' must be at most 24 (hours of each day)"),
])
def test_a_wrong_block_is_refused_in_one_line_naming_the_key(patch, message):
    with pytest.raises(ScenarioError) as caught:
        scenarios.parse(doc(**patch), 0)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_line_faults_need_a_plain_line_and_module_lines_keep_their_own_switches():
    modem = {"lines": [{"id": "line1", "driver": "sim800", "port": "sim"}]}
    with pytest.raises(ScenarioError) as caught:
        scenarios.parse(doc(settings=modem, random_faults={"per_day": 1, "kinds": ["unplug"]}), 0)
    assert "no settings line is a plain simulated line" in str(caught.value)
    scripted = {"settings": modem, "callers": [{"at_s": 0}],
                "faults": [{"at_s": 5, "do": "module_reset", "line": "line1"}]}
    with pytest.raises(ScenarioError) as caught:
        SimWorld(Loop(ListeningEngine(), RealClock()), scenarios.parse(scripted, 0), start=0.0,
                 seed=0, real_time=True)
    assert str(caught.value).startswith(
        "Scenario 'faults[0].do' is 'module_reset', a plain simulated line's switch, but line "
        "'line1' runs the real driver on a simulated module: use the module's own switches")


def test_traffic_over_days_arrives_only_in_each_days_hours():
    spec = scenarios.parse(doc(), 0).traffic
    arrivals = [caller.at_s for caller in traffic_callers(spec)]
    assert all(any(d * 86400 <= t < d * 86400 + 8 * 3600 for d in range(3)) for t in arrivals)
    assert all(sum(d * 86400 <= t < (d + 1) * 86400 for t in arrivals) > 150 for d in range(3))
    one_day = scenarios.parse(doc(traffic={"calls_per_hour": 30, "hours": 8, "seed": 3}), 0)
    first = [caller.at_s for caller in traffic_callers(one_day.traffic)]
    assert first == [t for t in arrivals if t < 86400]    # day 1 as a one-day scenario has it


# -- a plain line playing the module's failures ---------------------------------------------------

def test_a_module_reset_ends_the_call_as_the_driver_does_and_the_line_comes_back():
    rig = Rig()
    caller = connected(rig)
    rig.advance(1)
    rig.lines["line1"].module_reset()
    rig.advance(RESET_S + 1)
    assert rig.kinds()[1:] == [ev.LineFailed("line1", "the module restarted during the call"),
                               ev.LineReady("line1")]
    assert caller.line is None
    assert rig.events()[-1][0] == pytest.approx(1 + RESET_S)


def test_while_the_module_restarts_callers_hunt_on_and_a_dial_fails_at_once():
    rig = Rig(lines=("line1", "line2"))
    rig.lines["line1"].module_reset()                    # idle: no LineFailed, as on a SIM800
    assert not rig.lines["line1"].offer(rig.caller(number="+441632960001"))
    rig.execute(c.Dial("line1", "+441632960002"))
    rig.loop.drain()
    assert rig.kinds() == [ev.DialFailed("line1", "failed")]
    rig.advance(RESET_S)
    assert rig.kinds()[-1] == ev.LineReady("line1")
    assert rig.lines["line1"].offer(rig.caller(number="+441632960001"))


def test_a_text_waiting_for_the_call_to_end_waits_for_the_restarted_module_too():
    rig = Rig()
    connected(rig)
    rig.execute(c.SendSms("line1", "+447700900123", "We will call you back", "call-1"))
    rig.lines["line1"].module_reset()
    rig.advance(RESET_S + 5)
    sent = [e for e in rig.kinds() if isinstance(e, ev.SmsSent)]
    assert sent == [ev.SmsSent("line1", "call-1", True, "simulated")]
    assert rig.lines["line1"].texts_sent == [("+447700900123", "We will call you back")]


def test_a_lost_registration_ends_the_call_keeps_the_line_and_refuses_calls_until_back():
    rig = Rig()
    connected(rig)
    rig.lines["line1"].registration_lost()
    rig.loop.drain()
    assert rig.kinds()[1:] == [
        ev.LineHealthReported("line1", {"registration": "searching"}),
        ev.LineFailed("line1", "the network registration was lost (searching)"),
        ev.LineReady("line1")]
    assert not rig.lines["line1"].offer(rig.caller(number="+441632960005"))
    rig.execute(c.Dial("line1", "+441632960999"))
    rig.advance(NO_NETWORK_DIAL_S)
    assert rig.kinds()[-1] == ev.DialFailed("line1", "failed")
    rig.lines["line1"].registration_back()
    rig.loop.drain()
    assert rig.kinds()[-1] == ev.LineHealthReported("line1", {"registration": "home"})
    assert rig.lines["line1"].offer(rig.caller(number="+441632960005"))


def test_a_garbled_reply_is_skipped_by_the_driver_and_the_engine_hears_nothing(caplog):
    rig = Rig()
    connected(rig)
    with caplog.at_level(logging.WARNING, logger="hwsim.lines"):
        rig.lines["line1"].garbled_reply()
    rig.advance(5)
    assert rig.kinds()[1:] == []
    assert "line line1: garbled line skipped" in caplog.text


def test_an_operator_back_at_the_desk_is_unpaused():
    rig = Rig(operators=[operator(2, present=False)])
    rig.bank.execute(c.RingHandset(2, "x"))
    HANDSET_SWITCHES["back_at_desk"](rig.bank, 2)
    rig.loop.drain()
    assert rig.bank.operators[2].present
    assert rig.kinds() == [ev.OperatorUnpaused("op2")]


# -- whole runs -----------------------------------------------------------------------------------

def run_in_process(document: dict, data_dir):
    scenario = scenarios.parse(document, 0)
    start = timefmt.parse(START)
    calllog = CallLog(data_dir / CALLLOG_NAME)
    appliance, world, tally = build_sim(scenario, SimClock(start), start, 0, calllog)
    run_scenario(appliance, world, start, scenario_span_s(scenario))
    appliance.loop.post(ShutdownRequested("done"))
    appliance.loop.drain()
    appliance.loop.close_drivers()
    appliance.loop.close_records()
    calllog.close()
    with CallLog(data_dir / CALLLOG_NAME, readonly=True) as log:
        records = list(log.iter_calls())
    return appliance, world, tally, records


def test_a_full_disk_refuses_records_through_the_stores_error_and_all_land_afterwards(
        tmp_path, caplog):
    document = {"start": START, "settings": {"lines": LINES},
                "traffic": {"calls_per_hour": 60, "hours": 2, "talk_s_mean": 60, "seed": 1},
                "faults": [{"at_s": 600, "do": "disk_full"}, {"at_s": 3000, "do": "disk_freed"}]}
    with caplog.at_level(logging.INFO):
        appliance, world, tally, records = run_in_process(document, tmp_path)
    assert appliance.loop.failures == 0
    assert appliance.loop.record_stats()["refusals"] > 0
    assert "database or disk is full (writing calls). Check that" in caplog.text
    assert "the call log takes records again" in caplog.text
    assert appliance.loop.unsaved_records() == []
    assert len(records) == tally.count("inbound") == world.arrived - world.blocked
    assert all(r["ended_at"] for r in records)
    assert world.faults_thrown == {"disk_full": 1, "disk_freed": 1}


def test_disk_faults_need_the_real_call_log():
    document = {"settings": {"lines": LINES}, "callers": [{"at_s": 0}],
                "faults": [{"at_s": 1, "do": "disk_full"}]}
    scenario = scenarios.parse(document, 0)
    with pytest.raises(ScenarioError) as caught:
        build_sim(scenario, SimClock(0.0), 0.0, 0, calllog=[])
    assert "need the real call log" in str(caught.value)


def test_sim_fast_plays_random_faults_through_the_cli(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps(doc(traffic={"calls_per_hour": 30, "hours": 8, "days": 2,
                                            "talk_s_mean": 120, "keys": ["1", "2"],
                                            "seed": 3})))
    done = subprocess.run([sys.executable, "-m", "appliance", "sim", "--fast", "--quiet",
                           "--scenario", str(path), "--data-dir", str(tmp_path / "data")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "faults thrown: " in done.stdout
    log = (tmp_path / "data" / "appliance.log").read_text()
    assert "Traceback" not in log
    assert log.count("fault thrown: ") == int(done.stdout.split("faults thrown: ")[1].split()[0])


# -- what the soak found ------------------------------------------------------------------------

REBOOKED = {            # found by the soak at ten times its load (bench/soak_bench.py, day 27)
    "start": START,
    "settings": {"lines": [{"id": f"line{n}", "driver": "sim"} for n in (1, 2, 3)],
                 "operators": [{"id": "ann", "name": "Ann", "handset": 1, "queues": ["sales"]},
                               {"id": "bob", "name": "Bob", "handset": 2, "queues": ["sales"]}],
                 "handsets": {"count": 2},
                 "queues": {"sales": {"callback_offer_after_s": 20}}},
    "operators": [{"id": "ann", "handset": 1, "talk_s": 60},
                  {"id": "bob", "handset": 2, "talk_s": 900}],
    "callers": [
        {"at_s": 0, "number": "+441632960001", "keys": "1"},
        {"at_s": 1, "number": "+441632960003", "keys": "1"},
        {"at_s": 5, "number": "+441632960002", "keys": "1", "accepts_callback": True,
         "answers_callback_after_s": 5}],
    "faults": [{"at_s": 40, "do": "walk_away", "handset": 1},         # ann, kept for the dial-back
               {"at_s": 600, "do": "back_at_desk", "handset": 1}],
}


def test_a_dial_back_customer_who_waits_is_not_offered_another_callback(tmp_path):
    """Their kept operator walked away, so the customer who pressed 1 waits in the queue: they
    hear their place and wait, never a second callback offer (which used to book a second
    request and leave the first in progress for ever: sim --fast could not settle)."""
    appliance, world, tally, records = run_in_process(REBOOKED, tmp_path)
    outcomes = [(r["direction"], r["outcome"]) for r in records]
    assert ("callback", "callback_requested") not in outcomes
    assert not any(r["callback_offered"] for r in records if r["direction"] == "callback")
    assert ("callback", "callback_answered") in outcomes, outcomes
    assert appliance.loop.snapshot()["callbacks"] == []
