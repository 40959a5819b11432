"""LRU counts idle time from the end of wrap-up; pausing an operator silences their ringing handset.

Pausing goes through ``operators.pause``, which the engine's ``OperatorPaused`` handler calls;
the ``wired`` fixture installs the same handler, and the two tests at the end check the engine's
own wiring (pausing, and a wrap-up prolonged off hook).
"""
import pytest

import appliance.engine as engine_pkg
from appliance import commands as cmd
from appliance import events as ev
from appliance.engine import operators
from appliance.engine.operators import Operator, lru_key
from tests.engine.rig import Rig
from tests.engine.test_callbacks import long_wait, request_callback

TWO = [{"id": "op1", "handset": 1, "queues": ["sales", "support"]},
       {"id": "op2", "handset": 2, "queues": ["sales", "support"]}]
MENU = {"root": {"prompt": "menu_main", "options": {"1": {"action": "queue", "queue": "sales"},
                                                    "2": {"action": "queue", "queue": "support"}}},
        "fallback": {"action": "queue", "queue": "sales"}}
LINES = [{"id": f"line{i}", "driver": "sim"} for i in range(1, 4)]


def two(sales_wrapup: float, support_wrapup: float, **sales) -> Rig:
    return Rig(operators=TWO, handsets={"count": 2}, menu=MENU, lines=LINES,
               queues={"sales": {"wrapup_s": sales_wrapup, **sales},
                       "support": {"wrapup_s": support_wrapup}})


def _pause(eng, e: ev.OperatorPaused) -> None:
    op = eng.ops.by_id.get(e.operator)
    if op is not None:
        operators.pause(eng, op)


@pytest.fixture
def wired(monkeypatch):
    """The engine's OperatorPaused handler as it should be: ``operators.pause(eng, op)``."""
    monkeypatch.setitem(engine_pkg._HANDLERS, ev.OperatorPaused, _pause)


# ---- LRU from the end of wrap-up ---------------------------------------------------------------

def test_lru_key_counts_from_the_end_of_wrapup_not_of_talk():
    long_wrapup = Operator("a", "A", 1, ("q",))
    short_wrapup = Operator("b", "B", 2, ("q",))
    long_wrapup.last_ended_at, long_wrapup.wrapup_until = 100.0, 160.0     # talk ended first
    short_wrapup.last_ended_at, short_wrapup.wrapup_until = 120.0, 120.0
    long_wrapup.wrapup_done(160.0)
    short_wrapup.wrapup_done(120.0)
    assert min([long_wrapup, short_wrapup], key=lru_key) is short_wrapup
    assert lru_key(Operator("c", "C", 9, ("q",))) < lru_key(short_wrapup)    # never used first


def test_the_planned_end_of_wrapup_counts_until_the_real_one_is_known():
    op = Operator("a", "A", 1, ("q",))
    op.last_ended_at, op.wrapup_until = 100.0, 130.0
    assert op.ready_at == 130.0 and lru_key(op) == (True, 130.0, 1)
    op.wrapup_done(175.0)                       # stayed off hook: the wrap-up really ended later
    assert (op.wrapup_until, op.ready_at) == (None, 175.0)


def test_the_operator_whose_wrapup_ended_first_is_rung_first():
    rig = two(sales_wrapup=60, support_wrapup=0)
    rig.call_in("+1", "line1")
    assert rig.rung(rig.press("1", "line1")) == [1]
    rig.send(ev.HandsetOffHook(1))
    rig.call_in("+2", "line2")
    assert rig.rung(rig.press("2", "line2")) == [2]
    rig.send(ev.HandsetOffHook(2))
    rig.advance(10)
    rig.send(ev.HandsetOnHook(1))               # op1's talk ends at 10 s, wrap-up to 70 s
    rig.advance(20)
    rig.send(ev.HandsetOnHook(2))               # op2's talk ends at 30 s, no wrap-up: ready at 30
    rig.advance(70)
    rig.call_in("+3", "line3")
    assert rig.rung(rig.press("1", "line3")) == [2]     # by the end of talk it would be op1


# ---- pausing while the handset rings ---------------------------------------------------------

def test_pausing_a_ringing_operator_stops_the_ring_and_rings_the_next(wired):
    rig = two(0, 0, ring_timeout_s=15)
    rig.call_in()
    assert rig.rung(rig.press("1")) == [1]
    rig.advance(3)
    out = rig.send(ev.OperatorPaused("op1"))
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)]
    assert rig.rung(out) == [2]
    assert rig.op_state("op1") == "paused" and rig.op_state("op2") == "ringing"
    rig.send(ev.HandsetOffHook(2))
    attempts = [(a["handset"], a["result"]) for a in rig.record()["ring_attempts"]]
    assert attempts == [(1, "cancelled"), (2, "answered")]
    assert rig.engine.ops.by_id["op1"].missed_in_row == 0      # paused, not a missed ring
    assert rig.record()["ring_s"] == 0.0


def test_paused_with_nobody_else_free_the_caller_waits_and_the_ring_timer_is_gone(wired):
    rig = two(0, 0, ring_timeout_s=15)
    rig.send(ev.OperatorPaused("op2"))
    rig.call_in()
    rig.press("1")
    out = rig.send(ev.OperatorPaused("op1"))
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)] and rig.rung(out) == []
    assert not any(key[0] == "ring" for key in rig.timers)
    assert rig.rung(rig.advance(30)) == []
    assert rig.rung(rig.send(ev.OperatorUnpaused("op1"))) == [1]


def test_under_ring_all_the_other_handsets_keep_ringing(wired):
    rig = two(0, 0, strategy="ring_all", ring_timeout_s=15)
    rig.call_in()
    assert rig.rung(rig.press("1")) == [1, 2]
    out = rig.send(ev.OperatorPaused("op1"))
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)] and rig.rung(out) == []
    assert rig.op_state("op2") == "ringing"
    out = rig.advance(15)                       # op2's ring still times out as before
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(2)]


def test_pausing_the_operator_kept_for_a_dial_back_rings_nobody_until_unpaused(wired):
    rig = long_wait()                           # ann (handset 1) alone, callback requested later
    request_callback(rig)
    out = rig.send(ev.HandsetOnHook(1))
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line1", "+12")] and rig.rung(out) == []
    rig.send(ev.OperatorPaused("ann"))
    assert rig.op_state("ann") == "paused"
    rig.send(ev.CallAnswered("line1"))
    out = rig.press("1", "line1")               # the customer waits first in line
    assert rig.rung(out) == [] and ("music", "hold") in rig.items(out)
    assert rig.rung(rig.send(ev.OperatorUnpaused("ann"))) == [1]


def test_pausing_the_operator_rung_for_a_dial_back_customer_stops_the_ring(wired):
    rig = long_wait()
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))
    rig.send(ev.CallAnswered("line1"))
    assert rig.rung(rig.press("1", "line1")) == [1]
    out = rig.send(ev.OperatorPaused("ann"))
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)] and rig.rung(out) == []
    assert rig.rung(rig.send(ev.OperatorUnpaused("ann"))) == [1]


def test_pausing_an_operator_who_is_not_ringing_changes_nothing_else(wired):
    rig = two(0, 0)
    out = rig.send(ev.OperatorPaused("op1"))
    assert rig.of(cmd.StopRing, out) == [] and rig.op_state("op1") == "paused"


# ---- what the engine itself must do (see the module's docstring) --------------------------------

def test_the_engine_itself_stops_the_ring_of_a_paused_operator():
    rig = two(0, 0)
    rig.call_in()
    rig.press("1")
    out = rig.send(ev.OperatorPaused("op1"))
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)] and rig.rung(out) == [2]


def test_a_wrapup_prolonged_off_hook_counts_until_the_handset_is_down():
    rig = two(sales_wrapup=0, support_wrapup=0)
    rig.call_in("+1", "line1")
    rig.press("1", "line1")
    rig.send(ev.HandsetOffHook(1))
    rig.call_in("+2", "line2")
    rig.press("2", "line2")
    rig.send(ev.HandsetOffHook(2))
    rig.advance(10)
    rig.send(ev.LineHungUp("line1"))            # op1's caller leaves at 10 s; op1 stays off hook
    rig.advance(20)
    rig.send(ev.HandsetOnHook(2))               # op2 free at 30 s
    rig.advance(20)
    rig.send(ev.HandsetOnHook(1))               # op1's wrap-up really ends at 50 s
    rig.advance(50)
    rig.call_in("+3", "line3")
    assert rig.rung(rig.press("1", "line3")) == [2]
