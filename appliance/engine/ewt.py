"""Estimated wait: how long until an operator is free for a given place in line, and how to say it.

The method, documented with its measured error in docs/engine.md:

1. The first operator to come free. Operators free now (or ringing for a caller ahead) are free
   at once; one in wrap-up at its end; one talking after the rest of the call, which is not known
   but has a distribution: that of recent calls of the queue that lasted longer than this one has
   so far (the residual), then the wrap-up. The expected first completion is the integral of the
   chance that *nobody* is free yet, the product of each operator's survival function.
2. Each further caller ahead takes, on average, one mean handle time divided by the operators
   staffed: the rate at which a full room of operators frees up.

Taking the expected *minimum* of the operators' remaining times matters: three operators who each
have about three minutes left free the first of them in about one minute, not three.
"""
from __future__ import annotations

import bisect
import math
from collections import deque

SAMPLES_KEPT = 100
MIN_TAIL_SAMPLES = 5
GRID_STEPS = 120


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

    def remaining(self, queue: str, elapsed: float, default: float) -> "Remaining":
        """What is known of the rest of a call that has lasted ``elapsed`` seconds so far."""
        longer = sorted(s - elapsed for s in self._samples.get(queue, ()) if s > elapsed)
        if len(longer) >= MIN_TAIL_SAMPLES:
            return Remaining(longer, None)
        mean = self.mean(queue, default)
        return Remaining(None, max(mean - elapsed, 0.25 * mean))


class Remaining:
    """The remaining time of a call: empirical (sorted residuals) or, with too little data,
    exponential with the given mean."""

    def __init__(self, residuals: list[float] | None, mean: float | None):
        self.residuals, self.mean_s = residuals, mean

    def survival(self, t: float) -> float:
        """Chance that the call is still going ``t`` seconds from now."""
        if self.residuals is None:
            return math.exp(-t / self.mean_s) if self.mean_s > 0 else 0.0
        gone = bisect.bisect_right(self.residuals, t)
        return 1.0 - gone / len(self.residuals)

    def horizon(self) -> float:
        """A time by which the call has almost surely ended."""
        return self.residuals[-1] if self.residuals is not None else 8 * self.mean_s

    def mean(self) -> float:
        """The expected remaining time."""
        if self.residuals is None:
            return self.mean_s
        return sum(self.residuals) / len(self.residuals)


def first_free(fixed: list[float], talking: list[tuple[Remaining, float]]) -> float:
    """Expected seconds until the first of the busy operators is free.

    ``fixed``: operators free after a known delay (wrap-up); ``talking``: a call's remaining time
    and the wrap-up that follows it. Integrates P(nobody free at t) = product of survivals.
    """
    if not talking:
        return min(fixed, default=0.0)
    end = min([min(fixed, default=math.inf)] + [r.horizon() + w for r, w in talking])
    if end <= 0:
        return 0.0
    step = end / GRID_STEPS
    total, before = 0.0, 1.0
    for k in range(1, GRID_STEPS + 1):
        t = k * step
        now = math.prod(r.survival(t - w) if t > w else 1.0 for r, w in talking)
        total += (before + now) / 2 * step
        before = now
    return total


def expected_wait(ahead: float, free_now: int, first_s: float, cycle_s: float, staffed: int) -> float:
    """Seconds until the caller with ``ahead`` callers before them reaches an operator.

    The first ``free_now`` callers go straight to a free operator; the next waits for the first
    busy one to be free (``first_s``); each after that one more ``cycle_s / staffed``. A
    fractional ``ahead`` (callers of other queues sharing some operators) counts as it stands.
    """
    if ahead < free_now - 1e-9:
        return 0.0
    return first_s + max(0.0, ahead - free_now) * cycle_s / staffed


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
