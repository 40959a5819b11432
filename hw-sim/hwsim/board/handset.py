"""A desk phone on a line card: a ringer that counts rings, a bouncing hook switch, an audio path.

The ring bit from the board makes the ringer sound; bursts closer than ``RING_GAP_S`` belong to
one ring (the UK double burst is one ring), so ``rings`` counts rings the way a person hears
them. The hook switch bounces for a few milliseconds on every lift and put-down (seeded), as
real contacts do, so the driver's debouncing is exercised; ``off_hook_raw(now)`` is what the
74HC165 sees. ``lines`` holds the line indices whose crosspoint to this phone is closed.

Example::

    phone = DeskPhone(3, random.Random(0))
    phone.lift(now=10.0)
    phone.off_hook_raw(10.001)     # may still read on hook: the contact is bouncing
    phone.off_hook_raw(10.05)      # True
"""
from __future__ import annotations

import bisect
import random
from typing import Callable

RING_GAP_S = 1.0           # silence longer than this between bursts starts a new ring
BOUNCE_S = 0.012           # contacts settle within 12 ms
FLASH_DOWN_S = 0.3         # a hook flash keeps the handset down this long


class DeskPhone:
    """Handset ``number`` (1-20); ``on_ring(phone, on, now)`` hears each ring-bit change."""

    def __init__(self, number: int, rng: random.Random) -> None:
        self.number = number
        self.rng = rng
        self.ringing = False
        self.rings = 0                     # rings heard since the handset was last moved
        self.last_ring_end: float | None = None
        self.lines: set[int] = set()
        self.on_ring: Callable[[DeskPhone, bool, float], None] | None = None
        self._times: list[float] = [float("-inf")]
        self._states: list[bool] = [False]

    # -- ringer -----------------------------------------------------------------------------------

    def set_ring(self, on: bool, now: float) -> None:
        """The line card's ring bit changed (the board latched new ring outputs)."""
        if on == self.ringing:
            return
        if on and (self.last_ring_end is None or now - self.last_ring_end > RING_GAP_S):
            self.rings += 1
        if not on:
            self.last_ring_end = now
        self.ringing = on
        if self.on_ring is not None:
            self.on_ring(self, on, now)

    # -- hook switch ------------------------------------------------------------------------------

    @property
    def off_hook(self) -> bool:
        """Where the hook is going: the state once the contacts have settled."""
        return self._states[-1]

    def off_hook_raw(self, now: float) -> bool:
        """The contact as it reads at ``now``, bounces included."""
        return self._states[bisect.bisect_right(self._times, now) - 1]

    def lift(self, now: float) -> None:
        """Pick the handset up (the contacts bounce on the way)."""
        self._move(True, now)

    def put_down(self, now: float) -> None:
        """Put the handset back on its cradle."""
        self._move(False, now)

    def flash(self, now: float, down_s: float = FLASH_DOWN_S) -> None:
        """Press the cradle briefly: down at ``now``, up again ``down_s`` later."""
        self._move(False, now)
        self._move(True, now + down_s)

    def _move(self, off_hook: bool, at: float) -> None:
        if off_hook == self.off_hook:
            return
        self.rings = 0
        at = max(at, self._times[-1])           # after a flash still under way
        self._forget_before(at)
        for when, state in self._bounces(off_hook, at):
            self._times.append(when)
            self._states.append(state)

    def _bounces(self, target: bool, at: float) -> list[tuple[float, bool]]:
        """The contact's moves: ``target`` at ``at``, then a few seeded chatters that end on it."""
        chatters = sorted(self.rng.uniform(0.0005, BOUNCE_S) for _ in range(2 * self.rng.randint(1, 3)))
        moves = [(at, target)]
        for index, offset in enumerate(chatters):
            moves.append((at + offset, target if index % 2 else not target))
        return moves

    def _forget_before(self, at: float) -> None:
        """Drop moves older than a second before ``at`` (the last one before it stays)."""
        keep = max(0, bisect.bisect_right(self._times, at - 1.0) - 1)
        del self._times[:keep], self._states[:keep]
