"""Scenario files: every key checked, unknown keys named, settings merged and validated."""
from __future__ import annotations

import json

import pytest

from appliance.errors import ScenarioError, SettingsError
from hwsim.scenario import OperatorPlan, load, parse

CALLER = {"at_s": 0, "number": "+441632960001", "keys": "1"}


@pytest.mark.parametrize("doc, message", [
    ({"callers": [CALLER], "stat": "x"}, "Scenario key 'stat' is not known"),
    ({"callers": [{**CALLER, "patince_s": 3}]}, "Scenario key 'callers[0].patince_s' is not known"),
    ({"callers": [CALLER], "operators": [{"id": "a", "handset": 1, "talks": 3}]},
     "'operators[0].talks' is not known"),
    ({"traffic": {"calls_per_hour": 5, "hours": 1, "sed": 3}}, "'traffic.sed' is not known"),
    ({"traffic": {"calls_per_hour": 5, "hours": 1, "talk_s_mean": {"mean": 3}}},
     "'traffic.talk_s_mean' must be a number of seconds"),
    ({"callers": [{**CALLER, "at_s": "soon"}]}, "'callers[0].at_s' must be a number of seconds"),
    ({"callers": [{**CALLER, "at_s": True}]}, "'callers[0].at_s' must be a number of seconds"),
    ({"callers": [{**CALLER, "at_s": -1}]}, "'callers[0].at_s' must be a number of seconds at least"),
    ({"callers": [{**CALLER, "patience_s": 0}]}, "'callers[0].patience_s' must be"),
    ({"callers": [{**CALLER, "accepts_callback": "yes"}]},
     "'callers[0].accepts_callback' must be true or false"),
    ({"callers": [{**CALLER, "keys": "12a"}]}, "'callers[0].keys' must be a string of phone keys"),
    ({"callers": [{**CALLER, "number": "call me"}]}, "'callers[0].number' must be a phone number"),
    ({"callers": [{**CALLER, "talk_s": {"mean": 0}}]}, "'callers[0].talk_s.mean' must be"),
    ({"callers": [{"number": "+44"}]}, "Scenario 'callers[0].at_s' is required"),
    ({"callers": [CALLER], "operators": [{"id": "a", "handset": 21}]},
     "'operators[0].handset' must be an integer between 1 and 20"),
    ({"callers": [CALLER], "operators": [{"handset": 2}]}, "'operators[0].id' is required"),
    ({"callers": [CALLER], "operators": [{"id": "a", "handset": 2}, {"id": "b", "handset": 2}]},
     "'operators[1].handset' repeats 2"),
    ({"callers": [CALLER], "start": "tomorrow"}, "'start' must be an ISO 8601 time"),
    ({"callers": {"at_s": 0}}, "'callers' must be a list"),
    ({"traffic": {"calls_per_hour": 0, "hours": 1}}, "'traffic.calls_per_hour' must be calls"),
    ({"traffic": {"calls_per_hour": 5, "hours": 1, "callback_share": 1.5}},
     "'traffic.callback_share' must be a share between 0 and 1"),
    ({"traffic": {"calls_per_hour": 5, "hours": 1, "keys": ["1", "x"]}}, "'traffic.keys[1]'"),
    ({"traffic": {"hours": 1}}, "'traffic.calls_per_hour' is required"),
    ({"operators": [{"id": "a", "handset": 1}]}, "needs 'callers' or 'traffic'"),
    ({"callers": [{**CALLER, "line": "line7"}]},
     "'callers[0].line' names line 'line7', which is not in settings lines (line1)"),
    ([CALLER], "Scenario '(top level)' must be a JSON object"),
])
def test_a_bad_scenario_names_the_key_and_what_is_wrong(doc, message):
    with pytest.raises(ScenarioError) as caught:
        parse(doc)
    assert message in str(caught.value)


def test_settings_in_a_scenario_are_validated_by_the_settings_schema():
    with pytest.raises(SettingsError, match="Setting 'queues.sales.ring_timout_s' is not"):
        parse({"callers": [CALLER], "settings": {"queues": {"sales": {"ring_timout_s": 9}}}})


def test_a_file_that_is_not_json_or_not_there_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{\"callers\": [")
    with pytest.raises(ScenarioError, match="is not valid JSON"):
        load(bad)
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load(tmp_path / "missing.json")


def test_defaults_of_a_minimal_scenario(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"callers": [{"at_s": 5}]}))
    scenario = load(path)
    (caller,) = scenario.callers
    assert scenario.start is None and scenario.traffic is None
    assert (caller.number, caller.line, caller.keys, caller.patience_s) == (None, None, "", None)
    assert (caller.accepts_callback, caller.answers_callback_after_s) == (False, 5.0)
    assert caller.callback_number == "+441632960000" and caller.talk_s is None
    assert scenario.operators == (OperatorPlan("ann", 1, 4.0, 60.0), OperatorPlan("bob", 2, 4.0, 60.0),
                                  OperatorPlan("cat", 3, 4.0, 60.0))


def test_with_traffic_operators_let_the_caller_decide_how_long_to_talk():
    scenario = parse({"callers": [{"at_s": 0}],
                      "traffic": {"calls_per_hour": 10, "hours": 1, "talk_s_mean": 90}}, seed=4)
    assert {plan.talk_s for plan in scenario.operators} == {None}
    assert scenario.callers[0].talk_s == {"mean": 90.0}
    assert scenario.traffic.seed == 4 and scenario.traffic.keys == ("",)


def test_scenario_operators_take_their_handsets_and_new_ones_serve_every_queue():
    scenario = parse({"callers": [CALLER], "operators": [
        {"id": "zoe", "handset": 1, "answer_after_s": 2, "talk_s": {"mean": 30}},
        {"id": "cat", "handset": 6, "present": False},
        {"id": "max", "handset": 9, "talk_s": None}]})
    ops = {op["id"]: op for op in scenario.settings["operators"]}
    assert sorted(ops) == ["bob", "cat", "max", "zoe"]             # ann gave up handset 1
    assert (ops["zoe"]["handset"], ops["zoe"]["queues"]) == (1, ["sales", "support"])
    assert (ops["cat"]["handset"], ops["cat"]["queues"]) == (6, ["support"])
    assert scenario.settings["handsets"]["count"] == 9
    plans = {plan.id: plan for plan in scenario.operators}
    assert plans["zoe"] == OperatorPlan("zoe", 1, 2.0, {"mean": 30.0})
    assert plans["cat"] == OperatorPlan("cat", 6, 4.0, 60.0, present=False)
    assert plans["max"].talk_s is None and plans["bob"] == OperatorPlan("bob", 2, 4.0, 60.0)


def test_callers_are_sorted_by_arrival_and_keep_their_callback_numbers():
    scenario = parse({"callers": [
        {"at_s": 30, "number": "+441632960001"},
        {"at_s": 10, "number": None, "callback_number": "+441632960099"},
        {"at_s": 20}]})
    assert [(c.at_s, c.callback_number) for c in scenario.callers] == [
        (10.0, "+441632960099"), (20.0, "+441632960002"), (30.0, "+441632960001")]


def test_start_is_read_as_utc():
    assert parse({"callers": [CALLER], "start": "2026-11-23T09:00:00Z"}).start == 1_795_424_400.0
    assert parse({"callers": [CALLER], "start": "2026-11-23T10:00:00+01:00"}).start == 1_795_424_400.0


@pytest.mark.parametrize("fault, message", [
    ({"at_s": 1, "do": "explode", "line": "line1"}, "'faults[0].do' must be one of drop_call"),
    ({"at_s": 1, "do": "unplug"}, "'faults[0].line' must name a settings line (line1)"),
    ({"at_s": 1, "do": "lift", "line": "line1"}, "'faults[0].handset' must be a handset 1-3"),
    ({"at_s": 1, "do": "walk_away", "handset": 4}, "'faults[0].handset' must be a handset 1-3"),
])
def test_bad_faults_are_named(fault, message):
    with pytest.raises(ScenarioError) as caught:
        parse({"callers": [CALLER], "faults": [fault]})
    assert message in str(caught.value)


def test_faults_are_checked_and_kept_in_order_given():
    scenario = parse({"callers": [CALLER], "faults": [
        {"at_s": 9, "do": "walk_away", "handset": 2}, {"at_s": 3, "do": "drop_call", "line": "line1"}]})
    assert [(f.at_s, f.do, f.line, f.handset) for f in scenario.faults] == [
        (9.0, "walk_away", None, 2), (3.0, "drop_call", "line1", None)]


def test_a_run_of_many_days_is_given_until_its_last_day_to_settle():
    from appliance.cli.sim import SETTLE_LIMIT_S, scenario_span_s
    doc = {"traffic": {"calls_per_hour": 10, "hours": 8, "days": 30}}
    span = scenario_span_s(parse(doc, 0))
    assert span == 29 * 86400 + 8 * 3600          # the 30th day's office hours end there
    assert span + SETTLE_LIMIT_S > 59 * 86400     # and it then has as long as any run to settle
