"""Scoring wait estimates on simulated days: the appliance's against Asterisk app_queue's.

Every inbound caller who reached an operator is scored: the appliance's estimate on joining (what
it announced, ``announced_wait_s``; for a caller whose operator was free at once, who hears no
announcement, the estimate it made all the same) and the wait Asterisk would have announced at
the same moment are compared with the real wait: until an operator answered or, for a caller
who took a callback, until an operator was kept for the dial-back. Callers who hung up first are
not scored (their real wait is unknown).

Asterisk (apps/app_queue.c, ``recalc_holdtime``): each queue keeps ``holdtime``, set to the
first completed wait and then ``(3 * holdtime + wait) / 4`` in integer seconds each time a
caller is connected; the announced wait is ``holdtime`` minus the time already waited, which is
``holdtime`` itself on joining.

Used by ``bench/ewt_bench.py`` (the figures) and the heavy-day tests (no worse than Asterisk).

Example::

    with estimates_at_join() as at_join:
        ...                                  # run the day, writing to a Records()
    print(report(scored(with_estimates(records, at_join)))["per_queue"])
"""
from __future__ import annotations

import statistics

from contextlib import contextmanager

from appliance import timefmt
from appliance.engine import waiting


class Records:
    """The call log of a simulated day: the last version of each record."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.by_id[record["id"]] = record

    def write_many(self, records) -> None:
        for record in records:
            self.write(record)


@contextmanager
def estimates_at_join():
    """Note the appliance's estimate for each caller as they join a queue, as the engine
    announces it (the record keeps only an announced wait, and a caller whose operator is free
    hears none): yields ``{call_id: seconds}``, filled while the block runs."""
    at_join: dict[str, float | None] = {}
    announce = waiting.announce

    def noting(eng, call, first=False):
        if first:
            at_join.setdefault(call.id, waiting.estimate(eng, call))
        announce(eng, call, first)

    waiting.announce = noting
    try:
        yield at_join
    finally:
        waiting.announce = announce


def with_estimates(records: Records, at_join: dict) -> list[dict]:
    """The day's records in order of starting, each with ``estimate_at_join``."""
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
