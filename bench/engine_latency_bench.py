"""Engine decision latency with 20 operators and 200 waiting callers or callback requests.

Prints JSON: p50/p99/max of ``Engine.handle`` per event kind and overall, in microseconds, and
of ``snapshot()`` (what the dashboard asks for once a second). ``announcement`` (the periodic
one) and ``caller_joins`` (the key that puts a caller in a queue) each make one wait estimate,
with 2 operators on calls of two minutes (the engine has learned 100 handle times per queue, so
their rest is estimated from the residual talk time, as in service) and 18 busy off hook, and
2 callers and 198 callback requests waiting.
Run: python bench/engine_latency_bench.py
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appliance import events as ev                      # noqa: E402
from appliance.engine import Engine                     # noqa: E402
from appliance.store import schema                      # noqa: E402

T0 = 1795424400.0
OPERATORS = 20
WAITING = 200
LINES = 4


def settings() -> dict:
    doc = schema.defaults()
    doc["lines"] = [{"id": f"line{i}", "driver": "sim"} for i in range(1, LINES + 1)]
    doc["handsets"]["count"] = OPERATORS
    doc["operators"] = [{"id": f"op{i}", "name": f"Op {i}", "handset": i,
                         "queues": ["sales", "support"] if i % 3 else ["support"]}
                        for i in range(1, OPERATORS + 1)]
    doc["queues"]["sales"]["callback_offer_after_s"] = 60
    return schema.validate(doc)


def loaded_engine(talking: int = 0) -> tuple[Engine, float]:
    """200 waiting: a caller on each line and callback requests. With ``talking``, that many
    lines carry a call an operator has been on for two minutes instead; every other operator
    is busy (off hook), so nobody is served while the benchmark runs."""
    engine = Engine(settings(), seed=3)
    history = random.Random(11)
    for queue in ("sales", "support"):
        for _ in range(100):
            engine.handle_times.add(queue, history.expovariate(1 / 180))
    now = T0
    for i in range(1, talking + 1):
        engine.handle(ev.LineRinging(f"line{i}", f"+4421{i:07d}"), now - 125)
        engine.handle(ev.DigitPressed(f"line{i}", "1" if i % 2 else "2"), now - 124)
        rung = next(op for op in engine.ops.by_id.values() if op.ringing_for)
        engine.handle(ev.HandsetOffHook(rung.handset), now - 120)
    for h in range(1, OPERATORS + 1):
        engine.handle(ev.HandsetOffHook(h), now)          # busy: no call will be offered
    for i in range(WAITING - LINES + talking):
        engine.restore_callback({"id": f"cb{i}", "number": f"+1555{i:06d}", "attempts": 0,
                                 "queue": "sales" if i % 2 else "support", "queued_at": T0 - 3600 + i})
    for i in range(talking + 1, LINES + 1):
        engine.handle(ev.LineRinging(f"line{i}", f"+4420{i:07d}"), now)
        engine.handle(ev.DigitPressed(f"line{i}", "1" if i % 2 else "2"), now + 1)
    assert len(engine.book) == WAITING
    return engine, now + 2


def measure(engine: Engine, now: float, rounds: int) -> dict:
    """Time a realistic mix of events; the state is restored as it goes (busy again)."""
    rng = random.Random(5)
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        now += rng.uniform(0.5, 2.0)
        h = rng.randint(1, OPERATORS)
        line = f"line{rng.randint(1, LINES)}"
        mix = [("digit", ev.DigitPressed(line, "5")),
               ("operator_on_hook", ev.HandsetOnHook(h)),
               ("operator_off_hook", ev.HandsetOffHook(h))]
        for name, event in mix:
            start = time.perf_counter()
            engine.handle(event, now)
            times.setdefault(name, []).append(time.perf_counter() - start)
        for handset in range(1, OPERATORS + 1):            # whoever got rung answers: busy again
            engine.handle(ev.HandsetOffHook(handset), now)
    start = time.perf_counter()
    for _ in range(50):
        engine.snapshot(now)
    times["snapshot"] = [(time.perf_counter() - start) / 50]
    return times


def _waiting_lines(engine: Engine) -> list[str]:
    return [line for line, call in engine.on_line.items() if call.state.value == "queued"]


def measure_announcements(engine: Engine, now: float, rounds: int) -> list[float]:
    """Time the periodic announcement (one wait estimate) of the callers waiting on lines."""
    rng = random.Random(6)
    times = []
    for _ in range(rounds):
        now += rng.uniform(0.5, 2.0)
        call = engine.on_line[rng.choice(_waiting_lines(engine))]
        engine.timers[("announce", call.id)] = now
        call.timers.add("announce")
        start = time.perf_counter()
        engine.handle(ev.TimerFired(("announce", call.id)), now)
        times.append(time.perf_counter() - start)
    return times


def measure_joins(engine: Engine, now: float, rounds: int) -> list[float]:
    """Time the key that puts a caller in a queue (and so makes the first estimate): a waiting
    caller hangs up and a new one takes the line, so that 200 stay waiting."""
    rng = random.Random(7)
    times = []
    for _ in range(rounds):
        now += rng.uniform(0.5, 2.0)
        line = rng.choice(_waiting_lines(engine))
        engine.handle(ev.LineHungUp(line), now)
        engine.handle(ev.LineRinging(line, f"+4420{rng.randint(0, 9999999):07d}"), now)
        start = time.perf_counter()
        engine.handle(ev.DigitPressed(line, rng.choice("12")), now)
        times.append(time.perf_counter() - start)
        assert len(engine.book) == WAITING
    return times


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6  # noqa: E731
    return {"p50_us": round(statistics.median(ordered) * 1e6, 1), "p99_us": round(pick(0.99), 1),
            "max_us": round(ordered[-1] * 1e6, 1), "n": len(ordered)}


def main() -> None:
    engine, now = loaded_engine()
    waiting = len(engine.book)
    times = measure(engine, now, rounds=400)
    times["announcement"] = measure_announcements(*loaded_engine(talking=2), rounds=400)
    times["caller_joins"] = measure_joins(*loaded_engine(talking=2), rounds=400)
    every = [t for name, ts in times.items() if name != "snapshot" for t in ts]
    print(json.dumps({"benchmark": "engine_latency", "operators": OPERATORS, "waiting": waiting,
                      "all_events": summary(every),
                      "by_event": {name: summary(ts) for name, ts in times.items()}}, indent=2))


if __name__ == "__main__":
    main()
