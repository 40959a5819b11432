"""Estimated wait: when will the operator who serves a given place in line be free, and how to say it.

The method (documented with its measured error in docs/engine.md): every staffed operator of the
queue has a time at which they will next be free: now if free or ringing, the end of wrap-up,
or, for one talking, the expected *remaining* talk time given how long the call has already
lasted (the mean residual of recent talk times) plus wrap-up. The waiting line is then played
forward: the caller at place p takes the p-th operator to come free, each operator being busy one
mean handle time per caller before them.
"""
from __future__ import annotations

import heapq
from collections import deque

SAMPLES_KEPT = 100
MIN_TAIL_SAMPLES = 5


class HandleTimes:
    """Recent ring + talk times per queue (wrap-up is a setting, added by the caller)."""

    def __init__(self, keep: int = SAMPLES_KEPT):
        self.keep = keep
        self._samples: dict[str, deque] = {}

    def add(self, queue: str, seconds: float) -> None:
        """Learn from one call that ended: its ring time plus its talk time."""
        self._samples.setdefault(queue, deque(maxlen=self.keep)).append(max(0.0, seconds))

    def mean(self, queue: str, default: float) -> float:
        """Mean recent ring + talk time, or ``default`` before any call was measured."""
        samples = self._samples.get(queue)
        return sum(samples) / len(samples) if samples else default

    def residual(self, queue: str, elapsed: float, default: float) -> float:
        """Expected time left on a call that has lasted ``elapsed`` seconds so far.

        From the recent calls that lasted longer than ``elapsed`` when there are enough of them;
        otherwise the mean minus what has passed, never less than a quarter of the mean.
        """
        samples = self._samples.get(queue, ())
        longer = [s - elapsed for s in samples if s > elapsed]
        if len(longer) >= MIN_TAIL_SAMPLES:
            return sum(longer) / len(longer)
        mean = self.mean(queue, default)
        return max(mean - elapsed, 0.25 * mean)


class ForwardPlay:
    """The waiting line played forward over the operators' next-free times.

    ``free_at``: when each staffed operator is next free; ``cycle_s``: one caller's handle time
    including wrap-up. ``wait(ahead)`` must be asked with ``ahead`` never decreasing, so that one
    pass serves a whole queue; a fractional ``ahead`` (callers of other queues who share some of
    the operators) is rounded to whole callers.
    """

    def __init__(self, free_at: list[float], cycle_s: float, now: float):
        self.heap = sorted(free_at)
        self.cycle_s = cycle_s
        self.now = now
        self.served = 0

    def wait(self, ahead: float) -> float:
        """Seconds until the caller with ``ahead`` callers before them reaches an operator."""
        while self.served < int(round(ahead)):
            heapq.heappush(self.heap, heapq.heappop(self.heap) + self.cycle_s)
            self.served += 1
        return max(0.0, self.heap[0] - self.now)


def simple_estimate(position: int, handle_s: float, staffed: int) -> float | None:
    """The textbook figure: place in line x average handle time / operators staffed."""
    return None if staffed == 0 else position * handle_s / staffed


def round_for_speech(seconds: float) -> int:
    """Round a wait so that it sounds sensible, in seconds; 0 means "less than a minute".

    Under 10 minutes to the minute, then to 5 minutes up to half an hour, to 10 minutes up to an
    hour, then to a quarter of an hour, and never more than 3 hours.
    """
    if seconds < 60:
        return 0
    minutes = seconds / 60
    step = 1 if minutes < 10 else 5 if minutes < 30 else 10 if minutes < 60 else 15
    rounded = max(1, int(minutes / step + 0.5)) * step
    return min(rounded, 180) * 60
