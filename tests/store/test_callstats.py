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
    (a1, a2, a4 and a7 end at 09:02:30, 09:34:00, 10:46:25 and 11:21:40; a7, the dial-back that
    a6 asked for, is answered at 11:20:10)
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
                 [miss("bob", 2, "09:00:20"), took("ann", 1, "09:00:40")], ended_at=t("09:02:30")),
        answered("a2", "09:30:00", 30, "bob", 6, 200, 0, 10,
                 [miss("ann", 1, "09:30:20"), took("bob", 2, "09:30:40")], ended_at=t("09:34:00")),
        make_record("a3", t("10:15:00"), queue="sales", queued_at=t("10:15:05"), wait_s=50,
                    outcome="abandoned_queue",
                    ring_attempts=[miss("bob", 2, "10:15:20"), miss("bob", 2, "10:15:40")]),
        answered("a4", "10:45:00", 20, "ann", 2, 60, 5, 4, [took("ann", 1, "10:45:20")],
                 ended_at=t("10:46:25")),
        make_record("a5", t("11:05:00"), outcome="abandoned_menu"),
        make_record("a6", t("11:10:00"), queue="sales", queued_at=t("11:10:05"), wait_s=40,
                    outcome="callback_requested", callback_offered=True),
        make_record("a7", t("11:20:00"), direction="callback", parent_id="a6", operator="cat",
                    outcome="callback_answered", ring_s=3, talk_s=90, hold_s=0, wrapup_s=20,
                    answered_at=t("11:20:10"), ended_at=t("11:21:40"),
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
                                 "until": "2026-11-24T00:00:00.000Z", "timezone": "UTC"}
    assert (figures["calls"], figures["inbound"], figures["callbacks_dialled"]) == (8, 7, 1)


def test_outcomes_list_every_contract_outcome(figures):
    expected = dict.fromkeys(OUTCOMES, 0)
    expected.update(answered=3, abandoned_queue=1, abandoned_menu=1, callback_requested=1,
                    callback_answered=1, closed=1)
    assert figures["outcomes"] == expected
    assert {k: v for k, v in figures["callbacks"].items() if k != "time_to_callback"} == \
        {"requested": 1, "answered": 1, "failed": 0}


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


def test_handle_time_is_talk_hold_and_wrapup_with_ring_time_apart(figures):
    # a1 a2 a4 a7: ring (4+6+2+3)/4, talk (100+200+60+90)/4, hold (10+0+5+0)/4, wrap (6+10+4+20)/4
    # handle time per call: 116, 210, 69, 110 -> 505 / 4 (the ring is not part of it)
    assert figures["handle"] == {"answered_calls": 4, "ring_s": 3.75, "talk_s": 112.5,
                                 "hold_s": 3.75, "wrapup_s": 10.0, "average_handle_s": 126.25}


def test_per_operator_counts_calls_talk_and_missed_rings(figures):
    keys = ("operator", "calls_taken", "rings_missed", "talk_s", "average_talk_s", "flagged")
    assert [{k: row[k] for k in keys} for row in figures["per_operator"]] == [
        {"operator": "ann", "calls_taken": 2, "rings_missed": 1, "talk_s": 160.0,
         "average_talk_s": 80.0, "flagged": False},
        {"operator": "bob", "calls_taken": 1, "rings_missed": 3, "talk_s": 200.0,
         "average_talk_s": 200.0, "flagged": True},
        {"operator": "cat", "calls_taken": 1, "rings_missed": 0, "talk_s": 90.0,
         "average_talk_s": 90.0, "flagged": False},
    ]


def test_per_operator_busy_time_present_time_and_occupancy(figures):
    keys = ("hold_s", "wrapup_s", "busy_s", "average_handle_s", "present_s", "occupancy")
    rows = {row["operator"]: tuple(row[k] for k in keys) for row in figures["per_operator"]}
    # ann: busy 116 + 69; at the desk from her first ring (09:00:40) to the end of a4's wrap-up
    # (10:46:25 + 4 s) = 6349 s. bob: busy 210; first ring 09:00:20 to his last ring's end
    # 10:15:59 = 4539 s. cat: busy 110; ring at 11:20:00 to 11:21:40 + 20 s of wrap-up = 120 s.
    assert rows == {"ann": (15.0, 10.0, 185.0, 92.5, 6349.0, 0.0291),
                    "bob": (0.0, 10.0, 210.0, 210.0, 4539.0, 0.0463),
                    "cat": (0.0, 20.0, 110.0, 110.0, 120.0, 0.9167)}


def test_calls_by_hour_and_by_day(figures):
    expected = [0] * 24
    expected[9], expected[10], expected[11], expected[23] = 2, 2, 3, 1
    assert figures["per_hour"] == expected
    assert figures["per_day"] == {"2026-11-23": 8}


def test_whole_log_without_a_range(log):
    figures = log.stats()
    assert figures["calls"] == 10
    assert figures["period"] == {"since": None, "until": None, "timezone": "UTC"}
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


# ---- speed of answer, abandons, queues, callbacks -----------------------------------------------

def test_average_speed_of_answer_over_answered_callers_who_queued(figures):
    # a1 a2 a4 waited 10, 30 and 20 s; the dial-back a7 did not queue
    assert figures["asa"] == {"answered": 3, "average_s": 20.0}


def test_abandon_rate_over_callers_who_reached_a_queue(figures):
    # a3 gave up after 50 s; five callers queued (a1 a2 a3 a4 a6)
    assert figures["abandon"] == {"reached_queue": 5, "abandoned": 1, "short_abandons": 0,
                                  "short_abandon_s": 5.0, "rate": 0.2}


def test_short_abandons_are_counted_apart_and_left_out_of_the_rate(tmp_path, make_record):
    def gave_up(call_id, wait, queue="sales"):
        return make_record(call_id, t("09:00:00"), queue=queue, queued_at=t("09:00:00"),
                           wait_s=wait, outcome="abandoned_queue")
    records = [gave_up("s1", 1.5), gave_up("s2", 4.999), gave_up("l1", 5.0), gave_up("l2", 80),
               make_record("ok", t("09:10:00"), queue="sales", queued_at=t("09:10:00"),
                           wait_s=3, outcome="answered", operator="ann"),
               gave_up("x1", 2, queue="support")]
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many(records)
        figures = log.stats()
        from appliance.store import callstats
        stricter = callstats.report(log, None, None, {"reports": {"short_abandon_s": 2}})
    # under 2 s: s1 alone; s2 l1 l2 and x1 (exactly 2 s) count, of 5 callers
    assert (stricter["abandon"]["short_abandons"], stricter["abandon"]["rate"]) == (1, 0.8)
    # 6 queued, 3 short (under 5 s): the rate is 2 of the 3 others
    assert figures["abandon"] == {"reached_queue": 6, "abandoned": 2, "short_abandons": 3,
                                  "short_abandon_s": 5.0, "rate": 0.6667}
    sales, support = figures["per_queue"]
    assert (sales["queue"], sales["abandoned"], sales["short_abandons"], sales["abandon_rate"]) \
        == ("sales", 2, 2, 0.6667)
    assert (support["short_abandons"], support["abandon_rate"]) == (1, None)


def test_service_level_speed_of_answer_and_abandons_per_queue(figures):
    assert figures["per_queue"] == [
        {"queue": "sales", "offered": 5, "answered": 3, "target_s": 20, "answered_within": 2,
         "service_level": 0.4, "asa_s": 20.0, "abandoned": 1, "short_abandons": 0,
         "abandon_rate": 0.2, "callbacks_requested": 1}]


def test_per_queue_service_level_follows_the_report_target(log):
    [sales] = log.stats("2026-11-23", "2026-11-24", service_level_s=30)["per_queue"]
    assert (sales["answered_within"], sales["service_level"]) == (3, 0.6)


def test_a_queue_with_its_own_target_is_measured_against_it(log):
    """Sales sets 30 s (Queues page), the office 20 s: sales counts a2's 30 s wait as within,
    and so does the overall share, which counts each call against its queue's target."""
    from appliance.store import callstats, schema
    settings = schema.defaults()
    settings["queues"]["sales"]["service_level_s"] = 30
    opts = callstats.options(settings)
    assert opts["queue_targets"] == {"sales": 30}
    figures = callstats.report(log, "2026-11-23T00:00:00.000Z", "2026-11-24T00:00:00.000Z",
                               settings)
    [sales] = figures["per_queue"]
    assert (sales["target_s"], sales["answered_within"], sales["service_level"]) == (30, 3, 0.6)
    assert figures["service_level"]["answered_within"] == 3
    settings["queues"]["sales"]["service_level_s"] = None       # back to the office's target
    [sales] = callstats.report(log, "2026-11-23T00:00:00.000Z", "2026-11-24T00:00:00.000Z",
                               settings)["per_queue"]
    assert (sales["target_s"], sales["answered_within"]) == (20, 2)


def test_time_to_callback_from_the_request_to_the_answered_dial_back(figures):
    # a6 queued 11:10:05 and chose the callback after 40 s (11:10:45); a7 answered 11:20:10
    assert figures["callbacks"]["time_to_callback"] == {"served": 1, "average_s": 565.0,
                                                        "longest_s": 565.0}


def test_time_to_callback_counts_the_first_answered_dial_back_of_each_request(tmp_path,
                                                                            make_record):
    def request(call_id, start):
        return make_record(call_id, t(start), queue="sales", queued_at=t(start), wait_s=60,
                           outcome="callback_requested", ended_at=t(start[:-2] + "59"))

    def dial(call_id, parent, start, outcome, answered=None):
        return make_record(call_id, start, direction="callback", parent_id=parent,
                           outcome=outcome, answered_at=answered)

    records = [
        request("r1", "09:00:00"),            # asked at 09:01:00
        dial("d1", "r1", t("09:05:00"), "callback_failed"),
        dial("d2", "r1", t("09:10:00"), "callback_answered", t("09:11:00")),     # 600 s
        request("r2", "10:00:00"),            # asked at 10:01:00, served the next day
        dial("d3", "r2", "2026-11-24T08:01:00.000Z", "callback_answered",
             "2026-11-24T08:01:00.000Z"),                                        # 79200 s
        request("r3", "11:00:00"),            # never served
        make_record("old", "2026-11-22T10:00:00.000Z", queue="sales", outcome="callback_requested",
                    queued_at="2026-11-22T10:00:00.000Z", wait_s=0),
        dial("d4", "old", t("08:00:00"), "callback_answered", t("08:00:30")),    # earlier period
    ]
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many(records)
        day = log.stats("2026-11-23", "2026-11-24")["callbacks"]["time_to_callback"]
        before = log.stats("2026-11-22", "2026-11-23")["callbacks"]["time_to_callback"]
    assert day == {"served": 2, "average_s": 39900.0, "longest_s": 79200.0}
    assert before == {"served": 1, "average_s": 79230.0, "longest_s": 79230.0}     # 22 h 30 s


# ---- transfers ----------------------------------------------------------------------------------

def _move(at, source, target, by="ann"):
    return {"at": t(at), "from_queue": source, "to_queue": target, "by": by}


def test_each_transfer_is_counted_once_per_call(tmp_path, make_record):
    once = make_record("m1", t("09:00:00"), outcome="answered",
                       transfers=[_move("09:01:00", "sales", "support")])
    with CallLog(tmp_path / "calls.db") as log:
        log.write(make_record("m1", t("09:00:00")))                  # provisional, then final
        log.write(once)
        log.write(once)                                               # written again: same call
        log.write(make_record("m2", t("09:05:00"), outcome="answered", transfers=[
            _move("09:06:00", "sales", "support"), _move("09:06:00", "sales", "support"),
            _move("09:07:00", "support", "billing", by="system")]))
        log.write(make_record("m3", t("09:10:00"), outcome="answered", transfers=[]))
        log.write(make_record("m4", t("09:11:00"), outcome="answered", transfers=None))
        log.write(make_record("m5", "2026-11-24T09:00:00.000Z", outcome="answered",
                              transfers=[_move("09:00:01", "sales", "support")]))
        figures = log.stats("2026-11-23", "2026-11-24")
    # m2 lists its first move twice (the same moment, the same queues): it counts once
    assert figures["transfers"] == {"count": 3, "calls": 2, "by_system": 1}
    assert figures["outcomes"]["answered"] == 4                       # transferred or not, once


# ---- self-service -------------------------------------------------------------------------------

MENU = {"root": {"prompt": "menu_main", "options": {
    "1": {"action": "queue", "queue": "sales"},
    "2": {"action": "message", "prompt": "opening_hours"},
    "3": {"action": "submenu", "menu": {"prompt": "menu_more", "options": {
        "1": {"action": "message", "prompt": "address"},
        "9": {"action": "back"}}}},
    "4": {"action": "goodbye"}}}}


@pytest.mark.parametrize("path, served", [
    ("2", True), ("22", True), ("31", True), ("3", False), ("39", False), ("392", True),
    ("4", False), ("", False), (None, False), ("7", False), ("37", False), ("24", True)])
def test_self_service_is_a_message_chosen_on_the_menu_path(path, served):
    from appliance.store.callstats import self_service_path
    assert self_service_path(MENU, path) is served


def test_callers_who_heard_a_message_and_left_are_self_service_not_abandoned(tmp_path,
                                                                           make_record):
    def left(call_id, path, **more):
        return make_record(call_id, t("09:00:00"), menu_path=path, outcome="abandoned_menu",
                           **more)
    records = [left("h1", "2"), left("h2", "31"), left("h3", "3"), left("h4", ""),
               left("h5", "4", hangup_by="system"),
               # the record says which actions its keys chose: that wins over today's menu
               left("h6", "1", menu_actions=["message"]), left("h7", "2", menu_actions=["queue"])]
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many(records)
        from appliance.store import callstats
        with_menu = callstats.report(log, None, None, {"menu": MENU})
        without = log.stats()
    assert with_menu["menu"] == {"self_service": 3, "abandoned": 4}           # h1 h2 h6
    assert without["menu"] == {"self_service": 1, "abandoned": 6}             # only h6 says
    assert with_menu["outcomes"]["abandoned_menu"] == 7                       # the raw outcome


# ---- the owner's time zone ----------------------------------------------------------------------

def test_hours_and_days_are_the_owners_across_a_daylight_saving_change(tmp_path, make_record):
    from appliance.store import callstats
    # London leaves summer time at 2026-10-25T01:00Z (02:00 BST -> 01:00 GMT)
    starts = ["2026-10-24T22:30:00.000Z",   # 23:30 BST on the 24th
              "2026-10-24T23:30:00.000Z",   # 00:30 BST on the 25th
              "2026-10-25T00:30:00.000Z",   # 01:30 BST
              "2026-10-25T01:30:00.000Z",   # 01:30 GMT
              "2026-10-25T23:30:00.000Z"]   # 23:30 GMT on the 25th
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many([make_record(f"c{i}", at) for i, at in enumerate(starts)])
        london = callstats.report(log, None, None, {"hours": {"timezone": "Europe/London"}})
        utc = callstats.report(log, None, None, {})
    assert london["per_day"] == {"2026-10-24": 1, "2026-10-25": 4}
    assert {h: n for h, n in enumerate(london["per_hour"]) if n} == {0: 1, 1: 2, 23: 2}
    assert london["period"]["timezone"] == "Europe/London"
    assert utc["per_day"] == {"2026-10-24": 2, "2026-10-25": 3}
    assert {h: n for h, n in enumerate(utc["per_hour"]) if n} == {0: 1, 1: 1, 22: 1, 23: 2}


def test_half_hour_offsets_put_calls_in_the_right_local_hour_and_day(tmp_path, make_record):
    from appliance.store import callstats
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many([make_record("a", "2026-11-23T18:29:59.999Z"),     # 23:59:59 in Kolkata
                        make_record("b", "2026-11-23T18:30:00.000Z")])    # 00:00 the next day
        figures = callstats.report(log, "2026-11-23T00:00:00.000Z", None,
                                   {"hours": {"timezone": "Asia/Kolkata"}})
    assert figures["per_day"] == {"2026-11-23": 1, "2026-11-24": 1}
    assert figures["per_hour"][23] == 1 and figures["per_hour"][0] == 1


def test_an_operators_day_is_the_owners_day(tmp_path, make_record, make_attempt):
    from appliance.store import callstats
    ring = [make_attempt("ann", 1, "2026-11-23T22:30:00.000Z", "2026-11-23T22:30:10.000Z",
                         "no_answer")]
    late = [make_attempt("ann", 1, "2026-11-23T23:30:00.000Z", "2026-11-23T23:30:10.000Z",
                         "no_answer")]
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many([make_record("a", "2026-11-23T22:30:00.000Z", ring_attempts=ring),
                        make_record("b", "2026-11-23T23:30:00.000Z", ring_attempts=late)])
        utc = callstats.report(log, None, None, {})
        berlin = callstats.report(log, None, None, {"hours": {"timezone": "Europe/Berlin"}})
    # one day in UTC (22:30 to 23:30:10); two days in Berlin (23:30 and 00:30), 10 s each
    assert utc["per_operator"][0]["present_s"] == 3610.0
    assert berlin["per_operator"][0]["present_s"] == 20.0


def test_offset_stretches_find_each_change_to_the_second():
    from zoneinfo import ZoneInfo

    from appliance.store.callstats import offset_stretches
    from appliance.timefmt import iso, parse
    year = offset_stretches(ZoneInfo("Europe/London"), parse("2026-01-01"), parse("2027-01-01"))
    assert [(iso(at), offset) for at, offset in year] == [
        ("2026-01-01T00:00:00.000Z", 0), ("2026-03-29T01:00:00.000Z", 60),
        ("2026-10-25T01:00:00.000Z", 0)]
    assert offset_stretches(ZoneInfo("UTC"), 0.0, 86400.0 * 400) == [(0.0, 0)]


def test_local_period_limits():
    from appliance.store.callstats import local_bound, local_midnight
    from datetime import date
    assert local_bound("2026-07-01", "Europe/London") == "2026-06-30T23:00:00.000Z"
    assert local_bound("2026-07-01T09:00", "Europe/London") == "2026-07-01T08:00:00.000Z"
    assert local_bound("2026-07-01T09:00Z", "Europe/London") == "2026-07-01T09:00:00.000Z"
    assert local_bound("2026-07-01", "UTC") == "2026-07-01T00:00:00.000Z"
    assert local_bound(None, "UTC") is None
    assert local_midnight(date(2026, 11, 23), "America/New_York") == "2026-11-23T05:00:00.000Z"
    with pytest.raises(ValueError, match="not a date or time"):
        local_bound("soon", "UTC")


def test_report_takes_the_owners_settings(log):
    from appliance.store import callstats
    from appliance.store.schema import defaults
    settings = defaults()
    settings["hours"]["timezone"] = "America/New_York"
    settings["reports"]["service_level_s"] = 30
    figures = callstats.report(log, "2026-11-23T05:00:00.000Z", "2026-11-24T05:00:00.000Z",
                               settings)
    assert figures["period"]["timezone"] == "America/New_York"
    assert figures["service_level"]["target_s"] == 30
    # New York's 23rd (05:00Z to 05:00Z): a1..a8 and z1 (the 24th 00:00Z is 19:00 on the 23rd)
    assert figures["per_day"] == {"2026-11-23": 9}
    assert figures["per_hour"][4] == 2                  # a1 and a2, 09:00Z and 09:30Z


def test_empty_period_has_no_rates(log):
    figures = log.stats("2027-01-01", "2027-02-01")
    assert figures["asa"] == {"answered": 0, "average_s": None}
    assert figures["abandon"]["rate"] is None and figures["per_queue"] == []
    assert figures["menu"] == {"self_service": 0, "abandoned": 0}
    assert figures["transfers"] == {"count": 0, "calls": 0, "by_system": 0}
    assert figures["callbacks"]["time_to_callback"] == {"served": 0, "average_s": None,
                                                        "longest_s": None}


def test_the_dashboards_today_counts_the_offices_date(tmp_path, make_record):
    from datetime import date

    from appliance.store import callstats
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many([
            make_record("late", "2026-11-22T23:30:00.000Z", operator="ann", outcome="answered"),
            make_record("a", "2026-11-23T08:00:00.000Z", operator="ann", outcome="answered"),
            make_record("b", "2026-11-23T08:05:00.000Z", outcome="abandoned_menu"),
            make_record("c", "2026-11-23T08:06:00.000Z", outcome="abandoned_queue"),
            make_record("d", "2026-11-23T08:07:00.000Z", outcome="callback_requested"),
            make_record("e", "2026-11-23T08:08:00.000Z", operator="bob"),            # live, talking
            make_record("f", "2026-11-23T08:30:00.000Z", direction="callback", line="line2",
                        operator="bob", outcome="callback_answered"),
            make_record("next", "2026-11-23T23:10:00.000Z")])
        utc = callstats.day_counts(log, date(2026, 11, 23), "UTC")
        berlin = callstats.day_counts(log, date(2026, 11, 23), "Europe/Berlin")
    assert utc == {"calls": 6, "answered": 3, "abandoned": 2, "callbacks_requested": 1,
                   "per_line": {"line1": 6, "line2": 1}, "per_operator": {"ann": 1, "bob": 2}}
    # in Berlin the 23rd runs 2026-11-22T23:00Z .. 2026-11-23T23:00Z: "late" in, "next" out
    assert (berlin["calls"], berlin["answered"], berlin["per_operator"]) == \
        (6, 4, {"ann": 2, "bob": 2})


def test_operators_work_by_the_offices_day_and_hour_across_summer_time(tmp_path, make_record):
    from appliance.store import callstats
    with CallLog(tmp_path / "calls.db") as log:
        log.write_many([
            # Berlin moves from +01:00 to +02:00 at 2026-03-29T01:00Z
            make_record("w", "2026-03-29T00:30:00.000Z", operator="ann", outcome="answered",
                        talk_s=60.0, wrapup_s=10.0),                                 # 01:30 CET
            make_record("s", "2026-03-29T01:30:00.000Z", operator="ann", outcome="answered",
                        talk_s=30.0),                                                # 03:30 CEST
            make_record("x", "2026-03-28T23:30:00.000Z", operator="ann", outcome="answered"),
            make_record("n", "2026-03-29T02:00:00.000Z", operator="bob",
                        outcome="abandoned_queue")])                                 # not taken
        work = callstats.activity(log, "2026-03-28", "2026-03-30",
                                  {"hours": {"timezone": "Europe/Berlin"}})
    assert list(work) == ["ann"]
    ann = work["ann"]
    assert ann["per_day"] == {"2026-03-29": 3}                 # 23:30Z on the 28th is 00:30 here
    assert [hour for hour, calls in enumerate(ann["per_hour"]) if calls] == [0, 1, 3]
    assert ann["busy_per_day"] == {"2026-03-29": 100.0}
