"""An RPi.GPIO-compatible module object whose pins are wired to simulated chips, not silicon.

It has RPi.GPIO's constants and calls (``setmode``, ``setwarnings``, ``setup``, ``output``,
``input``, ``cleanup``, ``getmode``) and refuses misuse the way RPi.GPIO does: a call before
``setmode`` or before ``setup``, ``output`` on an input, a channel that is no GPIO. Each BCM pin
may be wired to a sink (the Pi drives it: the sink gets every level written) or a source (the
Pi reads it: the source gives the level). Pass it wherever the real module would go:

Example::

    gpio = FakeRPiGPIO(sinks={17: print}, sources={23: lambda: 1})
    gpio.setmode(gpio.BCM)
    gpio.setup(17, gpio.OUT)
    gpio.output(17, gpio.HIGH)          # prints 1
    gpio.setup(23, gpio.IN)
    assert gpio.input(23) == 1
"""
from __future__ import annotations

import warnings
from typing import Callable, Iterable

# physical header pin -> BCM number, for setmode(BOARD) (40-pin header)
BOARD_TO_BCM = {3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24,
                19: 10, 21: 9, 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12,
                33: 13, 35: 19, 36: 16, 37: 26, 38: 20, 40: 21}
NO_MODE = ("Please set pin numbering mode using GPIO.setmode(GPIO.BOARD) or "
           "GPIO.setmode(GPIO.BCM)")


class FakeRPiGPIO:
    """One simulated Pi's GPIO, with the RPi.GPIO module's API (see the module docstring)."""

    BOARD, BCM = 10, 11
    OUT, IN = 0, 1
    LOW, HIGH = 0, 1
    PUD_OFF, PUD_DOWN, PUD_UP = 20, 21, 22
    RISING, FALLING, BOTH = 31, 32, 33
    VERSION = "0.7.1 (hwsim fake)"

    def __init__(self, sinks: dict[int, Callable[[int], None]] | None = None,
                 sources: dict[int, Callable[[], int]] | None = None,
                 pull_ups: dict[int, int] | None = None) -> None:
        self.sinks = dict(sinks or {})
        self.board_pulls = dict(pull_ups or {})   # pin -> level a resistor on the board holds
        self.sources = dict(sources or {})
        self.mode: int | None = None
        self.warnings = True
        self.directions: dict[int, int] = {}      # BCM pin -> OUT/IN, for pins set up
        self.levels: dict[int, int] = {}          # BCM pin -> last level written (outputs)
        self.pulls: dict[int, int] = {}

    # -- RPi.GPIO API ----------------------------------------------------------------------------

    def setmode(self, mode: int) -> None:
        """Choose BCM or BOARD numbering; a different mode later is refused."""
        if mode not in (self.BCM, self.BOARD):
            raise ValueError("An invalid mode was passed to setmode()")
        if self.mode is not None and mode != self.mode:
            raise ValueError("A different mode has already been set!")
        self.mode = mode

    def getmode(self) -> int | None:
        """The numbering mode set, or None."""
        return self.mode

    def setwarnings(self, flag: bool) -> None:
        """Turn RPi.GPIO's warnings on or off."""
        self.warnings = bool(flag)

    def setup(self, channel, direction: int, pull_up_down: int = 20, initial: int = -1) -> None:
        """Make ``channel`` (or each of a list) an output or an input."""
        if direction not in (self.OUT, self.IN):
            raise ValueError("An invalid direction was passed to setup()")
        if direction == self.OUT and pull_up_down != self.PUD_OFF:
            raise ValueError("pull_up_down parameter is not valid for outputs")
        for pin in self._pins(channel):
            self.directions[pin] = direction
            self.pulls[pin] = pull_up_down
            if direction == self.OUT and initial != -1:
                self._drive(pin, initial)

    def output(self, channel, value) -> None:
        """Drive ``channel`` (or each of a list) to ``value``."""
        if self.mode == self.BCM and self.directions.get(channel) == self.OUT:
            self._drive(channel, value)          # the common case, kept quick for sim --fast
            return
        for pin in self._pins(channel):
            if self.directions.get(pin) != self.OUT:
                raise RuntimeError("The GPIO channel has not been set up as an OUTPUT")
            self._drive(pin, value)

    def input(self, channel: int) -> int:
        """The level on ``channel``: what drives it, or the pull resistor if nothing does."""
        (pin,) = [channel] if self.mode == self.BCM and channel in self.directions \
            else self._pins(channel)
        if pin not in self.directions:
            raise RuntimeError("You must setup() the GPIO channel first")
        if self.directions[pin] == self.OUT:
            return self.levels.get(pin, 0)
        if pin in self.sources:
            return int(bool(self.sources[pin]()))
        return 1 if self.pulls.get(pin) == self.PUD_UP else 0

    def cleanup(self, channel=None) -> None:
        """Return ``channel`` (or every pin set up) to an input; all: also forget the mode."""
        if channel is None and not self.directions:
            self._warn("No channels have been set up yet - nothing to clean up!")
        pins = list(self.directions) if channel is None else self._pins(channel)
        for pin in pins:
            self.directions.pop(pin, None)
            self.levels.pop(pin, None)
            if pin in self.board_pulls and pin in self.sinks:
                self.sinks[pin](self.board_pulls[pin])     # the board's resistor takes over
        if channel is None:
            self.mode = None

    # -- helpers ---------------------------------------------------------------------------------

    def _pins(self, channel) -> list[int]:
        if self.mode is None:
            raise RuntimeError(NO_MODE)
        channels = channel if isinstance(channel, (list, tuple)) else [channel]
        return [self._bcm(number) for number in channels]

    def _bcm(self, number: int) -> int:
        if self.mode == self.BOARD:
            if number not in BOARD_TO_BCM:
                raise ValueError("The channel sent is invalid on a Raspberry Pi")
            return BOARD_TO_BCM[number]
        if not isinstance(number, int) or not 0 <= number <= 27:
            raise ValueError("The channel sent is invalid on a Raspberry Pi")
        return number

    def _drive(self, pin: int, value) -> None:
        level = int(bool(value))
        self.levels[pin] = level
        if pin in self.sinks:
            self.sinks[pin](level)

    def _warn(self, text: str) -> None:
        if self.warnings:
            warnings.warn(text, RuntimeWarning, stacklevel=3)

    def pins_set_up(self) -> Iterable[int]:
        """The BCM pins currently set up (for tests: what ``cleanup`` left behind)."""
        return sorted(self.directions)
