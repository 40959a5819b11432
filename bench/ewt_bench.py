"""Estimated-wait error: the appliance's method against the simple position x AHT / operators.

A simulated 8-hour day, 3 operators, 4 lines, 76 calls an hour (about 85 % operator occupancy),
no callback offers (so every caller waits it out or gives up). For every caller who reached an
operator, the wait announced on joining (0 when an operator was free at once) and the simple
estimate computed at the same moment from what was known then are compared with the real wait.
Prints JSON. Run: python bench/ewt_bench.py
"""
from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appliance import timefmt                                       # noqa: E402
from appliance.clock import SimClock                                # noqa: E402
from appliance.daemon import build_sim, run_scenario, scenario_span_s  # noqa: E402
from appliance.engine.ewt import simple_estimate                    # noqa: E402
from hwsim import scenario as scenarios                             # noqa: E402

OPERATORS = 3
CALLS_PER_HOUR = 76
START = timefmt.parse("2026-11-23T09:00:00Z")


def day(calls_per_hour: float, seed: int) -> dict:
    ops = [{"id": f"op{i}", "name": f"Op {i}", "handset": i, "queues": ["sales", "support"]}
           for i in range(1, OPERATORS + 1)]
    queue = {"callback_offer_after_s": None, "wrapup_s": 10}
    return {"settings": {"lines": [{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)],
                         "handsets": {"count": OPERATORS}, "operators": ops,
                         "queues": {"sales": queue, "support": dict(queue)}},
            "traffic": {"calls_per_hour": calls_per_hour, "hours": 8, "talk_s_mean": 180,
                        "patience_s_mean": 1800, "keys": "1", "seed": seed}}


class Records:
    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.by_id[record["id"]] = record


def run_day(calls_per_hour: float, seed: int) -> list[dict]:
    scenario = scenarios.parse(day(calls_per_hour, seed), seed)
    records = Records()
    appliance, world, _ = build_sim(scenario, SimClock(START), START, seed, records)
    run_scenario(appliance, world, START, scenario_span_s(scenario))
    return sorted(records.by_id.values(), key=lambda r: r["started_at"])


def handle_s(record: dict) -> float:
    return (record["ring_s"] or 0) + (record["talk_s"] or 0) + (record["wrapup_s"] or 0)


def compare(records: list[dict]) -> tuple[list, list, list]:
    """(actual, announced, simple) waits of every inbound caller who reached an operator."""
    actual, model, simple = [], [], []
    for record in records:
        if record["outcome"] != "answered" or record["queued_at"] is None:
            continue
        joined = record["queued_at"]
        done = [handle_s(r) for r in records
                if r["outcome"] == "answered" and r["ended_at"] and r["ended_at"] <= joined]
        aht = statistics.mean(done) if done else 190.0
        actual.append(record["wait_s"])
        model.append(record["announced_wait_s"] or 0.0)
        simple.append(simple_estimate(record["position_at_entry"], aht, OPERATORS))
    return actual, model, simple


def errors(actual: list, estimate: list) -> dict:
    gaps = sorted(abs(a - e) for a, e in zip(actual, estimate))
    return {"median_abs_error_s": round(statistics.median(gaps), 1),
            "p90_abs_error_s": round(gaps[int(0.9 * (len(gaps) - 1))], 1)}


def occupancy(records: list[dict]) -> float:
    """Share of the operators' time spent ringing, talking or in wrap-up over one day."""
    busy = sum(handle_s(r) for r in records if r["outcome"] == "answered")
    span = max(timefmt.parse(r["ended_at"]) for r in records) - START
    return busy / (OPERATORS * span)


def main() -> None:
    days = [run_day(calls_per_hour=CALLS_PER_HOUR, seed=seed) for seed in (1, 2, 3)]
    records = [r for day_records in days for r in day_records]
    actual, model, simple = [], [], []
    for day_records in days:
        for into, values in zip((actual, model, simple), compare(day_records)):
            into.extend(values)
    waited = [i for i, m in enumerate(model) if m > 0]
    pick = lambda xs: [xs[i] for i in waited]  # noqa: E731
    print(json.dumps({
        "benchmark": "estimated_wait_error", "days": 3, "operators": OPERATORS,
        "calls_per_hour": CALLS_PER_HOUR,
        "occupancy": round(statistics.mean(occupancy(d) for d in days), 3),
        "inbound_calls": sum(r["direction"] == "inbound" for r in records),
        "answered_callers": len(actual), "callers_who_had_to_wait": len(waited),
        "mean_actual_wait_s": round(statistics.mean(actual), 1),
        "all_answered": {"appliance_method": errors(actual, model), "simple": errors(actual, simple)},
        "had_to_wait": {"appliance_method": errors(pick(actual), pick(model)),
                        "simple": errors(pick(actual), pick(simple))},
    }, indent=2))


if __name__ == "__main__":
    main()
