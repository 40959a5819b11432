"""Properties over random scenarios, played through the whole simulator on a simulated clock.

For any mix of callers, operators and settings that hypothesis can think of:
- every call that reached the appliance ends with exactly one final record;
- every ring obeys the queue's strategy (lru, fewest_calls, ring_all; random picks a free one);
- a callback is never served after a caller who joined the same queue after it was asked for;
- no operator is rung while off hook, paused, disabled or in wrap-up.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance import commands as cmd
from appliance import events as ev
from appliance import timefmt
from appliance.clock import SimClock
from appliance.cli.sim import build_sim, run_scenario, scenario_span_s
from appliance.engine import escalation
from appliance.loop import LoopStalled
from appliance.engine.operators import OpState, lru_key
from hwsim import scenario as scenarios

OUTCOMES = {"answered", "abandoned_menu", "abandoned_queue", "callback_requested",
            "callback_answered", "callback_failed", "voicemail", "closed", "no_operators", "failed"}
START = timefmt.parse("2026-11-23T09:00:00Z")


class Records:
    """The call log of one run, in memory: the latest version of each record."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.by_id[record["id"]] = record


@st.composite
def scenario_docs(draw):
    n_ops = draw(st.integers(1, 4))
    strategy = draw(st.sampled_from(["lru", "fewest_calls", "random", "ring_all"]))
    queue = {"strategy": strategy, "ring_timeout_s": draw(st.integers(5, 20)),
             "wrapup_s": draw(st.integers(0, 30)),
             "callback_offer_after_s": draw(st.sampled_from([0, 30, 120, None])),
             "autopause_after_missed": draw(st.integers(0, 3)),
             "announce_every_s": draw(st.sampled_from([15, 60]))}
    ops = [{"id": f"op{i}", "name": f"Op {i}", "handset": i,
            "queues": draw(st.sampled_from([["sales"], ["support"], ["sales", "support"]]))}
           for i in range(1, n_ops + 1)]
    people = [{"id": f"op{i}", "handset": i,
               "answer_after_s": draw(st.floats(0.5, 25)),
               "talk_s": draw(st.one_of(st.floats(5, 400), st.just({"mean": 90}))),
               "present": draw(st.sampled_from([True, True, True, False]))}
              for i in range(1, n_ops + 1)]
    callers = [{"at_s": draw(st.floats(0, 1800)),
                "number": draw(st.sampled_from([f"+4416329600{i:02d}", None])),
                "keys": draw(st.sampled_from(["1", "2", "", "9", "12"])),
                "patience_s": draw(st.floats(5, 900)),
                "accepts_callback": draw(st.booleans()),
                "answers_callback_after_s": draw(st.one_of(st.none(), st.floats(1, 20)))}
               for i in range(draw(st.integers(1, 12)))]
    for i, caller in enumerate(callers):
        if caller["number"] is None:
            caller["callback_number"] = f"0612{i:04d}"
    overlay = {"lines": [{"id": f"line{i}", "driver": "sim"} for i in range(1, draw(st.integers(1, 3)) + 1)],
               "handsets": {"count": n_ops}, "operators": ops,
               "queues": {"sales": queue, "support": dict(queue)},
               "callbacks": {"max_attempts": draw(st.integers(1, 3)),
                             "retry_after_s": draw(st.integers(30, 300))}}
    return {"settings": overlay, "operators": people, "callers": callers}


class Watch:
    """Checks every decision as it is made: wraps the engine's ``handle`` in this one run."""

    def __init__(self, engine, world):
        self.engine, self.world = engine, world
        self.problems: list[str] = []
        self.rang = 0
        self.dialled = 0
        self._handle = engine.handle
        engine.handle = self.handle
        self.kept: dict[str, str] = {}          # operator -> dial-back they were kept for

    def handle(self, event, now):
        self.kept = {op.id: op.reserved_for for op in self.engine.ops if op.reserved_for}
        out = self._handle(event, now)
        self.rang += isinstance(event, ev.LineRinging) and self.engine.on_line.get(event.line) is not None
        self.dialled += sum(isinstance(c, cmd.Dial) for c in out)
        rings = [c.handset for c in out if isinstance(c, cmd.RingHandset)]
        for handset in rings:
            self._check_ring(handset, now, rings)
        return out

    def _check_ring(self, handset: int, now: float, rung_now: list[int]) -> None:
        op = self.engine.ops.by_handset[handset]
        if self.world.handsets.is_off_hook(handset) or op.paused or not op.enabled \
                or (op.wrapup_until is not None and op.wrapup_until > now):
            self.problems.append(f"{op.id} rung while off hook, paused, disabled or in wrap-up")
        call = self.engine.calls.get(op.ringing_for)
        if call.request_id and call.ring_attempts[0].started_at < (call.answered_at or now + 1):
            self.problems.append(f"{op.id} rung for a dial-back before the customer answered")
        if self.kept.get(op.id) == call.id:
            return                              # the operator kept while the customer was called
        queue = self.engine.queue_conf(call.queue)
        tried = self._tried(call)
        better = [o for o in self.engine.ops.free_for(call.queue, now)
                  if o.handset not in tried and o.handset not in rung_now]
        strategy = queue["strategy"]
        if strategy == "ring_all" and better:
            self.problems.append(f"ring_all left {[o.id for o in better]} silent")
        elif strategy == "lru" and any(lru_key(o) < lru_key(op) for o in better):
            self.problems.append(f"lru rang {op.id} while a longer idle operator was free")
        elif strategy == "fewest_calls":
            today = self.engine.schedule.local_date(now)
            key = lambda o: (o.calls_on(today), lru_key(o))  # noqa: E731
            if any(key(o) < key(op) for o in better):
                self.problems.append(f"fewest_calls rang {op.id} while one with fewer calls was free")

    def _tried(self, call) -> set[int]:
        return call.tried_handsets


def callback_order_problems(records: list[dict]) -> list[str]:
    """A request is first served (an operator rung for it) before later joiners of its queue."""
    first_ring: dict[str, str] = {}
    for r in records:
        if r["direction"] == "callback" and r["ring_attempts"]:
            start = min(a["started_at"] for a in r["ring_attempts"])
            first_ring[r["parent_id"]] = min(start, first_ring.get(r["parent_id"], start))
    problems = []
    asked = [r for r in records if r["outcome"] == "callback_requested"]
    for req in asked:
        asked_at = timefmt.iso(timefmt.parse(req["queued_at"]) + req["wait_s"])
        for r in records:
            served = [a["started_at"] for a in r["ring_attempts"] if a["result"] == "answered"]
            if r["direction"] == "inbound" and r["queue"] == req["queue"] and served \
                    and r["queued_at"] > asked_at and r["id"] != req["id"]:
                if req["id"] not in first_ring or first_ring[req["id"]] > served[0]:
                    problems.append(f"{r['id']} served before callback {req['id']}")
    return problems


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenario_docs(), st.integers(0, 1000))
def test_every_random_scenario_keeps_the_promises(doc, seed):
    scenario = scenarios.parse(doc, seed)
    records = Records()
    appliance, world, _ = build_sim(scenario, SimClock(START), START, seed, records)
    watch = Watch(appliance.engine, world)
    try:
        run_scenario(appliance, world, START, scenario_span_s(scenario))
    except LoopStalled:                 # only a promise nobody is left to keep may wait on
        engine = appliance.engine
        assert world.finished() and not engine.calls and not engine.awaiting_wrapup
        assert all(not any(op.staffed() for q in escalation.pool(req) for op in engine.ops.in_queue(q))
                   for req in engine.requests.values())
    finals = list(records.by_id.values())

    assert watch.problems == []
    assert appliance.loop.failures == 0
    assert sum(r["direction"] == "inbound" for r in finals) == watch.rang
    assert sum(r["direction"] == "callback" for r in finals) == watch.dialled
    for r in finals:
        assert r["ended_at"] is not None and r["outcome"] in OUTCOMES and r["hangup_by"], r
        assert all(a["result"] in ("answered", "no_answer", "busy", "cancelled") for a in r["ring_attempts"])
    assert callback_order_problems(finals) == []
    assert all(op.state(appliance.loop.now()) is not OpState.RINGING for op in appliance.engine.ops)
