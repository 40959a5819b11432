"""Heavy days through the whole appliance: callbacks on one line and on four, queues with unequal
staffing, escalation with overflow and operators passing callers on, repeat callers, and calls
near closing.

Every day is held to the same promises:
- no phantom ring: an operator's phone rings for a dial-back only once its customer is on the
  line (tests/sim/heavy.py watches every decision);
- no operator left available while a caller they could take waits un-rung, or while a request
  with a line free and its time due waits;
- every callback is served or given up by its attempts, and time to callback stays bounded;
- the wait estimate per queue is no worse than Asterisk app_queue's on the same callers (median
  and p90 absolute error), scored as bench/ewt_bench.py does.
"""
from __future__ import annotations

from appliance import timefmt

from .heavy import BOTH, LINES, START, median, operators, p90, run


def queue(**patch) -> dict:
    return {"callback_offer_after_s": 60, "wrapup_s": 10, **patch}


def traffic(calls_per_hour: float, **patch) -> dict:
    return {"calls_per_hour": calls_per_hour, "hours": 8, "talk_s_mean": 180,
            "patience_s_mean": 900, "keys": ["1", "2"], "callback_share": 0.5, **patch}


def holds_the_promises(day, min_scored: int = 40) -> None:
    assert day.phantom_rings == []
    assert day.idle_with_work == []
    final = {r["outcome"] for r in day.records}
    assert None not in final and "failed" not in final
    report = day.wait_report()["per_queue"]
    for name, figures in report.items():
        if figures["callers"] < min_scored:
            continue
        ours, theirs = figures["appliance"], figures["asterisk"]
        assert ours["median_abs_error_s"] <= theirs["median_abs_error_s"], (name, figures)
        assert ours["p90_abs_error_s"] <= theirs["p90_abs_error_s"], (name, figures)


def every_callback_kept_or_given_up(day, max_attempts: int = 3) -> None:
    """Each request is kept once (one dial-back reached the customer, who talked to an operator;
    they may have been passed on after) or given up after its attempts, none reached."""
    asked = [r["id"] for r in day.records if r["outcome"] == "callback_requested"
             and r["queued_at"] is not None]          # not a repeat caller keeping theirs
    tries: dict[str, list[dict]] = {}
    for r in day.of("callback"):
        tries.setdefault(r["parent_id"], []).append(r)
    for parent in asked:
        reached = [r for r in tries.get(parent, []) if r["talk_s"]]
        failed = [r for r in tries.get(parent, []) if r["outcome"] == "callback_failed"]
        assert len(reached) == 1 or (not reached and len(failed) == max_attempts), \
            (parent, [(r["outcome"], r["talk_s"]) for r in tries.get(parent, [])])


def test_a_heavy_day_on_one_line_serves_callers_on_it_and_dials_back_between_them():
    day = run({"settings": {"lines": LINES[:1], "handsets": {"count": 1},
                            "operators": operators([BOTH]),
                            "queues": {"sales": queue(wrapup_s=150, callback_offer_after_s=30),
                                       "support": queue(wrapup_s=150, callback_offer_after_s=30)}},
               "traffic": traffic(14, talk_s_mean=120, callback_share=0.8)}, seed=3)
    holds_the_promises(day, min_scored=10)
    every_callback_kept_or_given_up(day)
    waits = day.time_to_callback()
    assert len(waits) >= 5 and max(waits) < 3600


def test_a_heavy_day_on_four_lines_with_half_the_callers_taking_a_callback():
    day = run({"settings": {"lines": LINES, "handsets": {"count": 3},
                            "operators": operators([BOTH] * 3),
                            "queues": {"sales": queue(), "support": queue()}},
               "traffic": traffic(76)}, seed=1)
    holds_the_promises(day)
    every_callback_kept_or_given_up(day)
    waits = day.time_to_callback()
    assert len(waits) >= 40 and median(waits) < 300 and p90(waits) < 900


def test_queues_with_unequal_staffing_keep_each_queue_s_estimate_honest():
    day = run({"settings": {"lines": LINES, "handsets": {"count": 4},
                            "operators": operators([["sales"], ["sales"], ["sales"], BOTH]),
                            "queues": {"sales": queue(), "support": queue()}},
               "traffic": traffic(60, keys=["1", "1", "2"], callback_share=0.4)}, seed=1)
    holds_the_promises(day)
    every_callback_kept_or_given_up(day)
    assert p90(day.time_to_callback()) < 1200


def test_escalation_overflow_and_transfers_lose_nobody():
    day = run({"settings": {"lines": LINES, "handsets": {"count": 4},
                            "operators": operators([["sales"], ["sales"], ["support"], ["support"]]),
                            "queues": {"sales": queue(escalate_to="support", escalate_after_s=60),
                                       "support": queue(max_wait_s=400,
                                                        overflow={"action": "voicemail"})}},
               "operators": [{"id": "bob", "handset": 2, "answer_after_s": 3,
                              "flash": [{"after_s": 40, "keys": "0"}]}],
               "traffic": traffic(80, keys=["1", "1", "1", "2"], callback_share=0.3)}, seed=1)
    holds_the_promises(day)
    every_callback_kept_or_given_up(day)
    passed_on = [r for r in day.of("inbound") if any(t["by"] == "bob" for t in r["transfers"])]
    assert len(passed_on) >= 20
    for r in passed_on:                                 # bob's callers reach support, or leave
        assert r["outcome"] in ("answered", "abandoned_queue", "callback_requested"), r
        if r["outcome"] == "answered":
            assert r["operator"] in ("sam", "dan") and r["queue"] == "support"
    escalated = [r for r in day.of("inbound") if r["queue"] == "sales" and r["operator"] in ("sam", "dan")]
    assert escalated                                    # support's operators took sales callers
    overflowed = [r for r in day.records if r["outcome"] == "voicemail"]
    assert overflowed and all(r["wait_s"] == 400 for r in overflowed)


def test_repeat_callers_with_a_callback_booked_get_one_dial_back():
    again = [{"at_s": 1800 + 2400 * i, "number": f"+44163296{i:04d}", "keys": "1",
              "patience_s": 900, "accepts_callback": True, "answers_callback_after_s": 5}
             for i in range(10)]
    again += [dict(c, at_s=c["at_s"] + 40, accepts_callback=False) for c in again]
    day = run({"settings": {"lines": LINES, "handsets": {"count": 3},
                            "operators": operators([BOTH] * 3),
                            "queues": {"sales": queue(callback_offer_after_s=20),
                                       "support": queue(callback_offer_after_s=20)}},
               "callers": again, "traffic": traffic(90)}, seed=2)
    holds_the_promises(day)
    every_callback_kept_or_given_up(day)
    told = [r for r in day.of("inbound") if r["caller"] in {c["number"] for c in again}
            and r["parent_id"] is not None]
    assert len(told) >= 3                                  # called again while it was booked
    dialled: dict[str, int] = {}
    for r in day.of("callback"):
        if r["outcome"] == "callback_answered":
            dialled[r["caller"]] = dialled.get(r["caller"], 0) + 1
    assert all(dialled.get(r["caller"], 0) <= 1 for r in told)


def test_callbacks_booked_near_closing_are_promised_and_dialled_the_next_morning():
    weekdays = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    day = run({"settings": {"lines": LINES, "handsets": {"count": 3},
                            "operators": operators([BOTH] * 3),
                            "hours": {"weekly": weekdays},
                            "queues": {"sales": queue(), "support": queue()}},
               "traffic": traffic(76, hours=8)}, seed=4)
    holds_the_promises(day)
    every_callback_kept_or_given_up(day)
    closing = START + 8 * 3600
    tomorrow = closing + 16 * 3600
    late = [r for r in day.of("inbound") if r["outcome"] == "callback_requested"
            and timefmt.parse(r["queued_at"]) + r["wait_s"] > closing - 1800]
    assert late
    for r in late:
        assert timefmt.parse(r["callback_expected_at"]) == tomorrow, r
    for r in day.of("callback"):                       # nobody dialled after hours
        dialled = timefmt.parse(r["started_at"])
        assert dialled < closing or dialled >= tomorrow, r
    assert any(timefmt.parse(r["started_at"]) >= tomorrow for r in day.of("callback"))
