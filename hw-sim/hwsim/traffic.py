"""Random traffic: seeded Poisson arrivals of callers with exponential talk and patience times.

Callers arrive at ``calls_per_hour`` on average over ``hours`` (exponential gaps), on each of
``days`` consecutive days from the scenario's start (office hours: ``"hours": 8, "days": 30``
from a 09:00 start is 09:00-17:00 every day for 30 days). Each one talks
for an exponential time with mean ``talk_s_mean`` once an operator answers, gives up waiting in
the queue after an exponential time with mean ``patience_s_mean``, accepts a callback offer with
probability ``callback_share``, presses ``keys`` (one string, or a list of strings picked at
random per caller), and answers a dial-back after 2-10 s (one in ten never does). Caller
numbers are distinct fictitious UK mobile numbers (+44 7700 9xxxxx). The same ``seed`` gives the
same callers, whatever the appliance does with them.

Example::

    spec = TrafficSpec(calls_per_hour=40, hours=8, seed=7)
    for caller in traffic_callers(spec):
        print(caller.at_s, caller.number)
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Iterator

from hwsim.people.caller import CallerSpec

NEVER_ANSWERS_SHARE = 0.1
ANSWER_AFTER_RANGE_S = (2.0, 10.0)


@dataclass(frozen=True)
class TrafficSpec:
    """The scenario's ``traffic`` block, with defaults filled in."""

    calls_per_hour: float
    hours: float
    talk_s_mean: float = 180.0
    patience_s_mean: float = 240.0
    callback_share: float = 0.0
    keys: tuple[str, ...] = ("",)
    seed: int = 0
    days: int = 1

    def windows(self) -> list[tuple[float, float]]:
        """``(from_s, to_s)`` after the start of each day's arrivals (its office hours)."""
        return [(day * 86400.0, day * 86400.0 + self.hours * 3600.0) for day in range(self.days)]


def traffic_callers(spec: TrafficSpec) -> Iterator[CallerSpec]:
    """Callers in order of arrival (lazily: a week of demo traffic costs nothing up front)."""
    rng = random.Random(spec.seed)
    numbers = _numbers(rng)
    for begin_s, end_s in spec.windows():
        at_s = begin_s
        while True:
            at_s += rng.expovariate(spec.calls_per_hour / 3600.0)
            if at_s >= end_s:
                break
            yield _caller(spec, rng, at_s, next(numbers))


def _caller(spec: TrafficSpec, rng: random.Random, at_s: float, number: str) -> CallerSpec:
    return CallerSpec(
        at_s=at_s, number=number, keys=rng.choice(spec.keys),
        patience_s=rng.expovariate(1.0 / spec.patience_s_mean),
        accepts_callback=rng.random() < spec.callback_share,
        answers_callback_after_s=_answer_after(rng),
        talk_s=rng.expovariate(1.0 / spec.talk_s_mean))


def _answer_after(rng: random.Random) -> float | None:
    if rng.random() < NEVER_ANSWERS_SHARE:
        return None
    return rng.uniform(*ANSWER_AFTER_RANGE_S)


def _numbers(rng: random.Random) -> Iterator[str]:
    """Distinct numbers: a random start, then a stride coprime with 10**5 walks them all."""
    start, stride = rng.randrange(100_000), 7_919
    for n in range(100_000):
        yield f"+4477009{(start + n * stride) % 100_000:05d}"
    for n in itertools.count(100_000):        # past 100,000 callers: longer numbers
        yield f"+4477009{n:09d}"
