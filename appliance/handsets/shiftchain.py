"""Pure bit packing for the reference board: 74HC595 ring bits, 74HC165 hook bits, MT8816 addresses.

No I/O here: the GPIO driver turns these sequences into pin writes, and the tests check them
against the wiring in docs/wiring.md. Handsets are numbered 1-24 on the chains (20 are usable),
lines by their index in settings order (0-3).

Example::

    >>> ring_sequence({1, 3})[-3:]          # the last bits shifted are handsets 3, 2, 1
    [1, 0, 1]
    >>> off_hook_from_bits([0, 1] + [0] * 22)
    {2}
    >>> crosspoint(17, 2)
    Crosspoint(chip='b', ax=0, ay=2)
    >>> ring_bit_on("uk", 0.5)               # 0.4 on, 0.2 off: silent at 0.5 s
    False
"""
from __future__ import annotations

from dataclasses import dataclass

CHAIN_BITS = 24                     # three 8-bit chips on each chain
MAX_HANDSETS = 20                   # the MT8816 pair serves 16 + 4 handsets
CHIP_A_HANDSETS = 16
MAX_LINES = 4
SERVICE_ROW = 4                     # Y4: the service bus (whisper, handset test), design.md

# (seconds on, seconds off) pairs, repeated from the start of ringing.
CADENCES: dict[str, tuple[tuple[float, float], ...]] = {
    "us": ((2.0, 4.0),),
    "uk": ((0.4, 0.2), (0.4, 2.0)),
}


# -- 74HC595 ring chain ----------------------------------------------------------------------

def ring_sequence(ringing: set[int] | frozenset[int]) -> list[int]:
    """The 24 bits to shift into the ring chain, in shifting order: handset 24 first, 1 last."""
    _check_handsets(ringing, CHAIN_BITS)
    return [1 if handset in ringing else 0 for handset in range(CHAIN_BITS, 0, -1)]


def ringing_from_outputs(outputs: list[int]) -> set[int]:
    """Which handsets ring, given the chain's 24 latched outputs (output k-1 = handset k)."""
    return {index + 1 for index, bit in enumerate(outputs) if bit}


# -- 74HC165 hook chain ----------------------------------------------------------------------

def off_hook_from_bits(bits: list[int]) -> set[int]:
    """The handsets off hook (raw), from the 24 bits in reading order (the first is handset 1)."""
    if len(bits) != CHAIN_BITS:
        raise ValueError(f"the hook chain gives {CHAIN_BITS} bits, got {len(bits)}")
    return {index + 1 for index, bit in enumerate(bits) if bit}


# -- MT8816 crosspoints ----------------------------------------------------------------------

# The MT8816 datasheet's truth table: the AX3..AX0 code that selects each column X0-X15. It
# is not binary: 0110/0111 select X12/X13 and 1000-1101 select X6-X11 (design.md).
AX_OF_X = (0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 6, 7, 14, 15)


@dataclass(frozen=True)
class Crosspoint:
    """Where one handset meets one line: chip ``a`` or ``b``, its column X (0-15) and row Y
    (0-7). ``ax`` is the address code that selects X, by the chip's truth table."""

    chip: str
    x: int
    ay: int

    @property
    def ax(self) -> int:
        """The AX3..AX0 code for column ``x``."""
        return AX_OF_X[self.x]


def crosspoint(handset: int, line_index: int) -> Crosspoint:
    """The crosspoint joining ``handset`` (1-20) to the line at ``line_index`` (0-3)."""
    _check_handsets({handset}, MAX_HANDSETS)
    if not 0 <= line_index < MAX_LINES:
        raise ValueError(f"line index must be 0-{MAX_LINES - 1}, got {line_index}")
    if handset <= CHIP_A_HANDSETS:
        return Crosspoint("a", handset - 1, line_index)
    return Crosspoint("b", handset - CHIP_A_HANDSETS - 1, line_index)


def service_crosspoint(handset: int) -> Crosspoint:
    """The crosspoint joining ``handset`` to the service bus (row Y4)."""
    line_one = crosspoint(handset, 0)
    return Crosspoint(line_one.chip, line_one.x, SERVICE_ROW)


def address_bits(value: int, width: int) -> list[int]:
    """``value`` as ``width`` bits, least significant first (AX0..AX3, AY0..AY2)."""
    return [(value >> bit) & 1 for bit in range(width)]


# -- ring cadence ----------------------------------------------------------------------------

def cadence_period(name: str) -> float:
    """Seconds of one whole cadence cycle (us: 6.0, uk: 3.0)."""
    return sum(on + off for on, off in CADENCES[name])


def longest_silence(name: str) -> float:
    """The longest off part of a cadence: a handset silent longer than this has stopped ringing."""
    return max(off for _, off in CADENCES[name])


def ring_bit_on(name: str, elapsed: float) -> bool:
    """Is the ring bit on ``elapsed`` seconds after ringing started with cadence ``name``?"""
    t = round(elapsed % cadence_period(name), 6)        # microseconds: no float drift at edges
    for on, off in CADENCES[name]:
        if t < on:
            return True
        t = round(t - on - off, 6)
        if t < 0:
            return False
    return False


def _check_handsets(handsets, highest: int) -> None:
    bad = sorted(h for h in handsets if not 1 <= h <= highest)
    if bad:
        raise ValueError(f"handset numbers must be 1-{highest}, got {bad}")
