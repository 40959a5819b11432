"""The simulated chips against their datasheet behaviour (hwsim.board.chips)."""
from __future__ import annotations

import pytest

from appliance.handsets.shiftchain import AX_OF_X
from hwsim.board.chips import HC165Chain, HC595Chain, MT8816


def shift(chain: HC595Chain, bits) -> None:
    for bit in bits:
        chain.ser(bit)
        chain.srclk(1)
        chain.srclk(0)


def test_595_first_bit_shifted_ends_at_the_far_end():
    chain = HC595Chain()
    chain.oe(0)
    shift(chain, [1] + [0] * 23)
    chain.rclk(1)
    assert chain.outputs[23] == 1 and sum(chain.outputs) == 1


def test_595_outputs_change_only_on_the_latch_rising_edge():
    latched = []
    chain = HC595Chain(on_latch=latched.append)
    chain.oe(0)
    latched.clear()
    shift(chain, [1] * 24)
    assert chain.outputs == [0] * 24
    chain.rclk(1)
    chain.rclk(1)                          # a level, not an edge: no second latch
    assert chain.outputs == [1] * 24 and len(latched) == 1


def test_595_powers_up_with_garbage_that_only_output_enable_lets_out():
    chain = HC595Chain(power_up=[1, 0] * 12)
    assert chain.outputs == [0] * 24       # /OE pulled up: nothing rings at power-up
    chain.oe(0)
    assert chain.outputs == [1, 0] * 12    # enabling before a clean frame rings phones
    chain.oe(1)
    assert chain.outputs == [0] * 24


def test_595_shifts_on_rising_clock_edges_only():
    chain = HC595Chain()
    chain.ser(1)
    chain.srclk(0)
    chain.srclk(0)
    assert chain.register[0] == 0
    chain.srclk(1)
    chain.srclk(1)
    assert chain.register[:2] == [1, 0]


def test_165_loads_while_low_and_shifts_toward_qh_on_rising_clock():
    inputs = [1, 0, 1] + [0] * 21
    chain = HC165Chain(lambda: inputs)
    chain.sh_ld(0)
    assert chain.qh() == 1                 # while loading, QH shows the first input
    chain.sh_ld(1)
    inputs = [0] * 24                      # later changes are not seen until the next load
    read = []
    for _ in range(3):
        read.append(chain.qh())
        chain.clk(1)
        chain.clk(0)
    assert read == [1, 0, 1]


def test_165_ignores_the_clock_while_loading():
    chain = HC165Chain(lambda: [1] + [0] * 23)
    chain.sh_ld(0)
    chain.clk(1)
    chain.clk(0)
    chain.sh_ld(1)
    assert chain.qh() == 1


def strobe(chip: MT8816, x: int, y: int, data: int, cs: int = 1) -> None:
    """Address column ``x`` by the datasheet's AX code for it, then strobe ``data``."""
    code = AX_OF_X[x]
    for bit in range(4):
        chip.ax(bit, (code >> bit) & 1)
    for bit in range(3):
        chip.ay(bit, (y >> bit) & 1)
    chip.data(data)
    chip.cs(cs)
    chip.strobe(1)
    chip.strobe(0)
    chip.cs(0)


def test_mt8816_strobe_with_chip_selected_closes_and_opens():
    changes = []
    chip = MT8816(lambda x, y, closed: changes.append((x, y, closed)))
    strobe(chip, 13, 2, 1)
    assert chip.closed == {(13, 2)}
    strobe(chip, 13, 2, 0)
    assert chip.closed == set() and changes == [(13, 2, True), (13, 2, False)]


def test_mt8816_ignores_a_strobe_without_chip_select():
    chip = MT8816()
    strobe(chip, 1, 1, 1, cs=0)
    assert chip.closed == set()


def test_mt8816_reset_opens_all_and_blocks_strobes_while_high():
    chip = MT8816()
    strobe(chip, 0, 0, 1)
    strobe(chip, 5, 3, 1)
    chip.reset(1)
    strobe(chip, 7, 1, 1)
    assert chip.closed == set()
    chip.reset(0)
    strobe(chip, 7, 1, 1)
    assert chip.closed == {(7, 1)}


@pytest.mark.parametrize("ax, x", [(0b0000, 0), (0b0101, 5), (0b0110, 12), (0b0111, 13),
                                   (0b1000, 6), (0b1010, 8), (0b1101, 11), (0b1110, 14),
                                   (0b1111, 15)])
def test_mt8816_decodes_ax_by_its_truth_table_not_as_binary(ax, x):
    chip = MT8816()
    for bit in range(4):
        chip.ax(bit, (ax >> bit) & 1)
    chip.data(1)
    chip.cs(1)
    chip.strobe(1)
    chip.strobe(0)
    assert chip.closed == {(x, 0)}
