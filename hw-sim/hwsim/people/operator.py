"""A simulated operator at a desk handset: answers after a few seconds, talks, hangs up.

``talk_s`` is a number, ``{"mean": s}`` (exponential, from the seeded rng) or None (talk until
the caller hangs up). An operator who is not ``present`` never answers: the ring times out and
the engine moves on to the next operator.

Example::

    ann = SimOperator("ann", handset=1, answer_after_s=4, talk_s={"mean": 120}, rng=rng)
    bank = SimHandsets(loop, [ann], count=3)
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from hwsim.people.timing import draw_seconds


@dataclass
class SimOperator:
    """One person at one handset; ``present`` may be switched off to make them walk away."""

    id: str
    handset: int
    answer_after_s: float
    talk_s: float | dict | None = None
    present: bool = True
    rng: random.Random = field(default_factory=random.Random, repr=False)
    flash: tuple[dict, ...] = ()     # hook flashes in each call: {after_s, keys | hold_s}

    def talk_duration(self) -> float | None:
        """How long this conversation lasts on the operator's side; None: the caller decides."""
        return draw_seconds(self.talk_s, self.rng)


def operators_from_settings(settings: dict, talk_s: float | dict | None,
                            rng: random.Random) -> list[SimOperator]:
    """An operator at each settings operator's handset, answering after ``sim_answer_after_s``."""
    answer_after = settings["handsets"]["sim_answer_after_s"]
    return [SimOperator(op["id"], op["handset"], answer_after, talk_s, rng=rng)
            for op in settings["operators"]]
