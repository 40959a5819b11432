"""Call log benchmark: insert cost as the log grows (10^3, 10^5, 10^6 calls), report query cost,
and what writing call records costs the event loop's thread (before and after the writer thread).

Prints one JSON document to stdout. Run it on the target (a Pi with its SD card) to get figures
that matter there; on a desktop it shows the scaling. The growth part takes a few minutes and
about 1.5 GB of temporary disk at 10^6 calls; ``--part writer`` alone takes about half a minute.

The writer part sends call records (four versions per call: started, queued, answered, final)
through ``Loop.execute(WriteCallRecord)`` as the engine does, once with the records committed on
the loop thread (the simulated clock's synchronous writer: what the loop did before the writer
thread) and once through the writer thread (``appliance/store/log_writer.py``). It reports the
loop thread's time per record, how long until everything was durable, and the records per commit
(one fsync of the WAL each, ``synchronous=FULL``), on this machine's disk and on a model of an SD
card whose every commit takes ``--sd-commit-ms`` more.

    .venv/bin/python bench/calllog_bench.py [--dir DIR] [--inserts 1000] [--seed 7]
    .venv/bin/python bench/calllog_bench.py --part writer [--sd-commit-ms 10]
    .venv/bin/python bench/calllog_bench.py --part tinydb     # the comparison point
"""
from __future__ import annotations

import argparse
import itertools
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from appliance import commands as c
from appliance.clock import RealClock, SimClock
from appliance.loop import Loop
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.timefmt import iso, parse

START = parse("2018-01-01")
SPACING_S = 30 * 86400 / 10_000          # 10,000 calls a month, evenly spread
STAGES = (1_000, 100_000, 1_000_000)
OUTCOMES = (["answered"] * 70 + ["abandoned_queue"] * 10 + ["abandoned_menu"] * 5
            + ["callback_requested"] * 6 + ["voicemail"] * 3 + ["closed"] * 4 + ["no_operators"]
            + ["failed"])


def _attempts(rng: random.Random, at: float, answered_by: str | None) -> list[dict]:
    missed = [f"op{rng.randint(1, 20)}" for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))]
    names = missed + ([answered_by] if answered_by else [])
    out = []
    for k, name in enumerate(names):
        result = "answered" if name == answered_by and k == len(names) - 1 else "no_answer"
        out.append({"operator": name, "handset": int(name[2:]), "started_at": iso(at + 15 * k),
                    "ended_at": iso(at + 15 * k + rng.uniform(2, 15)), "result": result})
    return out


def make_record(n: int, rng: random.Random) -> dict:
    """Call number ``n``: a plausible inbound call (or dial-back) with its ring attempts."""
    at = START + n * SPACING_S + rng.uniform(0, SPACING_S)
    callback = rng.random() < 0.08
    outcome = rng.choice(("callback_answered", "callback_failed")) if callback else rng.choice(OUTCOMES)
    answered = outcome in ("answered", "callback_answered")
    operator = f"op{rng.randint(1, 20)}" if answered else None
    queued = not callback and outcome not in ("abandoned_menu", "closed", "no_operators")
    wait = rng.expovariate(1 / 45) if queued else None
    talk = rng.expovariate(1 / 180) if answered else None
    ends = at + (wait or 0) + (talk or 0) + 20
    return {
        "id": f"{'cb' if callback else 'in'}-{n:08d}", "direction": "callback" if callback else "inbound",
        "parent_id": f"in-{n - 3:08d}" if callback else None, "line": f"line{rng.randint(1, 2)}",
        "caller": f"+44163296{rng.randint(0, 9999):04d}", "language": "en",
        "started_at": iso(at), "answered_at": iso(at + 2), "ended_at": iso(ends),
        "menu_path": rng.choice(("1", "2", "21", "")), "queue": "sales" if queued else None,
        "queued_at": iso(at + 12) if queued else None, "position_at_entry": 1 if queued else None,
        "announced_wait_s": round(wait, 3) if wait else None,
        "wait_s": round(wait, 3) if wait is not None else None, "callback_offered": queued and wait > 600,
        "callback_number": None, "operator": operator,
        "handset": int(operator[2:]) if operator else None,
        "ring_attempts": _attempts(rng, at + 12, operator),
        "ring_s": round(rng.uniform(2, 15), 3) if answered else None,
        "talk_s": round(talk, 3) if talk else None, "hold_s": round(rng.uniform(0, 30), 3) if answered else None,
        "wrapup_s": 10.0 if answered else None, "outcome": outcome,
        "hangup_by": rng.choice(("caller", "operator")), "recording": None, "voicemail": None,
    }


def prefill(log: CallLog, start: int, stop: int, rng: random.Random) -> float:
    """Bulk-load calls ``start..stop`` (100,000 per transaction); returns seconds taken."""
    began = time.perf_counter()
    for chunk in range(start, stop, 100_000):
        log.write_many(make_record(n, rng) for n in range(chunk, min(stop, chunk + 100_000)))
    return time.perf_counter() - began


def time_inserts(log: CallLog, first: int, count: int, rng: random.Random) -> dict:
    """``count`` single writes, each its own durable transaction, as the daemon does them."""
    records = [make_record(n, rng) for n in range(first, first + count)]
    times = []
    for record in records:
        began = time.perf_counter()
        log.write(record)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {"inserts": count, "median_ms": round(statistics.median(times), 4),
            "p99_ms": round(times[int(len(times) * 0.99) - 1], 4),
            "mean_ms": round(statistics.fmean(times), 4), "max_ms": round(times[-1], 4)}


def time_query(fn, repeats: int = 5) -> tuple[float, object]:
    """Median milliseconds of ``fn()`` over ``repeats`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2), result


def queries(log: CallLog) -> dict:
    month, year = ("2022-03-01", "2022-04-01"), ("2022-01-01", "2023-01-01")
    month_ms, month_stats = time_query(lambda: log.stats(*month))
    year_ms, year_stats = time_query(lambda: log.stats(*year), repeats=3)
    calls_ms, month_calls = time_query(lambda: log.calls(*month), repeats=3)
    return {
        "stats_month": {"period": month, "calls": month_stats["calls"], "median_ms": month_ms},
        "stats_year": {"period": year, "calls": year_stats["calls"], "median_ms": year_ms},
        "calls_month_json_decoded": {"calls": len(month_calls), "median_ms": calls_ms},
    }


# -- the loop thread's share of writing records ----------------------------------------------------

class _Engine:
    """The loop wants an engine; the records are sent to it directly."""

    def handle(self, event, now):
        return []

    def is_idle(self):
        return True


class SlowCommits:
    """A call log whose every transaction takes ``delay_s`` more: a model of an SD card's fsync
    (a few to tens of milliseconds) on a machine whose disk is faster."""

    def __init__(self, log: CallLog, delay_s: float) -> None:
        self.log, self.delay_s = log, delay_s

    def write(self, record: dict) -> None:
        time.sleep(self.delay_s)
        self.log.write(record)

    def write_many(self, records) -> int:
        time.sleep(self.delay_s)
        return self.log.write_many(records)


def call_versions(n: int, rng: random.Random) -> list[dict]:
    """The four versions of call ``n`` the engine writes: started, queued, answered, final."""
    final = make_record(n, rng)
    started = {**final, "ended_at": None, "outcome": None, "hangup_by": None, "queue": None,
               "queued_at": None, "wait_s": None, "operator": None, "handset": None,
               "ring_attempts": [], "talk_s": None, "hold_s": None, "wrapup_s": None,
               "ring_s": None}
    queued = {**started, "queue": final["queue"], "queued_at": final["queued_at"]}
    answered = {**final, "ended_at": None, "outcome": None, "hangup_by": None, "talk_s": None,
                "wrapup_s": None}
    return [started, queued, answered, final]


def _percentiles_us(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50_us": round(statistics.median(times) * 1e6, 1),
            "p99_us": round(times[max(0, int(len(times) * 0.99) - 1)] * 1e6, 1),
            "max_us": round(times[-1] * 1e6, 1)}


def loop_share(calllog, threaded: bool, records: list[dict], rate: float | None) -> dict:
    """Send ``records`` through a loop's ``execute`` at ``rate`` a second (None: all at once);
    time the loop thread per record and the whole until durable. ``rows_written`` counts the
    versions actually written: a version replaced while it waited is not written at all."""
    clock = RealClock() if threaded else SimClock(START)
    loop = Loop(_Engine(), clock)
    loop.connect(calllog=calllog)
    times, began = [], time.perf_counter()
    for k, record in enumerate(records):
        if rate is not None:
            lag = began + k / rate - time.perf_counter()
            if lag > 0:
                time.sleep(lag)
        t0 = time.perf_counter()
        loop.execute(c.WriteCallRecord(record))
        times.append(time.perf_counter() - t0)
    loop.close_records(timeout=60)
    durable_s = time.perf_counter() - began
    stats = loop.record_stats()
    return {"loop_thread": _percentiles_us(times), "loop_thread_mean_us":
            round(statistics.fmean(times) * 1e6, 1), "all_durable_s": round(durable_s, 3),
            "records": len(records), "commits": stats["commits"],
            "records_per_commit": round(len(records) / max(1, stats["commits"]), 2),
            "rows_written": stats["records"], "largest_group_rows": stats["max_group"]}


LOADS = {"steady_100_per_s": (600, 100.0), "burst_200_at_once": (200, None)}


def writer_figures(folder: Path, seed: int, sd_commit_ms: float) -> dict:
    """Before (records committed on the loop thread) and after (the writer thread), for each
    load, on this disk and on the SD card model."""
    rng, out, serial = random.Random(seed), {}, itertools.count(20_000_000)
    disks = {"this_disk": 0.0, f"sd_model_{sd_commit_ms:g}ms_per_commit": sd_commit_ms / 1000}
    for disk, delay in disks.items():
        for load, (count, rate) in LOADS.items():
            row = {}
            for name, threaded in (("before_on_loop_thread", False), ("after_writer_thread", True)):
                records = [v for _ in range(count // 4) for v in call_versions(next(serial), rng)]
                with CallLog(folder / f"writer-{disk}-{load}-{name}.sqlite3") as log:
                    target = SlowCommits(log, delay) if delay else log
                    row[name] = loop_share(target, threaded, records, rate)
            out.setdefault(disk, {})[load] = row
    return out


def run(folder: Path, inserts: int, seed: int) -> dict:
    rng, path = random.Random(seed), folder / CALLLOG_NAME
    stages, filled = [], 0
    with CallLog(path) as log:
        for size in STAGES:
            seconds = prefill(log, filled, size, rng)
            stage = {"records": size, "prefill_s": round(seconds, 1)}
            stage.update(time_inserts(log, 10_000_000 + size, inserts, rng))
            stage["file_mb"] = round(path.stat().st_size / 1e6, 1)
            stages.append(stage)
            filled = size
        return {"insert": stages, "queries_at_1e6": queries(log)}


def tinydb_figures(folder: Path, seed: int, sizes=(1000, 5000, 10000), timed: int = 50) -> dict:
    """The same records in TinyDB (the settings' store, JSON on disk), the comparison point for
    choosing SQLite: TinyDB rewrites the whole file on every insert, so an insert costs in
    proportion to the log (a month of calls is 10,000 records)."""
    from tinydb import TinyDB
    rng = random.Random(seed)
    stages, filled = [], 0
    with TinyDB(folder / "calls.tinydb.json") as db:
        table = db.table("calls")
        for size in sizes:
            if size - timed > filled:
                table.insert_multiple(make_record(n, rng) for n in range(filled, size - timed))
            times = []
            for n in range(max(filled, size - timed), size):
                began = time.perf_counter()
                table.insert(make_record(n, rng))
                times.append(time.perf_counter() - began)
            filled = size
            stages.append({"records": size, "median_ms": round(statistics.median(times) * 1e3, 2),
                           "file_mb": round((folder / "calls.tinydb.json").stat().st_size / 1e6,
                                            1)})
    return {"insert": stages, "note": "whole file rewritten per insert; no fsync"}


def _environment() -> dict:
    return {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "machine": platform.machine(), "journal_mode": "wal", "synchronous": "FULL"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="folder for the temporary log (default: system temp)")
    parser.add_argument("--inserts", type=int, default=1000, help="timed single inserts per size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--part", choices=("all", "growth", "writer", "tinydb"), default="all",
                        help="growth: inserts and queries as the log grows; writer: the loop "
                             "thread's share of writing records; tinydb: the same records in "
                             "TinyDB, for comparison (default: all)")
    parser.add_argument("--sd-commit-ms", type=float, default=10.0,
                        help="extra time per commit in the SD card model (default 10)")
    args = parser.parse_args(argv)
    figures = {"environment": _environment()}
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        if args.part in ("all", "writer"):
            figures["writer"] = writer_figures(Path(folder), args.seed, args.sd_commit_ms)
        if args.part in ("all", "growth"):
            figures.update(run(Path(folder), args.inserts, args.seed))
        if args.part in ("all", "tinydb"):
            figures["tinydb"] = tinydb_figures(Path(folder), args.seed)
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
