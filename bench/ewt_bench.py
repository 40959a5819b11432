"""Estimated-wait error: the appliance's method against Asterisk app_queue's, on the same callers.

Simulated 8-hour days through the whole appliance (engine, loop, simulated lines and handsets):

- ``single_queue``: 3 operators who serve both queues, every caller for sales, 76 calls an hour
  (about 85 % occupancy), three seeds;
- ``multi_queue``: unequal staffing, sales 3 operators of whom one (``sam``) also serves
  support, so support has 1 operator, shared; a quarter of the 44 calls an hour for support;
- ``callbacks``: the single-queue staff, callers split between the queues, a callback offered
  once the estimate passes 60 s and taken by half the callers.

Every caller who reached an operator is scored against Asterisk's app_queue method on the same
calls (``hw-sim/hwsim/waitscore.py`` says how); callers who hung up first are not scored, and
their number is printed.

Prints JSON: median and p90 absolute error per queue and per day, both methods side by side.
Run: python bench/ewt_bench.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hw-sim"))

from appliance import timefmt                                       # noqa: E402
from appliance.clock import SimClock                                # noqa: E402
from appliance.cli.sim import build_sim, run_scenario, scenario_span_s  # noqa: E402
from hwsim import scenario as scenarios                             # noqa: E402
from hwsim.waitscore import (Records, estimates_at_join, report, scored,  # noqa: E402
                             with_estimates)

START = timefmt.parse("2026-11-23T09:00:00Z")
LINES = [{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)]
BOTH = ["sales", "support"]


def _operators(queues: list[list[str]]) -> list[dict]:
    names = ["ann", "bob", "sam", "dan", "eve"]
    return [{"id": names[i], "name": names[i].title(), "handset": i + 1, "queues": q}
            for i, q in enumerate(queues)]


def day_doc(kind: str, seed: int, hours: float = 8) -> dict:
    """The scenario of one simulated day of ``kind`` (see the module's docstring)."""
    queue = {"callback_offer_after_s": None, "wrapup_s": 10}
    if kind == "single_queue":
        staff, calls, keys, share = [BOTH] * 3, 76, ["1"], 0.0
    elif kind == "multi_queue":
        staff, calls, keys, share = [["sales"], ["sales"], BOTH], 44, ["1", "1", "1", "2"], 0.0
    elif kind == "callbacks":
        staff, calls, keys, share = [BOTH] * 3, 76, ["1", "2"], 0.5
        queue = {"callback_offer_after_s": 60, "wrapup_s": 10}
    else:
        raise ValueError(kind)
    return {"settings": {"lines": LINES, "handsets": {"count": len(staff)},
                         "operators": _operators(staff),
                         "queues": {"sales": queue, "support": dict(queue)}},
            "traffic": {"calls_per_hour": calls, "hours": hours, "talk_s_mean": 180,
                        "patience_s_mean": 1800, "keys": keys, "callback_share": share,
                        "seed": seed}}


def run_day(doc: dict, seed: int) -> list[dict]:
    """Every call record of the simulated day ``doc``, each inbound one with its estimate."""
    scenario = scenarios.parse(doc, seed)
    records = Records()
    appliance, world, _ = build_sim(scenario, SimClock(START), START, seed, records)
    with estimates_at_join() as at_join:
        run_scenario(appliance, world, START, scenario_span_s(scenario))
    return with_estimates(records, at_join)


DAYS = [("single_queue", (1, 2, 3)), ("multi_queue", (1, 2, 3)), ("callbacks", (1, 2, 3))]


def main() -> None:
    out = {"benchmark": "estimated_wait_error", "days": {}}
    for kind, seeds in DAYS:
        rows, inbound, unscored = [], 0, 0
        for seed in seeds:
            records = run_day(day_doc(kind, seed), seed)
            day_rows = scored(records)
            rows += day_rows
            callers = [r for r in records if r["direction"] == "inbound" and r["queued_at"]]
            inbound += len(callers)
            unscored += len(callers) - len(day_rows)
        out["days"][kind] = {"seeds": list(seeds), "queued_callers": inbound,
                             "not_scored_hung_up_first": unscored, **report(rows)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
