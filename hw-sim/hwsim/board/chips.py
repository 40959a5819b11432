"""Logic models of the reference board's chips, driven pin by pin: 74HC595, 74HC165, MT8816.

Each model takes pin levels (0/1) through one method per input pin and acts on edges the way
its datasheet says, so the GPIO driver is tested against the chips' protocol rather than
against its own idea of it. Chains are modelled as one long register (3 chips x 8 bits).

Example::

    ring = HC595Chain()
    ring.oe(0)                          # /OE low: the latched bits reach the pins
    for bit in [1] + [0] * 23:          # handset 24's bit first ...
        ring.ser(bit); ring.srclk(1); ring.srclk(0)
    ring.rclk(1); ring.rclk(0)          # ... latch: output 23 (handset 24) is now high
    assert ring.outputs[23] == 1
"""
from __future__ import annotations

from typing import Callable

# The MT8816 truth table, AX code -> column X (0110 -> X12, 1000 -> X6, ... see design.md).
X_OF_AX = (0, 1, 2, 3, 4, 5, 12, 13, 6, 7, 8, 9, 10, 11, 14, 15)


class HC595Chain:
    """Chained 74HC595s: SER shifts in on a rising SRCLK; outputs change only on a rising RCLK.

    ``outputs[0]`` is the first chip's Q0 (the stage nearest SER); a bit shifted in first ends
    up at the far end of the chain after ``8 * chips`` clocks.
    """

    def __init__(self, chips: int = 3, on_latch: Callable[[list[int]], None] | None = None,
                 power_up: list[int] | None = None):
        self.size = 8 * chips
        self.register = list(power_up) if power_up else [0] * self.size   # random at power-up
        self.latched = list(self.register)
        self.on_latch = on_latch
        self._ser = self._srclk = self._rclk = 0
        self._oe = 1                              # /OE pulled up on the board: outputs off

    @property
    def outputs(self) -> list[int]:
        """What the pins drive: the latched bits while /OE is low, nothing while it is high."""
        return list(self.latched) if not self._oe else [0] * self.size

    def oe(self, level: int) -> None:
        """/OE, active low: high turns every output off (high impedance, pulled down)."""
        if int(level) != self._oe:
            self._oe = int(level)
            self._changed()

    def _changed(self) -> None:
        if self.on_latch is not None:
            self.on_latch(self.outputs)

    def ser(self, level: int) -> None:
        """Serial data input of the first chip."""
        self._ser = int(level)

    def srclk(self, level: int) -> None:
        """Shift clock: on a rising edge every stage moves one place along, SER enters stage 0."""
        if level and not self._srclk:
            self.register = [self._ser] + self.register[:-1]
        self._srclk = int(level)

    def rclk(self, level: int) -> None:
        """Latch clock: on a rising edge the outputs take the shift register's contents."""
        if level and not self._rclk:
            self.latched = list(self.register)
            self._changed()
        self._rclk = int(level)


class HC165Chain:
    """Chained 74HC165s: SH/LD low loads the parallel inputs; a rising CLK shifts toward QH.

    ``inputs()`` gives the parallel inputs in chain order: index 0 is the input that appears on
    QH right after loading (the first bit read). SER of the far chip is tied low.
    """

    def __init__(self, inputs: Callable[[], list[int]], chips: int = 3) -> None:
        self.size = 8 * chips
        self.inputs = inputs
        self.register = [0] * self.size
        self._loading = False
        self._clk = 0

    def sh_ld(self, level: int) -> None:
        """Shift/load: while low the register follows the inputs; the rising edge holds them."""
        if level and self._loading:
            self.register = self._sample()
        self._loading = not level

    def clk(self, level: int) -> None:
        """Clock: on a rising edge (while not loading) each bit moves one place toward QH."""
        if level and not self._clk and not self._loading:
            self.register = self.register[1:] + [0]
        self._clk = int(level)

    def qh(self) -> int:
        """The serial output: the bit at the end of the chain (the inputs' first while loading)."""
        return self._sample()[0] if self._loading else self.register[0]

    def _sample(self) -> list[int]:
        bits = [int(bool(b)) for b in self.inputs()]
        if len(bits) != self.size:
            raise ValueError(f"the chain has {self.size} inputs, got {len(bits)}")
        return bits


class MT8816:
    """A 16x8 analog crosspoint switch (X0-X15 by AX0-AX3, Y0-Y7 by AY0-AY2).

    AX selects X by the datasheet's truth table, which is not binary: AX 0110 and 0111 are X12
    and X13, 1000-1101 are X6-X11 (``X_OF_AX``); ``closed`` holds (X, Y) columns and rows.

    With CS high, the switch at (AX, AY) takes DATA (1 close, 0 open) when STROBE falls after a
    high pulse; RESET high opens every switch and ignores strobes. Address lines, DATA, STROBE
    and RESET are shared by both chips on the board; CS is each chip's own.
    """

    def __init__(self, on_change: Callable[[int, int, bool], None] | None = None) -> None:
        self.closed: set[tuple[int, int]] = set()
        self.on_change = on_change
        self._ax = [0, 0, 0, 0]
        self._ay = [0, 0, 0]
        self._data = self._strobe = self._cs = self._reset = 0

    def ax(self, bit: int, level: int) -> None:
        """Address line AX<bit> (X = handset index within the chip)."""
        self._ax[bit] = int(level)

    def ay(self, bit: int, level: int) -> None:
        """Address line AY<bit> (Y = line index)."""
        self._ay[bit] = int(level)

    def data(self, level: int) -> None:
        """DATA: 1 closes, 0 opens the addressed switch at the strobe."""
        self._data = int(level)

    def cs(self, level: int) -> None:
        """Chip select, active high."""
        self._cs = int(level)

    def strobe(self, level: int) -> None:
        """STROBE: the falling edge of a high pulse applies DATA to the addressed switch."""
        if not level and self._strobe and self._cs and not self._reset:
            self._set(X_OF_AX[_value(self._ax)], _value(self._ay), bool(self._data))
        self._strobe = int(level)

    def reset(self, level: int) -> None:
        """RESET: while high every switch is open."""
        self._reset = int(level)
        if level:
            for x, y in sorted(self.closed):
                self._set(x, y, False)

    def _set(self, x: int, y: int, close: bool) -> None:
        if close == ((x, y) in self.closed):
            return
        (self.closed.add if close else self.closed.discard)((x, y))
        if self.on_change is not None:
            self.on_change(x, y, close)


def _value(bits: list[int]) -> int:
    """Address lines (least significant first) as a number."""
    return sum(bit << place for place, bit in enumerate(bits))
