"""The loop's two clocks: real time for the appliance and the demo, simulated time for ``--fast``.

A clock answers three questions for the loop: what time is it (``now``, seconds since the epoch,
what the engine, records and screens see), where a deadline sits on the clock's own monotonic
scale (``deadline(at)``, what the loop's timer heap is kept in), and "give me the next posted
item, waiting no later than this deadline" (``wait``).

The real clock is the wall clock read once, at start, carried forward by the monotonic clock:
``now() = wall at the anchor + (monotonic now - monotonic at the anchor)``. A wall-clock step
(NTP setting a Pi that booted without a real-time clock) therefore moves neither ``now`` nor any
deadline. ``offset()`` tells how far the wall clock has moved away since the anchor, and
``reanchor()`` takes the wall clock's time again; the loop decides when (docs/architecture.md,
"Time"). Deadlines already on the heap are monotonic and stay where they were.

The simulated clock never sleeps: with nothing posted it jumps straight to the deadline, so an
eight-hour day of calls replays in a second or two. Its monotonic scale is its own time.

Example::

    loop = Loop(engine, SimClock(start=1795424400.0))   # 2026-11-23T09:00:00Z
    loop = Loop(engine, RealClock())
"""
from __future__ import annotations

import queue
import time
from typing import Callable

IDLE = object()
"""Returned by ``wait`` when nothing is posted and no deadline exists: nothing can ever happen."""


class RealClock:
    """Wall time at start carried forward by the monotonic clock; waits on monotonic time.

    ``wall`` and ``monotonic`` are the two time sources (tests give fakes).
    """

    simulated = False

    def __init__(self, wall: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._wall, self._monotonic = wall, monotonic
        self._anchor = (wall(), monotonic())      # one tuple: read and replaced atomically

    def now(self) -> float:
        """Seconds since the Unix epoch, as the wall clock said at the anchor plus what the
        monotonic clock has counted since. Never jumps; safe from any thread."""
        wall0, mono0 = self._anchor
        return wall0 + (self._monotonic() - mono0)

    def monotonic(self) -> float:
        """The monotonic reading deadlines are compared with."""
        return self._monotonic()

    def deadline(self, at: float) -> float:
        """The monotonic reading at which ``now()`` will be ``at`` (with the current anchor)."""
        wall0, mono0 = self._anchor
        return mono0 + (at - wall0)

    def offset(self) -> float:
        """How far the wall clock is from ``now()``: 0 give or take microseconds, until somebody
        (NTP, a technician) steps the wall clock."""
        return self._wall() - self.now()

    def reanchor(self) -> float:
        """Take the wall clock's time from here on; returns how far ``now()`` moved. Deadlines
        already converted by ``deadline`` keep their monotonic place."""
        before = self.now()
        self._anchor = (self._wall(), self._monotonic())
        return self.now() - before

    def wait(self, inbox: queue.SimpleQueue, deadline: float | None):
        """The next posted item, or None once the monotonic ``deadline`` has passed."""
        timeout = None if deadline is None else max(0.0, deadline - self._monotonic())
        try:
            return inbox.get(timeout=timeout)
        except queue.Empty:
            return None


class SimClock:
    """Simulated time that jumps to the next deadline whenever nothing is posted; never sleeps."""

    simulated = True

    def __init__(self, start: float) -> None:
        self._now = float(start)

    def now(self) -> float:
        """The simulated time, seconds since the Unix epoch."""
        return self._now

    def monotonic(self) -> float:
        """Simulated time is its own monotonic scale."""
        return self._now

    @staticmethod
    def deadline(at: float) -> float:
        """Deadlines are kept in simulated time itself."""
        return at

    @staticmethod
    def offset() -> float:
        """Simulated time has no wall clock to drift from."""
        return 0.0

    def reanchor(self) -> float:
        """Nothing to follow: simulated time never moves but by ``wait``."""
        return 0.0

    def wait(self, inbox: queue.SimpleQueue, deadline: float | None):
        """A posted item if there is one; else jump to ``deadline`` and return None (or IDLE)."""
        try:
            return inbox.get_nowait()
        except queue.Empty:
            pass
        if deadline is None:
            return IDLE
        self._now = max(self._now, deadline)
        return None
