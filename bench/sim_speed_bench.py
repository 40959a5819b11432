"""How fast the simulated clock replays a working day: 8 hours, 40 calls/hour, 3 operators.

Runs in-process on the real engine, loop, simulated lines and handsets, and writes every call
record to a real SQLite call log in a temporary folder (as ``sim --fast`` does). Prints one JSON
object: simulated seconds, wall seconds, their ratio, and the calls recorded. Target: the whole
day in under 10 s of wall time on one core.

    .venv/bin/python bench/sim_speed_bench.py
"""
from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from appliance import timefmt
from appliance.cli import sim as sim_cmd
from appliance.clock import SimClock
from appliance.store.calllog import CALLLOG_NAME, CallLog
from hwsim import scenario as scenarios

DAY = {
    "settings": {"lines": [{"id": f"line{n}", "driver": "sim"} for n in range(1, 5)]},
    "traffic": {"calls_per_hour": 40, "hours": 8, "talk_s_mean": 180, "patience_s_mean": 240,
                "callback_share": 0.5, "keys": ["1", "2"], "seed": 7},
}


def main() -> int:
    logging.basicConfig(level=logging.ERROR)     # engine notices (missed rings...) are not figures
    scenario = scenarios.parse(DAY)
    start = timefmt.parse(sim_cmd.DEFAULT_START)
    with tempfile.TemporaryDirectory() as folder:
        calllog = CallLog(Path(folder) / CALLLOG_NAME)
        appliance, world, tally = sim_cmd.build_sim(scenario, SimClock(start), start, 0, calllog)
        began = time.perf_counter()
        sim_cmd.run_scenario(appliance, world, start, sim_cmd.scenario_span_s(scenario))
        wall = time.perf_counter() - began
        calllog.close()
    simulated = appliance.loop.now() - start
    print(json.dumps({"simulated_s": round(simulated, 1), "wall_s": round(wall, 3),
                      "sim_seconds_per_wall_second": round(simulated / wall),
                      "calls": tally.count("inbound") + tally.count("callback")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
