"""ONE contract suite for every HandsetBank: the simulated bank and the gpio driver on the
simulated board must behave alike to the loop (style lesson 5)."""
from __future__ import annotations

import pytest

from appliance import commands as c
from appliance import events as ev

from .rig import Rig, operator

KINDS = ["sim", "gpio"]


def rang(rig: Rig, handset: int) -> bool:
    """Is ``handset`` still being rung (the board: a ring bit; sim: an answer pending)?"""
    if rig.board is not None:
        return handset in rig.bank.ringing() or handset in rig.board.ringing()
    return handset in rig.bank._moves


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


def test_ringing_a_handset_gets_it_answered(kind):
    rig = Rig(kind, operators=[operator(2, answer_after_s=4)])
    rig.execute(c.RingHandset(2, "+441632960001"))
    rig.advance(30)
    assert rig.events() == [ev.HandsetOffHook(2)]
    assert rig.switches.is_off_hook(2) and not rang(rig, 2)


def test_stop_ring_before_an_answer_means_no_answer(kind):
    rig = Rig(kind, operators=[operator(1, answer_after_s=4)])
    rig.execute(c.RingHandset(1))
    rig.advance(1)
    rig.execute(c.StopRing(1))
    rig.advance(30)
    assert rig.events() == [] and not rang(rig, 1) and rig.switches.all_on_hook()


def test_an_absent_operator_never_answers(kind):
    rig = Rig(kind, operators=[operator(1, present=False)])
    rig.execute(c.RingHandset(1))
    rig.advance(60)
    assert rig.events() == []


def test_a_bridged_operator_talks_then_hangs_up(kind):
    rig = Rig(kind, operators=[operator(1, answer_after_s=2, talk_s=60)])
    rig.execute(c.RingHandset(1))
    rig.advance(10)
    rig.execute(c.Bridge("line1", 1))
    rig.advance(59)
    assert rig.events() == [ev.HandsetOffHook(1)]
    rig.advance(5)
    assert rig.events() == [ev.HandsetOffHook(1), ev.HandsetOnHook(1)]


def test_unbridge_makes_the_operator_hang_up(kind):
    rig = Rig(kind, operators=[operator(1, answer_after_s=2, talk_s=None)])
    rig.execute(c.RingHandset(1))
    rig.advance(10)
    rig.execute(c.Bridge("line1", 1))
    rig.advance(30)
    rig.execute(c.Unbridge("line1", 1))
    rig.advance(5)
    assert rig.events() == [ev.HandsetOffHook(1), ev.HandsetOnHook(1)]
    assert rig.switches.all_on_hook()


def test_hand_switches_move_the_hook(kind):
    rig = Rig(kind)
    rig.switches.lift(3)
    rig.advance(1)
    rig.switches.put_down(3)
    rig.advance(1)
    assert rig.events() == [ev.HandsetOffHook(3), ev.HandsetOnHook(3)]


def test_close_leaves_nothing_ringing_and_nothing_pending(kind):
    rig = Rig(kind, operators=[operator(1, answer_after_s=10)])
    rig.execute(c.RingHandset(1))
    rig.execute(c.RingHandset(2))
    rig.advance(1)
    rig.bank.close()
    rig.advance(30)
    assert not rang(rig, 1) and not rang(rig, 2)
    assert rig.events() == []
