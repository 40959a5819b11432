"""Test rig for the simulator: a loop on simulated time around an engine that only listens.

The tests play the engine themselves (``execute(command)``) and read what the simulated
hardware and people posted back (``events``), with simulated time moved on by ``advance``.
"""
from __future__ import annotations

import random

from appliance.clock import SimClock
from appliance.loop import Loop
from appliance.store import schema
from hwsim.handsets import SimHandsets
from hwsim.lines import SimLine
from hwsim.network import Network
from hwsim.people.caller import CallerSpec, SimCaller
from hwsim.people.operator import SimOperator
from hwsim.speech import Speech

START = 1_795_424_400.0        # 2026-11-23T09:00:00Z


class ListeningEngine:
    """Stand-in engine: remembers every event with its time and answers with no commands."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, object]] = []

    def handle(self, event, now):
        self.seen.append((now, event))
        return []

    def snapshot(self, now):
        return {"now": now, "events": len(self.seen)}

    def is_idle(self):
        return True


class Rig:
    """One loop, one settings document, simulated lines and a handset bank."""

    def __init__(self, lines=("line1",), operators=(), count=3, answer_timeout_s=30.0,
                 engine=None, calllog=None):
        self.settings = schema.defaults()
        self.engine = engine or ListeningEngine()
        self.loop = Loop(self.engine, SimClock(START))
        self.network = Network()
        self.speech = Speech(self.settings)
        self.lines = {name: SimLine(name, self.loop, self.network, self.speech, answer_timeout_s)
                      for name in lines}
        self.bank = SimHandsets(self.loop, list(operators), count)
        self.loop.connect(lines=self.lines.values(), handsets=self.bank, calllog=calllog)

    def caller(self, **spec) -> SimCaller:
        """A caller registered in the network under their callback number."""
        spec = CallerSpec(**{"at_s": 0, **spec})
        number = spec.callback_number or spec.number or "+441632960999"
        talk = spec.talk_s if not isinstance(spec.talk_s, dict) else None
        person = SimCaller(spec, self.loop, self.speech, number, talk_s=talk)
        self.network.register(number, person)
        return person

    def execute(self, command) -> None:
        """Act as the engine: hand ``command`` to the loop's routing."""
        self.loop.execute(command)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass, handling everything due meanwhile."""
        target = self.loop.now() + seconds
        self.loop.call_at(target, lambda: None)
        self.loop.run_until(lambda: self.loop.now() >= target)
        self.loop.drain()

    def events(self, since: float = START) -> list[tuple[float, object]]:
        """(seconds after START, event) for every event handled from ``since`` on."""
        return [(round(t - START, 3), e) for t, e in self.engine.seen if t >= since]

    def kinds(self) -> list[object]:
        """Just the events, in order."""
        return [e for _, e in self.engine.seen]


def operator(handset=1, answer_after_s=4.0, talk_s=None, present=True, seed=1) -> SimOperator:
    return SimOperator(f"op{handset}", handset, answer_after_s, talk_s, present,
                       rng=random.Random(seed))
