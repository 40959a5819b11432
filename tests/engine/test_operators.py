"""Choosing and ringing operators: strategies, ring timeout, auto-pause, wrap-up, busy handsets."""
import pytest

from appliance import commands as cmd
from appliance import events as ev
from appliance.errors import SettingsError
from tests.engine.rig import Rig, make_settings

FIVE = [{"id": f"op{i}", "name": f"Op {i}", "handset": i, "queues": ["sales"]} for i in range(1, 6)]


def five(**queue) -> Rig:
    return Rig(handsets={"count": 5}, operators=FIVE,
               queues={"sales": {"wrapup_s": 0, **queue}, "support": {}},
               menu={"root": {"prompt": "menu_main", "options": {"1": {"action": "queue", "queue": "sales"}}},
                     "fallback": {"action": "queue", "queue": "sales"}},
               lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)])


def serve(rig: Rig, line: str, handset: int, talk: float = 30) -> None:
    """A caller on ``line`` reaches ``handset``, talks ``talk`` seconds, the operator hangs up."""
    rig.call_in(f"+1555000{line[-1]}", line)
    assert handset in rig.rung(rig.press("1", line))
    rig.send(ev.HandsetOffHook(handset))
    rig.advance(talk)
    rig.send(ev.HandsetOnHook(handset))


def test_lru_rings_never_used_operators_first_in_handset_order_then_longest_idle():
    rig = five()
    serve(rig, "line1", 1)
    serve(rig, "line1", 2, talk=10)
    serve(rig, "line1", 3, talk=10)
    serve(rig, "line1", 4, talk=10)
    serve(rig, "line1", 5, talk=10)
    rig.advance(1)
    rig.call_in("+15550009", "line1")
    assert rig.rung(rig.press("1")) == [1]          # handset 1's call ended longest ago


def test_fewest_calls_today_then_lru():
    rig = five(strategy="fewest_calls")
    for h in (1, 2, 3, 4, 5, 1, 2):
        serve(rig, "line1", h, talk=5)
    rig.call_in()
    assert rig.rung(rig.press("1")) == [3]


def test_random_is_reproducible_with_a_seed_and_only_picks_free_operators():
    picks = []
    for _ in range(2):
        rig = five(strategy="random")
        rig.send(ev.OperatorPaused("op2"))
        rig.send(ev.HandsetOffHook(4))
        rig.call_in()
        picks.append(rig.rung(rig.press("1")))
    assert picks[0] == picks[1] and picks[0][0] in (1, 3, 5)


def test_ring_all_rings_everyone_free_and_first_answer_cancels_the_rest():
    rig = five(strategy="ring_all")
    rig.call_in()
    assert rig.rung(rig.press("1")) == [1, 2, 3, 4, 5]
    out = rig.send(ev.HandsetOffHook(3))
    assert sorted(c.handset for c in rig.of(cmd.StopRing, out)) == [1, 2, 3, 4, 5]
    results = {a["handset"]: a["result"] for a in rig.record()["ring_attempts"]}
    assert results == {1: "cancelled", 2: "cancelled", 3: "answered", 4: "cancelled", 5: "cancelled"}


def test_unanswered_ring_times_out_and_rings_the_next_operator_not_yet_rung():
    rig = five(ring_timeout_s=15)
    rig.call_in()
    assert rig.rung(rig.press("1")) == [1]
    out = rig.advance(15)
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)]
    assert rig.rung(out) == [2]
    rig.send(ev.HandsetOffHook(2))
    attempts = rig.record()["ring_attempts"]
    assert [(a["handset"], a["result"]) for a in attempts] == [(1, "no_answer"), (2, "answered")]
    assert rig.record()["ring_s"] == 0.0


def test_operator_missing_three_rings_in_a_row_is_paused_until_unpaused():
    rig = five(ring_timeout_s=15)
    rig.send(ev.OperatorPaused("op2"))
    rig.send(ev.OperatorPaused("op3"))
    rig.send(ev.OperatorPaused("op4"))
    rig.send(ev.OperatorPaused("op5"))
    rig.call_in()
    rig.press("1")
    out = rig.advance(15) + rig.advance(15) + rig.advance(15)
    assert rig.rung(out) == [1, 1]                 # rung again in a new round, then paused
    assert any("op1 paused" in n.text for n in rig.of(cmd.Notice, out))
    assert rig.op_state("op1") == "paused"
    assert rig.rung(rig.advance(60)) == []
    assert rig.rung(rig.send(ev.OperatorUnpaused("op1"))) == [1]


def test_answering_resets_the_missed_count():
    rig = five(ring_timeout_s=15, autopause_after_missed=2)
    rig.call_in()
    rig.press("1")
    rig.advance(15)                                # op1 misses once; op2 rung
    rig.send(ev.HandsetOffHook(2))
    assert rig.engine.ops.by_id["op1"].missed_in_row == 1
    assert rig.engine.ops.by_id["op2"].missed_in_row == 0


def test_wrapup_keeps_an_operator_from_the_next_call():
    rig = Rig(operators=[{"id": "ann", "handset": 1, "queues": ["sales"]}],
              handsets={"count": 1}, queues={"sales": {"wrapup_s": 10}, "support": {}},
              menu={"fallback": {"action": "queue", "queue": "sales"},
                    "root": {"prompt": "menu_main", "options": {"1": {"action": "queue", "queue": "sales"}}}},
              lines=[{"id": "line1", "driver": "sim"}, {"id": "line2", "driver": "sim"}])
    rig.call_in("+1", "line1")
    rig.press("1", "line1")
    rig.send(ev.HandsetOffHook(1))
    rig.call_in("+2", "line2")
    rig.press("1", "line2")
    rig.advance(20)
    out = rig.send(ev.HandsetOnHook(1))
    assert rig.record(0)["wrapup_s"] == 10.0
    assert rig.rung(out) == [] and rig.op_state("ann") == "wrapup"
    assert rig.rung(rig.advance(9.9)) == []
    assert rig.rung(rig.advance(0.2)) == [1]


def test_wrapup_is_rewritten_when_the_operator_stays_off_hook_longer():
    rig = Rig()
    rig.call_in()
    rig.press("1")
    rig.send(ev.HandsetOffHook(1))
    rig.advance(30)
    rig.send(ev.LineHungUp("line1"))               # caller ends; operator still holds the handset
    assert rig.record()["hangup_by"] == "caller" and rig.record()["wrapup_s"] == 10.0
    rig.advance(25)
    rig.send(ev.HandsetOnHook(1))
    assert rig.record()["wrapup_s"] == 25.0
    assert rig.engine.is_idle()


def test_off_hook_paused_and_disabled_operators_are_never_rung():
    rig = five()
    rig.send(ev.HandsetOffHook(1))
    rig.send(ev.OperatorPaused("op2"))
    settings = make_settings(handsets={"count": 5}, operators=[dict(o, enabled=(o["id"] != "op3"))
                                                                for o in FIVE],
                             queues={"sales": {}, "support": {}})
    rig.send(ev.SettingsChanged(settings))
    rig.call_in()
    assert rig.rung(rig.press("1")) == [4]
    assert rig.op_state("op1") == "offhook" and rig.op_state("op3") == "disabled"


def test_a_21st_operator_is_refused_with_a_clear_error():
    ops = [{"id": f"op{i}", "handset": i, "queues": ["sales"]} for i in range(1, 22)]
    with pytest.raises(SettingsError, match="20"):
        make_settings(handsets={"count": 20}, operators=ops)


def test_handset_without_operator_is_reported_not_crashed():
    rig = Rig()
    out = rig.send(ev.HandsetOffHook(9))
    assert "handset 9" in rig.of(cmd.Notice, out)[0].text


def test_an_operator_removed_mid_call_finishes_the_call_then_is_gone():
    rig = Rig()
    rig.call_in()
    rig.press("1")
    rig.send(ev.HandsetOffHook(1))                 # ann talks
    without_ann = make_settings(operators=[{"id": "bob", "handset": 2, "queues": ["sales"]},
                                           {"id": "cat", "handset": 3, "queues": ["support"]}])
    rig.send(ev.SettingsChanged(without_ann))
    assert rig.op_state("ann") == "disabled"
    rig.advance(30)
    rig.send(ev.HandsetOnHook(1))
    assert (rig.record()["outcome"], rig.record()["hangup_by"]) == ("answered", "operator")
    rig.send(ev.SettingsChanged(without_ann))
    assert "ann" not in {o["id"] for o in rig.engine.snapshot(rig.now)["operators"]}
