"""The example scenarios shipped in hw-sim/scenarios/ run to the end and do what they show."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from appliance import timefmt
from appliance.cli import sim as sim_cmd
from appliance.clock import SimClock
from hwsim import scenario as scenarios
from hwsim.modemkinds import is_modem_backed

EXAMPLES = Path(__file__).resolve().parents[2] / "hw-sim" / "scenarios"


class MemoryLog:
    def __init__(self):
        self.records = {}

    def write(self, record):
        self.records[record["id"]] = record


def play(name: str) -> tuple[dict, object]:
    scenario = scenarios.load(EXAMPLES / name)
    start = timefmt.parse(sim_cmd.DEFAULT_START)
    log = MemoryLog()
    appliance, world, _ = sim_cmd.build_sim(scenario, SimClock(start), start, 0, log)
    sim_cmd.run_scenario(appliance, world, start, sim_cmd.scenario_span_s(scenario))
    assert appliance.loop.failures == 0
    return log.records, world


def runs_fast(path: Path) -> bool:
    """Examples with a line on a simulated module run only live (docs/simulator.md)."""
    return not any(is_modem_backed(cfg) for cfg in scenarios.load(path).settings["lines"])


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json") if runs_fast(p)))
def test_every_example_settles_with_final_records(name):
    records, world = play(name)
    assert records and all(r["ended_at"] for r in records.values())
    assert world.finished()


def test_callback_example_dials_back_and_gives_up_on_who_never_answers():
    records, _ = play("callback.json")
    outcomes = Counter((r["direction"], r["outcome"]) for r in records.values())
    assert outcomes == {("inbound", "answered"): 1, ("inbound", "callback_requested"): 2,
                        ("callback", "callback_answered"): 1, ("callback", "callback_failed"): 3}


def test_line_faults_example_loses_two_calls_and_blocks_one_caller():
    records, world = play("line-faults.json")
    assert sorted(r["hangup_by"] for r in records.values()) == ["system", "system"]
    assert (world.arrived, world.blocked) == (3, 1)
