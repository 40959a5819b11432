"""SimHandsets and SimOperator: answering rings, talking, hanging up, and hand-moved hooks."""
from __future__ import annotations

import random
import statistics

from appliance import commands as c
from appliance import events as ev
from hwsim.people.operator import SimOperator, operators_from_settings
from appliance.store import schema

from .rig import Rig, operator


def test_a_present_operator_answers_a_ringing_handset_after_their_delay():
    rig = Rig(operators=[operator(2, answer_after_s=4)])
    rig.execute(c.RingHandset(2, "+441632960001"))
    rig.advance(30)
    assert rig.events() == [(4.0, ev.HandsetOffHook(2))]


def test_stop_ring_before_they_answer_means_they_never_do():
    rig = Rig(operators=[operator(1, answer_after_s=4)])
    rig.execute(c.RingHandset(1))
    rig.advance(3)
    rig.execute(c.StopRing(1))
    rig.advance(30)
    assert rig.events() == [] and rig.bank.all_on_hook()


def test_an_absent_operator_or_an_empty_desk_never_answers():
    rig = Rig(operators=[operator(1, present=False)])
    rig.execute(c.RingHandset(1))
    rig.execute(c.RingHandset(3))
    rig.advance(120)
    assert rig.events() == []


def test_a_bridged_operator_hangs_up_after_their_talk_time():
    rig = Rig(operators=[operator(1, answer_after_s=2, talk_s=60)])
    rig.execute(c.RingHandset(1))
    rig.advance(2)
    rig.execute(c.Bridge("line1", 1))
    rig.advance(300)
    assert rig.events() == [(2.0, ev.HandsetOffHook(1)), (62.0, ev.HandsetOnHook(1))]


def test_an_operator_without_talk_time_waits_for_unbridge_then_hangs_up_a_second_later():
    rig = Rig(operators=[operator(1, answer_after_s=2, talk_s=None)])
    rig.execute(c.RingHandset(1))
    rig.advance(2)
    rig.execute(c.Bridge("line1", 1))
    rig.advance(500)
    assert not rig.bank.all_on_hook()
    rig.execute(c.Unbridge("line1", 1))
    rig.advance(10)
    assert rig.events() == [(2.0, ev.HandsetOffHook(1)), (503.0, ev.HandsetOnHook(1))]


def test_unbridge_replaces_a_longer_talk_time():
    rig = Rig(operators=[operator(1, answer_after_s=0, talk_s=600)])
    rig.execute(c.RingHandset(1))
    rig.advance(1)
    rig.execute(c.Bridge("line1", 1))
    rig.advance(10)
    rig.execute(c.Unbridge("line1", 1))
    rig.advance(1000)
    assert rig.events()[-1] == (12.0, ev.HandsetOnHook(1))
    assert len(rig.events()) == 2


def test_a_handset_lifted_by_hand_is_busy_and_ignores_rings_until_put_down():
    rig = Rig(operators=[operator(1, answer_after_s=1)])
    rig.bank.lift(1)
    rig.execute(c.RingHandset(1))
    rig.advance(10)
    rig.bank.put_down(1)
    rig.bank.put_down(1)
    rig.loop.drain()
    assert rig.kinds() == [ev.HandsetOffHook(1), ev.HandsetOnHook(1)]


def test_exponential_talk_times_have_the_mean_asked_for():
    op = SimOperator("ann", 1, 4.0, {"mean": 120}, rng=random.Random(3))
    times = [op.talk_duration() for _ in range(4000)]
    assert 110 < statistics.mean(times) < 130
    assert min(times) < 10 and max(times) > 500


def test_settings_operators_sit_at_their_handsets_with_the_sim_delays():
    settings = schema.defaults()
    people = operators_from_settings(settings, 60.0, random.Random(0))
    assert [(p.id, p.handset, p.answer_after_s, p.talk_s) for p in people] == [
        ("ann", 1, 4.0, 60.0), ("bob", 2, 4.0, 60.0), ("cat", 3, 4.0, 60.0)]


def test_walk_away_and_come_back_switch_an_operator_by_handset():
    from types import SimpleNamespace
    from hwsim.faults import Fault, throw
    rig = Rig(operators=[operator(1, answer_after_s=2)])
    world = SimpleNamespace(handsets=rig.bank)
    throw(Fault(0, "walk_away", handset=1), world)
    rig.execute(c.RingHandset(1))
    rig.advance(10)
    rig.execute(c.StopRing(1))
    throw(Fault(0, "come_back", handset=1), world)
    throw(Fault(0, "walk_away", handset=3), world)           # an empty desk: nothing to do
    rig.execute(c.RingHandset(1))
    rig.advance(10)
    assert rig.events() == [(12.0, ev.HandsetOffHook(1))]
