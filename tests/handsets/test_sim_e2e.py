"""End to end: the whole appliance with ``handsets.driver: gpio`` on the simulated board."""
from __future__ import annotations

import json
import subprocess
import sys

from appliance.cli import sim as sim_cmd
from appliance.clock import SimClock
from hwsim import scenario as scenarios
from hwsim.board.desks import BoardHandsets

START = 1_795_424_400.0

SCENARIO = {
    "settings": {"handsets": {"driver": "gpio", "cadence": "uk"},
                 "lines": [{"id": "line1", "driver": "sim"}, {"id": "line2", "driver": "sim"}]},
    "operators": [{"id": "ann", "handset": 1, "answer_after_s": 3, "talk_s": 40},
                  {"id": "bob", "handset": 2, "answer_after_s": 5, "talk_s": 30}],
    "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1", "patience_s": 300},
                {"at_s": 5, "number": "+441632960002", "keys": "1", "patience_s": 300},
                {"at_s": 120, "number": "+441632960003", "keys": "1", "patience_s": 300}],
}


class Records:
    def __init__(self) -> None:
        self.by_id: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.by_id[record["id"]] = record


def test_calls_are_answered_through_the_gpio_driver_in_process():
    scenario = scenarios.parse(json.loads(json.dumps(SCENARIO)), 0)
    log = Records()
    appliance, world, _ = sim_cmd.build_sim(scenario, SimClock(START), START, 0, log)
    assert isinstance(world.handsets, BoardHandsets)
    sim_cmd.run_scenario(appliance, world, START, sim_cmd.scenario_span_s(scenario))
    outcomes = sorted(r["outcome"] for r in log.by_id.values())
    assert outcomes == ["answered"] * 3
    assert {r["handset"] for r in log.by_id.values()} <= {1, 2}
    assert world.handsets.board.ringing() == set() and world.handsets.all_on_hook()
    assert appliance.loop.failures == 0


def test_sim_fast_runs_a_scenario_with_the_gpio_driver(tmp_path):
    path = tmp_path / "gpio.json"
    path.write_text(json.dumps(SCENARIO))
    done = subprocess.run([sys.executable, "-m", "appliance", "sim", "--fast", "--scenario", path,
                           "--data-dir", tmp_path / "data"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "answered 3" in done.stdout
