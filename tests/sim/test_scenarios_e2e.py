"""End to end: scenario files through `ivr-appliance sim --fast`, then the records via `calls`."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from appliance import timefmt

ONE_OPERATOR = {"operators": [{"id": "ann", "name": "Ann", "handset": 1,
                               "queues": ["sales", "support"]}]}
TWO_LINES = [{"id": "line1", "driver": "sim"}, {"id": "line2", "driver": "sim"}]


def ivr(*args, check=True):
    done = subprocess.run([sys.executable, "-m", "appliance", *map(str, args)],
                          capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def simulate(tmp_path, scenario) -> tuple[list[dict], str]:
    """Run ``scenario`` with --fast; return the call log's records and the summary printed."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path, data = tmp_path / "scenario.json", tmp_path / "data"
    path.write_text(json.dumps(scenario))
    summary = ivr("sim", "--fast", "--scenario", path, "--data-dir", data).stdout
    records = json.loads(ivr("calls", "--data-dir", data, "--format", "json").stdout)
    assert all(r["ended_at"] is not None for r in records), "every record is final"
    return records, summary


def by_caller(records, number, direction="inbound"):
    found = [r for r in records if r["caller"] == number and r["direction"] == direction]
    assert len(found) == 1, records
    return found[0]


def test_an_answered_call(tmp_path):
    records, summary = simulate(tmp_path, {
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 4, "talk_s": 120}],
        "callers": [{"at_s": 0, "number": "+441632960001", "line": "line1", "keys": "1",
                     "patience_s": 300}]})
    record = by_caller(records, "+441632960001")
    assert (record["outcome"], record["operator"], record["handset"]) == ("answered", "ann", 1)
    assert (record["menu_path"], record["queue"], record["hangup_by"]) == ("1", "sales", "operator")
    assert record["talk_s"] == 120.0 and record["ring_s"] == 4.0
    assert [a["result"] for a in record["ring_attempts"]] == ["answered"]
    assert record["started_at"] == "2026-11-23T09:00:00.000Z"
    assert "answered 1" in summary


def test_a_caller_who_gives_up_in_the_queue(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {**ONE_OPERATOR, "lines": TWO_LINES},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 600}],
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1"},
                    {"at_s": 20, "number": "+441632960002", "keys": "1", "patience_s": 90}]})
    first, second = by_caller(records, "+441632960001"), by_caller(records, "+441632960002")
    assert first["outcome"] == "answered" and first["line"] == "line1"
    assert (second["outcome"], second["hangup_by"], second["line"]) == (
        "abandoned_queue", "caller", "line2")
    assert second["operator"] is None and second["position_at_entry"] == 1
    assert 80 < second["wait_s"] <= 90


def test_a_callback_requested_and_dialled_back(tmp_path):
    records, summary = simulate(tmp_path, {
        "settings": {**ONE_OPERATOR, "lines": TWO_LINES,
                     "queues": {"sales": {"callback_offer_after_s": 30}}},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 120}],
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1"},
                    {"at_s": 10, "number": "+441632960002", "keys": "1", "patience_s": 900,
                     "accepts_callback": True, "answers_callback_after_s": 5}]})
    asked = by_caller(records, "+441632960002")
    assert (asked["outcome"], asked["callback_offered"]) == ("callback_requested", True)
    assert asked["callback_number"] == "+441632960002" and asked["hangup_by"] == "system"
    back = by_caller(records, "+441632960002", direction="callback")
    assert back["parent_id"] == asked["id"]
    assert (back["outcome"], back["operator"]) == ("callback_answered", "ann")
    assert back["started_at"] > asked["ended_at"]
    assert "1 dial-backs" in summary


def test_a_withheld_caller_keys_a_number_and_is_called_back_on_it(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {**ONE_OPERATOR, "lines": TWO_LINES,
                     "queues": {"sales": {"callback_offer_after_s": 30}}},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 120}],
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1"},
                    {"at_s": 10, "number": None, "callback_number": "+441632960077",
                     "keys": "1", "accepts_callback": True, "answers_callback_after_s": 3}]})
    asked = by_caller(records, None)
    assert asked["outcome"] == "callback_requested"
    assert asked["callback_number"].lstrip("+") == "441632960077"
    back = [r for r in records if r["direction"] == "callback"]
    assert [(r["parent_id"], r["outcome"]) for r in back] == [(asked["id"], "callback_answered")]


def test_a_caller_outside_business_hours_hears_closed(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {"hours": {"weekly": {"mon": [["09:00", "17:00"]]}}},
        "start": "2026-11-23T18:30:00Z",
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1"}]})
    record = by_caller(records, "+441632960001")
    assert (record["outcome"], record["queue"], record["operator"]) == ("closed", None, None)
    assert record["hangup_by"] == "system"


def test_an_unanswered_ring_moves_on_to_the_next_operator(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {"queues": {"sales": {"ring_timeout_s": 10}}},
        "operators": [{"id": "ann", "handset": 1, "present": False},
                      {"id": "bob", "handset": 2, "answer_after_s": 3, "talk_s": 60}],
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1"}]})
    record = by_caller(records, "+441632960001")
    assert [(a["operator"], a["result"]) for a in record["ring_attempts"]] == [
        ("ann", "no_answer"), ("bob", "answered")]
    assert (record["outcome"], record["operator"], record["ring_s"]) == ("answered", "bob", 3.0)


def test_random_traffic_gives_the_same_records_for_the_same_seed(tmp_path):
    scenario = {"settings": {"lines": TWO_LINES + [{"id": "line3", "driver": "sim"}]},
                "traffic": {"calls_per_hour": 60, "hours": 1, "talk_s_mean": 100,
                            "patience_s_mean": 120, "callback_share": 0.5, "keys": ["1", "2"],
                            "seed": 11}}
    first, _ = simulate(tmp_path / "a", scenario)
    second, _ = simulate(tmp_path / "b", scenario)
    assert first == second and len(first) >= 40
    outcomes = {r["outcome"] for r in first}
    assert "answered" in outcomes


@pytest.mark.parametrize("scenario, message", [
    ({"callers": [{"at_s": 0, "patince_s": 3}]}, "'callers[0].patince_s' is not known"),
    ({"callers": [{"at_s": "soon"}]}, "'callers[0].at_s' must be a number of seconds"),
    ({"callers": [{"at_s": 0}], "settings": {"queues": {"sales": {"ring_timeout_s": 1}}}},
     "Setting 'queues.sales.ring_timeout_s' must be at least 5"),
])
def test_a_bad_scenario_is_one_line_of_error_naming_the_key(tmp_path, scenario, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(scenario))
    done = ivr("sim", "--fast", "--scenario", path, "--data-dir", tmp_path / "d", check=False)
    assert done.returncode == 1
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_run_that_can_never_end_stops_with_a_clear_error(tmp_path):
    path = tmp_path / "endless.json"
    path.write_text(json.dumps({
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 1, "talk_s": None}],
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1", "talk_s": None}]}))
    done = ivr("sim", "--fast", "--scenario", path, "--data-dir", tmp_path / "d", check=False)
    assert done.returncode == 1
    assert "did not settle" in done.stderr and "line1" in done.stderr


def test_faults_thrown_by_a_scenario(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {**ONE_OPERATOR, "lines": TWO_LINES,
                     "queues": {"sales": {"callback_offer_after_s": 30}}},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 100}],
        "callers": [
            {"at_s": 0, "number": "+441632960001", "keys": "1", "line": "line1"},
            {"at_s": 10, "number": "+441632960002", "keys": "1", "line": "line2",
             "accepts_callback": True, "answers_callback_after_s": 4},
            {"at_s": 60, "number": "+441632960003", "keys": "1", "line": "line2"}],
        "faults": [{"at_s": 50, "do": "unplug", "line": "line2"},
                   {"at_s": 100, "do": "drop_call", "line": "line1"},
                   {"at_s": 101, "do": "unplug", "line": "line1"},
                   {"at_s": 400, "do": "plug_in", "line": "line1"}]})
    dropped = by_caller(records, "+441632960001")
    assert (dropped["outcome"], dropped["hangup_by"], dropped["talk_s"]) == (
        "answered", "system", 94.0)
    back = by_caller(records, "+441632960002", direction="callback")
    assert (back["line"], back["outcome"]) == ("line1", "callback_answered")
    assert back["started_at"] >= "2026-11-23T09:06:40"       # only once line1 is back
    assert not [r for r in records if r["caller"] == "+441632960003"]   # line2 was unplugged


def test_a_closed_office_takes_a_voicemail(tmp_path):
    records, _ = simulate(tmp_path, {
        "start": "2026-11-22T10:00:00Z",
        "settings": {"hours": {"weekly": {"mon": [["09:00", "17:00"]]}},
                     "voicemail": {"when_closed": True, "silence_end_s": 3}},
        "callers": [{"at_s": 0, "number": "+441632960001", "message_s": 12}]})
    [record] = records
    assert (record["outcome"], record["hangup_by"]) == ("voicemail", "system")
    assert record["voicemail"] == f"voicemail/2026-11-22/{record['id']}.wav"
    assert timefmt.parse(record["ended_at"]) - timefmt.parse(record["started_at"]) > 15


def test_a_dial_back_that_reaches_an_answering_machine_is_tried_again(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {**ONE_OPERATOR, "lines": TWO_LINES,
                     "queues": {"sales": {"callback_offer_after_s": 0}},
                     "callbacks": {"max_attempts": 2, "retry_after_s": 60}},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 200}],
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1"},
                    {"at_s": 10, "number": "+441632960002", "keys": "1", "accepts_callback": True,
                     "answers_callback_after_s": 4, "answering_machine": True}]})
    dials = [r for r in records if r["direction"] == "callback"]
    assert [d["outcome"] for d in dials] == ["callback_failed", "callback_failed"]
    assert by_caller(records, "+441632960002")["outcome"] == "callback_requested"
