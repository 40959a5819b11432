"""Soak: 30 simulated days of office hours with random faults, and whether memory stays flat.

The same run as tests/sim/test_soak.py, in-process so it can sample: four simulated lines, 20
operators, about 300 calls a day from 09:00 to 17:00 every day, 12 random faults a day (a modem
unplugged and back, dropped calls, module resets, garbled replies, registration lost and back,
operators away, handsets left off hook, the call log's disk full for a while), through the real
engine, loop and SQLite call log in a temporary folder. At the end of each simulated day (the
day's last second) it samples the process's resident memory (VmRSS from /proc/self/status),
the calls recorded and the faults thrown so far. Prints one JSON object: those samples, the
wall time, the peak RSS (VmHWM), and the RSS growth per simulated day and per call (least
squares from day 8 to the last: the simulated network keeps each caller's number for a week,
for dial-backs, so the first week fills it; the appliance's own growth is what is left).

    .venv/bin/python bench/soak_bench.py            # 30 days
    .venv/bin/python bench/soak_bench.py --days 7 --calls-per-day 3000 --dir /dev/shm
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appliance import timefmt                                       # noqa: E402
from appliance.cli import sim as sim_cmd                            # noqa: E402
from appliance.clock import SimClock                                # noqa: E402
from appliance.events import ShutdownRequested                      # noqa: E402
from appliance.loop import LoopStalled                              # noqa: E402
from appliance.store.calllog import CALLLOG_NAME, CallLog           # noqa: E402
from hwsim import scenario as scenarios                             # noqa: E402
from tests.sim.soak_scenario import START, soak_doc                 # noqa: E402

STEADY_FROM_DAY = 8             # after the simulated network's week of callers is full


def rss_kb(field: str = "VmRSS") -> int:
    """The process's resident memory (or another /proc/self/status figure) in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0 with fewer than two points)."""
    if len(xs) < 2:
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def shut_down(appliance) -> None:
    """End the run as ``sim --fast`` does: every live call gets its record, the log writer
    commits what it kept, the log is closed."""
    appliance.loop.post(ShutdownRequested("simulation finished"))
    appliance.loop.drain()
    appliance.loop.close_drivers()
    appliance.loop.close_records()
    appliance.calllog.close()


def run(days: int, calls_per_day: float, faults_per_day: int, seed: int,
        folder_in: str | None = None) -> dict:
    scenario = scenarios.parse(soak_doc(days, calls_per_day, faults_per_day, seed), seed)
    start = timefmt.parse(START)
    samples: list[dict] = []
    with tempfile.TemporaryDirectory(dir=folder_in) as folder:
        calllog = CallLog(Path(folder) / CALLLOG_NAME)
        appliance, world, tally = sim_cmd.build_sim(scenario, SimClock(start), start, seed,
                                                   calllog)
        loop = appliance.loop

        def sample(day: int) -> None:
            calls = tally.count("inbound") + tally.count("callback")
            thrown = sum(world.faults_thrown.values())
            before = samples[-1] if samples else {"calls": 0, "faults": 0}
            samples.append({"day": day + 1, "rss_kb": rss_kb(), "calls": calls,
                            "calls_that_day": calls - before["calls"], "faults": thrown,
                            "faults_that_day": thrown - before["faults"],
                            "wall_s": round(time.perf_counter() - began, 2)})

        for day in range(days):         # the day's last second: after its evening's settling
            loop.call_at(start + day * 86400 + 86400 - 1, lambda day=day: sample(day))
        began = time.perf_counter()
        stalled = None
        try:
            sim_cmd.run_scenario(appliance, world, start, sim_cmd.scenario_span_s(scenario))
        except LoopStalled as exc:      # reported with the figures so far (an engine bug)
            stalled = str(exc)
        wall = time.perf_counter() - began
        if len(samples) < days:         # the run ended before the last day's last second
            sample(days - 1)
        shut_down(appliance)
        failures, stats = loop.failures, loop.record_stats()
    steady = [s for s in samples if s["day"] >= STEADY_FROM_DAY] or samples
    per_day = slope([s["day"] for s in steady], [s["rss_kb"] for s in steady])
    per_call = slope([s["calls"] for s in steady], [s["rss_kb"] for s in steady])
    return {
        "days": days, "calls_per_day_asked": calls_per_day, "faults_per_day": faults_per_day,
        "wall_s": round(wall, 2), "stalled": stalled, "calls": samples[-1]["calls"],
        "faults": sum(world.faults_thrown.values()),
        "faults_by_kind": dict(sorted(world.faults_thrown.items())),
        "call_log_refusals": stats["refusals"], "loop_failures": failures,
        "rss_first_day_kb": samples[0]["rss_kb"], "rss_last_day_kb": samples[-1]["rss_kb"],
        "peak_rss_kb": rss_kb("VmHWM"),
        "rss_growth_kb_per_day": round(per_day, 1),
        "rss_growth_bytes_per_call": round(per_call * 1024, 1),
        "per_day": samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--calls-per-day", type=float, default=300)
    parser.add_argument("--faults-per-day", type=int, default=12)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--dir", default=None,
                        help="where the call log goes (default: the temp folder; /dev/shm "
                             "leaves out the disk's fsyncs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)   # the faults' notices are not figures
    result = run(args.days, args.calls_per_day, args.faults_per_day, args.seed, args.dir)
    result["call_log_dir"] = args.dir or tempfile.gettempdir()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
