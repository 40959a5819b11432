"""The gpio driver through the fake RPi.GPIO on the simulated board: cadence, ring trip,
debounce, hook flash, crosspoints, pins overrides, and a clean close."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance import commands as c
from appliance import events as ev
from appliance.errors import DriverError
from appliance.handsets.gpio import GpioHandsetBank
from appliance.store.schema import DEFAULT_PINS
from hwsim.board.reference import ReferenceBoard

from .rig import Rig, operator


def ring_pattern(rig: Rig, handset: int, seconds: float, step: float = 0.1) -> list[int]:
    samples = []
    rig.advance(step / 2)                  # sample mid-step, clear of the 10 ms poll's edges
    for _ in range(round(seconds / step)):
        samples.append(int(handset in rig.board.ringing()))
        rig.advance(step)
    return samples


def test_us_cadence_is_two_seconds_on_four_off_from_the_start():
    rig = Rig()
    rig.execute(c.RingHandset(2))
    pattern = ring_pattern(rig, 2, 12.0)
    assert pattern == ([1] * 20 + [0] * 40) * 2


def test_uk_cadence_is_the_double_ring():
    rig = Rig(cadence="uk")
    rig.execute(c.RingHandset(1))
    assert ring_pattern(rig, 1, 3.0) == [1] * 4 + [0] * 2 + [1] * 4 + [0] * 20


def test_stop_ring_clears_the_bit_at_once():
    rig = Rig()
    rig.execute(c.RingHandset(3))
    rig.advance(0.5)
    rig.execute(c.StopRing(3))
    assert rig.board.ringing() == set()
    rig.advance(10)
    assert rig.board.ringing() == set() and rig.board.phones[3].rings == 1


def test_lifting_a_ringing_handset_trips_the_ring_and_is_one_off_hook():
    rig = Rig()
    rig.execute(c.RingHandset(1))
    rig.advance(1.0)
    rig.switches.lift(1)
    rig.advance(0.1)
    assert rig.board.ringing() == set() and rig.bank.ringing() == set()
    rig.advance(10)
    assert rig.events() == [ev.HandsetOffHook(1)] and rig.board.ringing() == set()


def test_a_bouncy_lift_and_put_down_give_exactly_one_event_each():
    rig = Rig()
    for _ in range(5):
        rig.switches.lift(2)
        rig.advance(2)
        rig.switches.put_down(2)
        rig.advance(2)
    assert rig.events() == [ev.HandsetOffHook(2), ev.HandsetOnHook(2)] * 5


def test_the_contacts_really_bounce():
    rig = Rig()
    phone = rig.board.phones[1]
    phone.lift(rig.loop.now())
    samples = [phone.off_hook_raw(rig.loop.now() + t / 10000) for t in range(150)]
    changes = sum(a != b for a, b in zip(samples, samples[1:]))
    assert changes >= 2 and samples[-1] is True


def test_a_short_put_down_is_a_hook_flash_not_a_hang_up():
    rig = Rig()
    rig.switches.lift(1)
    rig.advance(1)
    rig.board.phones[1].flash(rig.loop.now(), down_s=0.3)
    rig.advance(2)
    assert rig.events() == [ev.HandsetOffHook(1), ev.HookFlash(1)]


def test_a_long_put_down_is_on_hook_after_the_flash_window():
    rig = Rig()
    rig.switches.lift(1)
    rig.advance(1)
    rig.board.phones[1].flash(rig.loop.now(), down_s=0.8)
    rig.advance(2)
    assert rig.events() == [ev.HandsetOffHook(1), ev.HandsetOnHook(1), ev.HandsetOffHook(1)]


def test_a_glitch_shorter_than_a_flash_is_ignored():
    rig = Rig()
    rig.switches.lift(1)
    rig.advance(1)
    rig.board.phones[1].flash(rig.loop.now(), down_s=0.06)
    rig.advance(2)
    assert rig.events() == [ev.HandsetOffHook(1)]


def test_a_lifted_handset_is_not_rung():
    rig = Rig()
    rig.switches.lift(2)
    rig.advance(1)
    rig.execute(c.RingHandset(2))
    rig.advance(1)
    assert rig.board.ringing() == set()


def test_bridge_closes_and_unbridge_opens_the_crosspoint():
    rig = Rig(count=20)
    rig.execute(c.Bridge("line2", 18))
    rig.execute(c.Bridge("line1", 3))
    assert rig.board.crosspoints() == {(18, 1), (3, 0)}
    assert rig.board.xp["b"].closed == {(1, 1)} and rig.board.xp["a"].closed == {(2, 0)}
    rig.execute(c.Unbridge("line2", 18))
    assert rig.board.crosspoints() == {(3, 0)}


def test_an_unknown_line_or_unfitted_handset_is_a_driver_error():
    rig = Rig(count=3)
    with pytest.raises(DriverError, match="no line 'line9'"):
        rig.execute(c.Bridge("line9", 1))
    with pytest.raises(DriverError, match="handset 5 is not fitted"):
        rig.execute(c.RingHandset(5))


def test_close_silences_opens_everything_and_releases_its_pins():
    rig = Rig()
    rig.execute(c.RingHandset(1))
    rig.execute(c.Bridge("line1", 2))
    rig.bank.close()
    assert rig.board.ringing() == set() and rig.board.crosspoints() == set()
    assert list(rig.board.gpio.pins_set_up()) == []
    rig.advance(5)
    assert rig.board.ringing() == set()


def test_pins_overrides_move_signals_to_other_pins():
    moved = {"ring_latch": 9, "hook_data": 10, "xp_cs_b": 11}
    rig = Rig(pins=moved, count=20)
    assert rig.bank.pins == {**DEFAULT_PINS, **moved}
    rig.execute(c.RingHandset(20))
    rig.execute(c.Bridge("line1", 20))
    rig.switches.lift(4)
    rig.advance(0.2)
    assert rig.board.ringing() == {20} and rig.board.crosspoints() == {(20, 0)}
    assert rig.events() == [ev.HandsetOffHook(4)]
    assert {9, 10, 11} <= set(rig.board.gpio.pins_set_up())
    assert not {DEFAULT_PINS["ring_latch"], DEFAULT_PINS["hook_data"]} & set(rig.board.gpio.pins_set_up())


def test_a_board_wired_differently_from_the_settings_never_takes_the_drivers_frames():
    rig = Rig()
    board = ReferenceBoard(rig.loop, count=3, pins={"ring_latch": 9})    # latch moved on the board
    power_up = list(board.ring_chain.latched)
    bank = GpioHandsetBank(board.gpio, rig.settings, rig.loop, rig.loop)  # settings not told
    bank.execute(c.RingHandset(1))
    assert board.ring_chain.latched == power_up       # nothing the driver shifted was latched
    # (with /OE enabled the power-up garbage now rings: the wiring self-test catches this)


def test_an_operator_answers_on_a_burst_after_their_delay():
    rig = Rig(operators=[operator(1, answer_after_s=4)])
    rig.execute(c.RingHandset(1))
    rig.advance(10)
    (at, event), = rig.timed()
    assert event == ev.HandsetOffHook(1) and 6.0 <= at < 6.2        # the second burst


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), hold_s=st.floats(0.7, 5.0))
def test_any_seeded_bounce_gives_one_event_per_real_move(seed, hold_s):
    rig = Rig()
    rig.board.phones[2].rng.seed(seed)
    rig.switches.lift(2)
    rig.advance(hold_s)
    rig.switches.put_down(2)
    rig.advance(hold_s)
    assert rig.events() == [ev.HandsetOffHook(2), ev.HandsetOnHook(2)]


def test_nothing_rings_at_power_up_and_a_restart_after_a_crash_starts_silent():
    rig = Rig(count=20)
    board = ReferenceBoard(rig.loop, count=20, seed=3)
    assert sum(board.ring_chain.latched) > 0 and board.ringing() == set()   # garbage, held off
    first = GpioHandsetBank(board.gpio, rig.settings, rig.loop, rig.loop)
    assert board.ringing() == set() and board.crosspoints() == set()
    first.execute(c.RingHandset(3))
    first.execute(c.Bridge("line1", 9))
    assert board.ringing() == {3} and board.crosspoints() == {(9, 0)}
    # the process dies: no close(), the pins keep their levels, the relay keeps ringing ...
    levels = []
    board.ring_chain.on_latch = lambda outputs: levels.append(sum(outputs))
    board.gpio.mode = None                    # a new process: RPi.GPIO starts afresh
    board.gpio.directions.clear()
    GpioHandsetBank(board.gpio, rig.settings, rig.loop, rig.loop)
    # ... until the next start holds /OE high, latches a silent frame and opens every crosspoint
    assert levels[0] == 0 and board.ringing() == set() and board.crosspoints() == set()
