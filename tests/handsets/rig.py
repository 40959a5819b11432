"""Test rig for the handset drivers: a loop on simulated time, an engine that only listens,
and the gpio driver on a simulated reference board (or the simulated bank), side by side."""
from __future__ import annotations

from appliance.clock import SimClock
from appliance.handsets.gpio import GpioHandsetBank
from appliance.loop import Loop
from appliance.store import schema
from hwsim.board.desks import BoardHandsets, Desks
from hwsim.board.reference import ReferenceBoard
from hwsim.handsets import SimHandsets
from hwsim.people.operator import SimOperator

START = 1_795_424_400.0


class ListeningEngine:
    """Remembers every event with its time; commands nothing."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, object]] = []

    def handle(self, event, now):
        self.seen.append((now, event))
        return []


def settings_with(**handsets) -> dict:
    doc = schema.defaults()
    doc["lines"] = [{"id": "line1", "driver": "sim"}, {"id": "line2", "driver": "sim"}]
    doc["handsets"].update(handsets)
    return schema.validate(doc)


class Rig:
    """One loop on simulated time with a handset bank connected; ``advance`` moves time on."""

    def __init__(self, kind: str = "gpio", operators=(), count: int = 3, cadence: str = "us",
                 pins=None) -> None:
        self.settings = settings_with(count=count, cadence=cadence, pins=pins or {})
        self.engine = ListeningEngine()
        self.loop = Loop(self.engine, SimClock(START))
        operators = list(operators)
        if kind == "gpio":
            self.board = ReferenceBoard(self.loop, count=count, pins=pins, seed=7)
            self.bank = GpioHandsetBank(self.board.gpio, self.settings, self.loop, self.loop)
            self.desks = Desks(self.board, self.loop, operators, cadence)
            self.switches = BoardHandsets(self.bank, self.desks)
        else:
            self.board = None
            self.bank = self.switches = SimHandsets(self.loop, operators, count)
        self.loop.connect(handsets=self.bank)

    def execute(self, command) -> None:
        self.bank.execute(command)

    def advance(self, seconds: float) -> None:
        target = self.loop.now() + seconds
        self.loop.call_at(target, lambda: None)
        self.loop.run_until(lambda: self.loop.now() >= target)

    def at(self) -> float:
        return self.loop.now() - START

    def events(self) -> list:
        return [event for _, event in self.engine.seen]

    def timed(self) -> list[tuple[float, object]]:
        return [(round(t - START, 2), event) for t, event in self.engine.seen]


def operator(handset: int, answer_after_s: float = 4.0, talk_s=None, present=True) -> SimOperator:
    return SimOperator(f"op{handset}", handset, answer_after_s, talk_s, present)
