"""Report figures on a small hand-made day of calls, with every expected number worked out by hand."""
from __future__ import annotations

import pytest

from appliance.store.calllog import CallLog
from appliance.store.callstats import OUTCOMES

DAY = "2026-11-23T"


def t(clock: str) -> str:
    return f"{DAY}{clock}.000Z"


@pytest.fixture
def log(tmp_path, make_record, make_attempt):
    """Eight calls on 2026-11-23 and one on each neighbouring day.

    | id | dir      | start    | queued | wait | outcome            | op  | ring talk hold wrap | missed rings    |
    | a1 | inbound  | 09:00:00 | yes    | 10   | answered           | ann | 4 100 10 6          | bob             |
    | a2 | inbound  | 09:30:00 | yes    | 30   | answered           | bob | 6 200 0 10          | ann             |
    | a3 | inbound  | 10:15:00 | yes    | 50   | abandoned_queue    | -   |                     | bob, bob        |
    | a4 | inbound  | 10:45:00 | yes    | 20   | answered           | ann | 2 60 5 4            |                 |
    | a5 | inbound  | 11:05:00 | no     | -    | abandoned_menu     | -   |                     |                 |
    | a6 | inbound  | 11:10:00 | yes    | 40   | callback_requested | -   |                     |                 |
    | a7 | callback | 11:20:00 | no     | -    | callback_answered  | cat | 3 90 0 20           |                 |
    | a8 | inbound  | 23:59:59 | no     | -    | closed             | -   |                     |                 |
    """
    def miss(operator, handset, clock):
        return make_attempt(operator, handset, t(clock), t(clock[:-2] + "59"), "no_answer")

    def took(operator, handset, clock):
        return make_attempt(operator, handset, t(clock), t(clock[:-2] + "59"), "answered")

    def answered(call_id, start, wait, operator, ring, talk, hold, wrap, attempts, **more):
        return make_record(call_id, t(start), queue="sales", queued_at=t(start), wait_s=wait,
                           outcome="answered", operator=operator, ring_s=ring, talk_s=talk,
                           hold_s=hold, wrapup_s=wrap, ring_attempts=attempts, **more)

    records = [
        answered("a1", "09:00:00", 10, "ann", 4, 100, 10, 6,
                 [miss("bob", 2, "09:00:20"), took("ann", 1, "09:00:40")]),
        answered("a2", "09:30:00", 30, "bob", 6, 200, 0, 10,
                 [miss("ann", 1, "09:30:20"), took("bob", 2, "09:30:40")]),
        make_record("a3", t("10:15:00"), queue="sales", queued_at=t("10:15:05"), wait_s=50,
                    outcome="abandoned_queue",
                    ring_attempts=[miss("bob", 2, "10:15:20"), miss("bob", 2, "10:15:40")]),
        answered("a4", "10:45:00", 20, "ann", 2, 60, 5, 4, [took("ann", 1, "10:45:20")]),
        make_record("a5", t("11:05:00"), outcome="abandoned_menu"),
        make_record("a6", t("11:10:00"), queue="sales", queued_at=t("11:10:05"), wait_s=40,
                    outcome="callback_requested", callback_offered=True),
        make_record("a7", t("11:20:00"), direction="callback", parent_id="a6", operator="cat",
                    outcome="callback_answered", ring_s=3, talk_s=90, hold_s=0, wrapup_s=20,
                    ring_attempts=[took("cat", 3, "11:20:00")]),
        make_record("a8", "2026-11-23T23:59:59.999Z", outcome="closed"),
        make_record("z0", "2026-11-22T23:59:59.999Z", queued_at="2026-11-22T23:59:59.999Z",
                    wait_s=500, outcome="answered", operator="ann", talk_s=1000,
                    ring_attempts=[make_attempt("ann", 1, "2026-11-22T23:59:59.999Z",
                                                "2026-11-23T00:00:10.000Z", "no_answer")]),
        make_record("z1", "2026-11-24T00:00:00.000Z", outcome="failed"),
    ]
    with CallLog(tmp_path / "calls.db") as opened:
        opened.write_many(records)
        yield opened


@pytest.fixture
def figures(log):
    return log.stats("2026-11-23", "2026-11-24", service_level_s=20, missed_rings_flag=3)


def test_period_and_volume(figures):
    assert figures["period"] == {"since": "2026-11-23T00:00:00.000Z",
                                 "until": "2026-11-24T00:00:00.000Z"}
    assert (figures["calls"], figures["inbound"], figures["callbacks_dialled"]) == (8, 7, 1)


def test_outcomes_list_every_contract_outcome(figures):
    expected = dict.fromkeys(OUTCOMES, 0)
    expected.update(answered=3, abandoned_queue=1, abandoned_menu=1, callback_requested=1,
                    callback_answered=1, closed=1)
    assert figures["outcomes"] == expected
    assert figures["callbacks"] == {"requested": 1, "answered": 1, "failed": 0}


def test_service_level_counts_answers_within_the_target_inclusive(figures):
    # queued inbound calls: a1 a2 a3 a4 a6; answered with wait <= 20: a1 (10) and a4 (20)
    assert figures["service_level"] == {"target_s": 20, "offered": 5, "answered_within": 2,
                                        "share": 0.4}


def test_service_level_follows_its_target(log):
    level = log.stats("2026-11-23", "2026-11-24", service_level_s=30)["service_level"]
    assert (level["answered_within"], level["share"]) == (3, 0.6)


def test_wait_over_inbound_queued_calls(figures):
    # (10 + 30 + 50 + 20 + 40) / 5
    assert figures["wait"] == {"average_s": 30.0, "longest_s": 50.0}


def test_handle_times_average_over_answered_calls_including_callbacks(figures):
    # a1 a2 a4 a7: ring (4+6+2+3)/4, talk (100+200+60+90)/4, hold (10+0+5+0)/4, wrap (6+10+4+20)/4
    assert figures["handle"] == {"answered_calls": 4, "ring_s": 3.75, "talk_s": 112.5,
                                 "hold_s": 3.75, "wrapup_s": 10.0, "average_handle_s": 130.0}


def test_per_operator_counts_calls_talk_and_missed_rings(figures):
    assert figures["per_operator"] == [
        {"operator": "ann", "calls_taken": 2, "rings_missed": 1, "talk_s": 160.0,
         "average_talk_s": 80.0, "flagged": False},
        {"operator": "bob", "calls_taken": 1, "rings_missed": 3, "talk_s": 200.0,
         "average_talk_s": 200.0, "flagged": True},
        {"operator": "cat", "calls_taken": 1, "rings_missed": 0, "talk_s": 90.0,
         "average_talk_s": 90.0, "flagged": False},
    ]


def test_calls_by_hour_and_by_day(figures):
    expected = [0] * 24
    expected[9], expected[10], expected[11], expected[23] = 2, 2, 3, 1
    assert figures["per_hour"] == expected
    assert figures["per_day"] == {"2026-11-23": 8}


def test_whole_log_without_a_range(log):
    figures = log.stats()
    assert figures["calls"] == 10 and figures["period"] == {"since": None, "until": None}
    assert figures["per_day"] == {"2026-11-22": 1, "2026-11-23": 8, "2026-11-24": 1}
    assert figures["wait"]["longest_s"] == 500.0
    ann = figures["per_operator"][0]
    assert (ann["operator"], ann["calls_taken"], ann["rings_missed"]) == ("ann", 3, 2)


def test_empty_period_has_zeros_and_no_averages(log):
    figures = log.stats("2027-01-01", "2027-02-01")
    assert figures["calls"] == 0 and figures["per_operator"] == [] and figures["per_day"] == {}
    assert figures["service_level"]["share"] is None
    assert figures["wait"] == {"average_s": None, "longest_s": None}
    assert figures["handle"]["average_handle_s"] is None and figures["per_hour"] == [0] * 24


def test_records_without_an_outcome_are_counted_as_unknown(tmp_path, make_record):
    with CallLog(tmp_path / "calls.db") as log:
        log.write(make_record("live", t("09:00:00")))
        assert log.stats()["outcomes"]["unknown"] == 1
