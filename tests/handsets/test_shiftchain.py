"""The board's bit packing and cadence tables (appliance.handsets.shiftchain)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.handsets import shiftchain as sc


def test_ring_sequence_shifts_handset_24_first_and_handset_1_last():
    bits = sc.ring_sequence({1, 24, 5})
    assert len(bits) == 24
    assert bits[0] == 1 and bits[-1] == 1 and bits[-5] == 1 and sum(bits) == 3


@given(st.sets(st.integers(1, 24)))
def test_ring_sequence_reaches_the_outputs_of_its_handsets(ringing):
    outputs = list(reversed(sc.ring_sequence(ringing)))      # what 24 clocks leave in place
    assert sc.ringing_from_outputs(outputs) == ringing


def test_hook_bits_are_read_handset_1_first():
    assert sc.off_hook_from_bits([1, 0, 0, 1] + [0] * 20) == {1, 4}
    with pytest.raises(ValueError):
        sc.off_hook_from_bits([0] * 8)


@pytest.mark.parametrize("handset, line, expected", [
    (1, 0, sc.Crosspoint("a", 0, 0)), (16, 3, sc.Crosspoint("a", 15, 3)),
    (17, 1, sc.Crosspoint("b", 0, 1)), (20, 2, sc.Crosspoint("b", 3, 2))])
def test_crosspoint_addressing(handset, line, expected):
    assert sc.crosspoint(handset, line) == expected


@pytest.mark.parametrize("handset, ax", [(1, 0b0000), (6, 0b0101), (7, 0b1000), (9, 0b1010),
                                         (12, 0b1101), (13, 0b0110), (14, 0b0111),
                                         (15, 0b1110), (16, 0b1111), (17, 0b0000)])
def test_the_ax_code_follows_the_mt8816_truth_table(handset, ax):
    assert sc.crosspoint(handset, 0).ax == ax       # handset 9 is X8: AX 1010, not 1000


@pytest.mark.parametrize("handset, line", [(0, 0), (21, 0), (1, 4), (1, -1)])
def test_crosspoints_out_of_range_are_refused(handset, line):
    with pytest.raises(ValueError):
        sc.crosspoint(handset, line)


def test_address_bits_are_least_significant_first():
    assert sc.address_bits(6, 4) == [0, 1, 1, 0]


@pytest.mark.parametrize("name, on_at, off_at, period", [
    ("us", [0.0, 1.99, 6.0, 7.5], [2.0, 5.99, 8.1], 6.0),
    ("uk", [0.0, 0.39, 0.6, 0.99, 3.0], [0.4, 0.59, 1.0, 2.99], 3.0)])
def test_cadence_tables(name, on_at, off_at, period):
    assert sc.cadence_period(name) == period
    assert all(sc.ring_bit_on(name, t) for t in on_at)
    assert not any(sc.ring_bit_on(name, t) for t in off_at)


def test_longest_silence():
    assert (sc.longest_silence("us"), sc.longest_silence("uk")) == (4.0, 2.0)
