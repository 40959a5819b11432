"""When simulated people act: talk and patience times (fixed or exponential), and the one
pending hook move of each handset.

Example::

    draw_seconds(120, rng)            # 120.0
    draw_seconds({"mean": 90}, rng)   # exponential with mean 90 s, from the seeded rng
    draw_seconds(None, rng)           # None: no time of their own (the other side decides)
"""
from __future__ import annotations

import random


def draw_seconds(value: float | dict | None, rng: random.Random) -> float | None:
    """A concrete duration for ``value`` (a number, ``{"mean": s}`` or None)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return rng.expovariate(1.0 / value["mean"])
    return float(value)


class NextMoves:
    """At most one pending move per handset (lift, put down, give up): a new one replaces it.

    Shared by the simulated bank and the operators at the simulated board's desks.
    """

    def __init__(self, scheduler) -> None:
        self._scheduler = scheduler
        self._pending: dict[int, object] = {}

    def later(self, handset: int, delay: float, move) -> None:
        """Do ``move(handset)`` after ``delay`` seconds, instead of whatever was pending."""
        self.cancel(handset)
        self._pending[handset] = self._scheduler.call_later(delay, lambda: move(handset))

    def cancel(self, handset: int) -> None:
        """Forget the pending move of ``handset`` so that it does not happen."""
        handle = self._pending.pop(handset, None)
        if handle is not None:
            handle.cancel()

    def done(self, handset: int) -> None:
        """The pending move of ``handset`` is happening now: nothing is pending any more."""
        self._pending.pop(handset, None)

    def cancel_all(self) -> None:
        """Nothing pending for any handset (closing the bank)."""
        for handset in list(self._pending):
            self.cancel(handset)

    def __bool__(self) -> bool:
        return bool(self._pending)

    def __contains__(self, handset: int) -> bool:
        return handset in self._pending
