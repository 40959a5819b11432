"""Talk and patience times given as a fixed number of seconds or as an exponential mean.

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
