"""Call log benchmark: insert cost as the log grows (10^3, 10^5, 10^6 calls) and report query cost.

Prints one JSON document to stdout. Run it on the target (a Pi with its SD card) to get figures
that matter there; on a desktop it shows the scaling. Takes a few minutes and about 1.5 GB of
temporary disk at 10^6 calls.

    .venv/bin/python bench/calllog_bench.py [--dir DIR] [--inserts 1000] [--seed 7]
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

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
        return {"environment": _environment(), "insert": stages, "queries_at_1e6": queries(log)}


def _environment() -> dict:
    return {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "machine": platform.machine(), "journal_mode": "wal", "synchronous": "FULL"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="folder for the temporary log (default: system temp)")
    parser.add_argument("--inserts", type=int, default=1000, help="timed single inserts per size")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        figures = run(Path(folder), args.inserts, args.seed)
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
