"""Heavy simulated days for the tests: run one through the whole appliance while checking every
decision, then the figures the tests hold the appliance to.

``run(doc, seed)`` returns a ``Day``: the records (each inbound one with the estimate made when
the caller joined), and what the watch saw go wrong while it ran:

- a ring for a dial-back before its customer answered (a *phantom* ring: had the operator
  answered, nobody would have been there);
- an operator left available while a caller they could take waited un-rung, or while a callback
  request that had a line and was due waited (idle operators with work in front of them).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from appliance import commands as cmd
from appliance import timefmt
from appliance.clock import SimClock
from appliance.cli.sim import build_sim, run_scenario, scenario_span_s
from appliance.engine import escalation
from appliance.engine.calls import CallState
from hwsim import scenario as scenarios
from hwsim.waitscore import Records, estimates_at_join, report, scored, with_estimates

START = timefmt.parse("2026-11-23T09:00:00Z")          # a Monday
LINES = [{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)]
BOTH = ["sales", "support"]


def operators(queues: list[list[str]]) -> list[dict]:
    names = ["ann", "bob", "sam", "dan", "eve", "fay"]
    return [{"id": names[i], "name": names[i].title(), "handset": i + 1, "queues": q}
            for i, q in enumerate(queues)]


@dataclass
class Day:
    records: list[dict]
    phantom_rings: list[str] = field(default_factory=list)
    idle_with_work: list[str] = field(default_factory=list)

    def of(self, direction: str) -> list[dict]:
        return [r for r in self.records if r["direction"] == direction]

    def wait_report(self) -> dict:
        return report(scored(self.records))

    def time_to_callback(self) -> list[float]:
        """Seconds from booking to the dial-back that reached the customer, per request."""
        booked = {r["id"]: _t(r["queued_at"]) + r["wait_s"] for r in self.of("inbound")
                  if r["outcome"] == "callback_requested"}
        return [_t(r["answered_at"]) - booked[r["parent_id"]] for r in self.of("callback")
                if r["outcome"] == "callback_answered" and r["parent_id"] in booked]


class Watch:
    """Wraps the engine's ``handle``: checks the commands and the state after every event."""

    def __init__(self, appliance, day: Day):
        self.engine, self.day = appliance.engine, day
        self._handle = appliance.engine.handle
        appliance.engine.handle = self.handle

    def handle(self, event, now):
        out = self._handle(event, now)
        eng = self.engine
        for command in out:
            if isinstance(command, cmd.RingHandset):
                op = eng.ops.by_handset[command.handset]
                call = eng.calls.get(op.ringing_for or "")
                if call is not None and call.request_id and call.answered_at is None:
                    self.day.phantom_rings.append(f"{call.id} rang handset {command.handset}")
        if not eng.stopped:
            self._idle_with_work(eng, now)
        return out

    def _idle_with_work(self, eng, now: float) -> None:
        free = [op for op in eng.ops.by_id.values() if op.available(now)]
        if not free:
            return
        for name in eng.book.names():
            for member in eng.book.members(name):
                pool = escalation.pool(member)
                if not any(q in op.queues for op in free for q in pool):
                    continue
                if member.kind == "caller" and member.state is CallState.QUEUED \
                        and not member.ringing():
                    self.day.idle_with_work.append(f"{timefmt.iso(now)} caller {member.id}")
                elif member.kind == "callback" and member.eligible(now) and eng.free_line() \
                        and eng.schedule.is_open(now):
                    self.day.idle_with_work.append(f"{timefmt.iso(now)} request {member.id}")


def run(doc: dict, seed: int, start: float = START) -> Day:
    """One simulated day of ``doc`` through the whole appliance, watched."""
    scenario = scenarios.parse(doc, seed)
    records = Records()
    appliance, world, _ = build_sim(scenario, SimClock(start), start, seed, records)
    day = Day([])
    Watch(appliance, day)
    with estimates_at_join() as at_join:
        run_scenario(appliance, world, start, scenario_span_s(scenario))
    day.records = with_estimates(records, at_join)
    return day


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def _t(stamp: str) -> float:
    return timefmt.parse(stamp)
