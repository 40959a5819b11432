"""Estimated-wait error: the appliance's method against Asterisk app_queue's, on the same callers.

Simulated 8-hour days through the whole appliance (engine, loop, simulated lines and handsets):

- ``single_queue``: 3 operators who serve both queues, every caller for sales, 76 calls an hour
  (about 85 % occupancy), three seeds;
- ``multi_queue``: unequal staffing, sales 3 operators of whom one (``sam``) also serves
  support, so support has 1 operator, shared; a quarter of the 44 calls an hour for support;
- ``callbacks``: the single-queue staff, callers split between the queues, a callback offered
  once the estimate passes 60 s and taken by half the callers.

Every caller who reached an operator is scored: the appliance's estimate on joining (what it
announced, ``announced_wait_s``; for a caller whose operator was free at once, who hears no
announcement, the estimate it made all the same: the ring time it has learned) and the wait
Asterisk would have announced at the same moment are compared with the real wait: until an
operator answered, or for a caller who took a callback, until an operator took the dial-back.
Callers who hung up first are not scored (their real wait is unknown); their number is printed.

Asterisk (apps/app_queue.c, ``recalc_holdtime``): each queue keeps ``holdtime``, set to the
first completed wait and then ``(3 * holdtime + wait) / 4`` in integer seconds each time a
caller is connected; the announced wait is ``holdtime`` minus the time already waited, which is
``holdtime`` itself on joining.

Prints JSON: median and p90 absolute error per queue and per day, both methods side by side.
Run: python bench/ewt_bench.py
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
from appliance.engine import waiting                                # noqa: E402
from hwsim import scenario as scenarios                             # noqa: E402

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


class Records:
    """The call log of a simulated day: the last version of each record."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.by_id[record["id"]] = record

    def write_many(self, records) -> None:
        for record in records:
            self.write(record)


def run_day(doc: dict, seed: int) -> list[dict]:
    """Every call record of the simulated day ``doc``, in order of starting, each inbound one
    with ``estimate_at_join``: the appliance's estimate when the caller joined the queue, noted
    as the engine announces it (the record keeps only an announced wait, and a caller whose
    operator is free hears none)."""
    scenario = scenarios.parse(doc, seed)
    records = Records()
    appliance, world, _ = build_sim(scenario, SimClock(START), START, seed, records)
    at_join: dict[str, float | None] = {}
    announce = waiting.announce

    def noting(eng, call, first=False):
        if first:
            at_join.setdefault(call.id, waiting.estimate(eng, call))
        announce(eng, call, first)

    waiting.announce = noting
    try:
        run_scenario(appliance, world, START, scenario_span_s(scenario))
    finally:
        waiting.announce = announce
    for record in records.by_id.values():
        record["estimate_at_join"] = at_join.get(record["id"])
    return sorted(records.by_id.values(), key=lambda r: r["started_at"])


def _t(stamp: str) -> float:
    return timefmt.parse(stamp)


def scored(records: list[dict]) -> list[dict]:
    """One row per inbound caller who reached an operator, with both methods' estimates.

    Asterisk's holdtime per queue is replayed in time order: connects (callers answered) feed it,
    joins read it. A caller who took a callback reached an operator when the first dial-back
    for them was taken.
    """
    taken: dict[str, float] = {}
    for r in records:
        if r["direction"] == "callback" and r["parent_id"]:
            at = _t(r["started_at"])
            taken[r["parent_id"]] = min(at, taken.get(r["parent_id"], at))
    events = []                    # (time, order, kind, record): connects before joins at a tie
    for r in records:
        if r["direction"] != "inbound" or r["queued_at"] is None:
            continue
        joined = _t(r["queued_at"])
        events.append((joined, 1, "join", r))
        if r["outcome"] in ("answered", "abandoned_queue") and r["wait_s"] is not None:
            events.append((joined + r["wait_s"], 0, r["outcome"], r))
    holdtime: dict[str, int] = {}
    finished: dict[str, int] = {}
    rows = []
    for at, _, kind, r in sorted(events, key=lambda e: (e[0], e[1])):
        queue = r["queue"]
        if kind == "answered":
            wait = int(r["wait_s"])
            old = holdtime.get(queue, 0)
            holdtime[queue] = wait if finished.get(queue, 0) == 0 else (3 * old + wait) >> 2
            finished[queue] = finished.get(queue, 0) + 1
        elif kind == "abandoned_queue":
            finished[queue] = finished.get(queue, 0) + 1
        else:
            actual = _actual_wait(r, taken)
            if actual is not None:
                rows.append({"queue": queue, "actual": actual,
                             "appliance": _appliance(r),
                             "asterisk": float(max(0, holdtime.get(queue, 0))),
                             "callback": r["outcome"] == "callback_requested",
                             "had_to_wait": r["announced_wait_s"] is not None})
    return rows


def _appliance(record: dict) -> float:
    """What the appliance estimated on joining (what it announced then, if it did)."""
    estimate = record.get("estimate_at_join")
    return estimate if estimate is not None else (record["announced_wait_s"] or 0.0)


def _actual_wait(record: dict, taken: dict[str, float]) -> float | None:
    if record["outcome"] == "answered":
        return record["wait_s"]
    if record["outcome"] == "callback_requested" and record["id"] in taken:
        return taken[record["id"]] - _t(record["queued_at"])
    return None


def errors(rows: list[dict], method: str) -> dict:
    """Median and p90 of |estimate - real wait| over ``rows``."""
    gaps = sorted(abs(row[method] - row["actual"]) for row in rows)
    if not gaps:
        return {"median_abs_error_s": None, "p90_abs_error_s": None}
    return {"median_abs_error_s": round(statistics.median(gaps), 1),
            "p90_abs_error_s": round(gaps[int(0.9 * (len(gaps) - 1))], 1)}


def side_by_side(rows: list[dict]) -> dict:
    """Both methods' errors over ``rows``, with how many callers and their mean real wait."""
    return {"callers": len(rows),
            "mean_actual_wait_s": round(statistics.mean(r["actual"] for r in rows), 1) if rows else None,
            "appliance": errors(rows, "appliance"), "asterisk": errors(rows, "asterisk")}


def report(rows: list[dict]) -> dict:
    """Side by side for all the rows, per queue, for those who heard an estimate (no operator
    was free for them on joining), and for those who took a callback."""
    queues = sorted({r["queue"] for r in rows})
    found = {"all": side_by_side(rows),
             "per_queue": {q: side_by_side([r for r in rows if r["queue"] == q]) for q in queues},
             "had_to_wait": side_by_side([r for r in rows if r["had_to_wait"]])}
    if any(r["callback"] for r in rows):
        found["took_callback"] = side_by_side([r for r in rows if r["callback"]])
    return found


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
