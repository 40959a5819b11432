"""The loop's two clocks: real time for the appliance and the demo, simulated time for ``--fast``.

A clock answers two questions for the loop: what time is it, and "give me the next posted item,
waiting no later than ``deadline``". The real clock sleeps on the inbox until the deadline; the
simulated clock never sleeps: with nothing posted it jumps straight to the deadline, so an
eight-hour day of calls replays in a second or two.

Example::

    loop = Loop(engine, SimClock(start=1795424400.0))   # 2026-11-23T09:00:00Z
    loop = Loop(engine, RealClock())
"""
from __future__ import annotations

import queue
import time

IDLE = object()
"""Returned by ``wait`` when nothing is posted and no deadline exists: nothing can ever happen."""


class RealClock:
    """Wall-clock time (``time.time()``); waits on the inbox until the next deadline."""

    simulated = False

    def now(self) -> float:
        """Seconds since the Unix epoch."""
        return time.time()

    def wait(self, inbox: queue.SimpleQueue, deadline: float | None):
        """The next posted item, or None once ``deadline`` has passed with nothing posted."""
        timeout = None if deadline is None else max(0.0, deadline - time.time())
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
