"""Waiting in line: arrival order, announcements, hold music, escalation, transfer, no operators."""
from appliance import commands as cmd
from appliance import events as ev
import pytest

from appliance.engine.ewt import HandleTimes, Remaining, expected_wait, first_free, round_for_speech, simple_estimate
from tests.engine.rig import Rig, make_settings

ONE_OP = dict(operators=[{"id": "ann", "handset": 1, "queues": ["sales", "support"]}],
              handsets={"count": 1},
              lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)])


def busy_rig(**patch) -> Rig:
    """Ann is talking to a caller on line1."""
    rig = Rig(**{**ONE_OP, **patch})
    rig.call_in("+10", "line1")
    rig.press("1", "line1")
    rig.send(ev.HandsetOffHook(1))
    return rig


def test_callers_wait_in_arrival_order_and_hear_position_wait_then_music():
    rig = busy_rig()
    out = rig.call_in("+12", "line2") + rig.press("1", "line2")
    assert rig.items(out)[-4:] == [("prompt", "queue_position"), ("position", 1),
                                   ("prompt", "queue_wait"), ("wait", 180)]
    out = rig.prompt_done("line2")
    assert rig.of(cmd.Play, out)[0].items == (("music", "hold"),) and rig.of(cmd.Play, out)[0].loop
    rig.call_in("+13", "line3")
    assert ("position", 2) in rig.items(rig.press("1", "line3"))
    out = rig.send(ev.HandsetOnHook(1)) + rig.advance(10)
    assert rig.of(cmd.RingHandset, out) == [cmd.RingHandset(1, "+12")]


def test_position_and_wait_are_announced_again_every_announce_every_s():
    rig = busy_rig(queues={"sales": {"announce_every_s": 30}})
    rig.call_in("+12", "line2")
    rig.press("1", "line2")
    rig.prompt_done("line2")
    out = rig.advance(30)
    assert ("prompt", "queue_position") in rig.items(out)
    assert rig.record()["announced_wait_s"] == pytest.approx(190, abs=1)  # first, unrounded


def test_caller_with_a_free_operator_is_rung_at_once_without_announcement():
    rig = Rig()
    rig.call_in()
    out = rig.press("1")
    assert rig.items(out) == [("music", "hold")] and rig.rung(out) == [1]
    assert rig.record()["position_at_entry"] == 1


def test_abandoning_in_queue_records_wait_and_cancels_the_ring():
    rig = Rig()
    rig.call_in()
    rig.press("1")
    rig.advance(7)
    out = rig.send(ev.LineHungUp("line1"))
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)]
    record = rig.record()
    assert (record["outcome"], record["hangup_by"], record["wait_s"]) == ("abandoned_queue", "caller", 7.0)
    assert record["ring_attempts"][0]["result"] == "cancelled"


def test_no_staffed_operator_means_no_operators_message():
    rig = Rig()
    for op in ("ann", "bob"):
        rig.send(ev.OperatorPaused(op))
    rig.call_in()
    assert rig.items(rig.press("1")) == [("prompt", "no_operators")]
    rig.prompt_done()
    assert rig.record()["outcome"] == "no_operators" and rig.record()["queue"] == "sales"


def test_escalation_widens_the_pool_and_the_caller_keeps_queue_and_place():
    rig = busy_rig(operators=[{"id": "ann", "handset": 1, "queues": ["sales"]},
                              {"id": "cat", "handset": 2, "queues": ["support"]}],
                   handsets={"count": 2},
                   queues={"sales": {"escalate_to": "support", "escalate_after_s": 60}})
    rig.send(ev.HandsetOffHook(2))                 # cat busy too
    rig.call_in("+12", "line2")
    rig.press("1", "line2")
    rig.advance(30)
    rig.call_in("+13", "line3")
    rig.press("2", "line3")                         # joins support directly, later
    rig.advance(31)                                 # support's operators may take +12 too
    snap = rig.engine.snapshot(rig.now)
    assert [m["caller"] for m in snap["queues"]["sales"]] == ["+12"]     # nobody was moved
    assert [m["caller"] for m in snap["queues"]["support"]] == ["+13"]
    out = rig.send(ev.HandsetOnHook(2)) + rig.advance(20)
    assert rig.of(cmd.RingHandset, out)[0] == cmd.RingHandset(2, "+12")  # earlier rank first
    assert rig.record(1)["queue"] == "sales"


def test_transferred_caller_keeps_priority_over_later_callers():
    rig = Rig(**{**ONE_OP, "operators": [{"id": "ann", "handset": 1, "queues": ["sales"]},
                                         {"id": "cat", "handset": 2, "queues": ["support"]}],
                 "handsets": {"count": 2}})
    rig.call_in("+10", "line1")
    rig.press("1", "line1")
    rig.send(ev.HandsetOffHook(1))                  # ann talks to +10
    rig.send(ev.HandsetOffHook(2))                  # cat is busy on her own
    rig.advance(20)
    rig.call_in("+12", "line2")
    rig.press("2", "line2")                         # +12 waits for support
    rig.advance(20)
    out = rig.send(ev.TransferRequested(1, "support"))
    assert cmd.Unbridge("line1", 1) in out and ("prompt", "transferring") in rig.items(out)
    support = rig.engine.snapshot(rig.now)["queues"]["support"]
    assert [m["caller"] for m in support] == ["+10", "+12"]
    out = rig.send(ev.HandsetOnHook(2))            # cat was not on a call: no wrap-up
    assert rig.of(cmd.RingHandset, out)[0].caller == "+10"
    rig.send(ev.HandsetOffHook(2))
    rig.advance(15)
    rig.send(ev.HandsetOnHook(2))
    record = rig.records[[k for k, r in rig.records.items() if r["caller"] == "+10"][0]]
    assert record["operator"] == "cat" and record["talk_s"] == 55.0 and record["menu_path"] == "1"


def test_round_for_speech_never_says_something_absurd():
    cases = {0: 0, 59: 0, 60: 60, 89: 60, 90: 120, 9 * 60 + 29: 540, 12 * 60: 600, 13 * 60: 900,
             44 * 60: 2400, 71 * 60: 4500, 10 * 3600: 10800}
    assert {s: round_for_speech(s) for s in cases} == cases


def test_first_free_is_the_expected_minimum_not_the_minimum_of_expectations():
    three = [(Remaining(None, 180.0), 0.0)] * 3
    assert first_free([], three) == pytest.approx(60, rel=0.02)
    assert first_free([30.0], []) == 30.0
    assert first_free([], [(Remaining([100.0] * 5, None), 10.0)]) == pytest.approx(110, abs=1)
    assert first_free([20.0], [(Remaining([100.0] * 5, None), 0.0)]) == pytest.approx(20, abs=0.5)


def test_expected_wait_counts_free_operators_then_one_handle_per_staffed_operator():
    assert expected_wait(0, 1, 50, 200, 2) == 0.0
    assert expected_wait(1, 1, 50, 200, 2) == 50.0
    assert expected_wait(3, 1, 50, 200, 2) == 250.0
    assert simple_estimate(3, 120, 2) == 180 and simple_estimate(3, 120, 0) is None


def test_callers_of_a_queue_sharing_operators_count_as_a_share():
    rig = Rig(lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)],
              queues={"sales": {"wrapup_s": 0}, "support": {"wrapup_s": 0}})
    for h in (1, 2, 3):
        rig.send(ev.HandsetOffHook(h))            # everyone busy, without calls
    rig.call_in("+1", "line1")
    rig.press("2", "line1")                        # support: ann and cat; shares ann with sales
    rig.call_in("+2", "line2")
    rig.press("1", "line2")                        # sales: ann and bob
    waits = {m["caller"]: m["estimate_s"] for q in rig.engine.snapshot(rig.now)["queues"].values()
             for m in q}
    # Each operator is off hook: half a default handle (90 s) left, exponential. Two operators:
    # the first is free in 45 s. +2 (sales) counts +1 (support) as half a caller ahead, as one of
    # support's two operators also serves sales: 45 + 0.5 x 180 / 2.
    # +2's share of the one shared operator: operators in common / operators of either queue
    # (docs/engine.md, "How the wait is estimated"; tests/engine/test_ewt_per_queue.py)
    assert waits == {"+1": pytest.approx(45, abs=1), "+2": pytest.approx(75, abs=1)}


def test_remaining_talk_time_follows_how_long_the_call_has_lasted():
    times = HandleTimes()
    for s in (60, 60, 60, 60, 60, 300, 300, 300, 300, 300):
        times.add("q", s)
    assert times.mean("q", 999) == 180
    assert times.remaining("q", 10, 999).mean() == 170           # all ten calls are longer
    assert times.remaining("q", 100, 999).mean() == 200          # only the long ones remain
    assert times.remaining("q", 100, 999).survival(150) == 1.0
    assert times.remaining("q", 100, 999).survival(250) == 0.0
    assert HandleTimes().remaining("q", 170, 180).mean() == 45   # no data: a quarter at least


def test_removing_a_queue_moves_its_waiting_callers_to_the_fallback_keeping_places():
    rig = busy_rig()
    rig.call_in("+12", "line2")
    rig.press("2", "line2")                         # waits in support
    settings = make_settings(operators=[{"id": "ann", "handset": 1, "queues": ["sales"]}],
                             handsets={"count": 1},
                             lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)],
                             menu={"root": {"prompt": "menu_main", "options": {
                                 "1": {"action": "queue", "queue": "sales"}}}})
    del settings["queues"]["support"]
    out = rig.send(ev.SettingsChanged(settings))
    assert "queue support was removed" in rig.of(cmd.Notice, out)[0].text
    assert [m["caller"] for m in rig.engine.snapshot(rig.now)["queues"]["sales"]] == ["+12"]
    rig.advance(61)                                 # announcements go on with sales' settings
    out = rig.send(ev.HandsetOnHook(1)) + rig.advance(10)
    assert rig.of(cmd.RingHandset, out) == [cmd.RingHandset(1, "+12")]


def test_renaming_a_queue_takes_its_waiting_callers_along_keeping_places():
    rig = busy_rig()
    rig.call_in("+12", "line2")
    rig.press("2", "line2")                         # waits in support
    base = make_settings()
    queues = dict(base["queues"])
    queues["help"] = queues.pop("support")
    settings = make_settings(operators=[{"id": "ann", "handset": 1, "queues": ["sales", "help"]}],
                             handsets={"count": 1}, queues=queues,
                             lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)],
                             menu={"root": {"prompt": "menu_main", "options": {
                                 "1": {"action": "queue", "queue": "sales"},
                                 "2": {"action": "queue", "queue": "help"}}}})
    del settings["queues"]["support"]
    out = rig.send(ev.SettingsChanged(settings, renamed={"support": "help"}))
    assert "queue support was renamed help" in rig.of(cmd.Notice, out)[0].text
    assert [m["caller"] for m in rig.engine.snapshot(rig.now)["queues"]["help"]] == ["+12"]
