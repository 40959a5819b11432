"""Operators who flash in a scenario: a transfer with 0 and a hold-and-back, through
`ivr-appliance sim --fast`, land in the records (transfers, hold_s) and lose nobody."""
from __future__ import annotations

from .test_scenarios_e2e import TWO_LINES, by_caller, simulate

SETTINGS = {"lines": TWO_LINES, "handsets": {"count": 2},
            "operators": [{"id": "ann", "name": "Ann", "handset": 1, "queues": ["sales"]},
                          {"id": "bob", "name": "Bob", "handset": 2, "queues": ["support"]}],
            "queues": {"sales": {"escalate_to": "support"}}}


def test_an_operator_passes_a_caller_on_with_0_and_another_holds_and_comes_back(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": SETTINGS,
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 300,
                       "flash": [{"after_s": 30, "keys": "0"}]},
                      {"id": "bob", "handset": 2, "answer_after_s": 2, "talk_s": 60,
                       "flash": [{"after_s": 20, "hold_s": 15}]}],
        "callers": [{"at_s": 0, "number": "+441632960001", "line": "line1", "keys": "1",
                     "patience_s": 600}]})
    record = by_caller(records, "+441632960001")
    assert record["outcome"] == "answered" and record["operator"] == "bob"
    assert [(t["from_queue"], t["to_queue"], t["by"]) for t in record["transfers"]] == [
        ("sales", "support", "ann")]
    assert record["hold_s"] == 1.0 + 15.0        # ann's hold before her key, then bob's
    assert record["queue"] == "support"
