"""Hold and transfer from the desk phone: a hook flash holds the caller, keys on hold transfer
them (0: the queue's escalate_to; a menu digit: that queue), a second flash goes back; the
transferred caller is first in the new queue, and nobody is lost if the operator hangs up."""
from appliance import commands as cmd
from appliance import events as ev
from tests.engine.rig import Rig

TWO = dict(operators=[{"id": "ann", "handset": 1, "queues": ["sales"]},
                      {"id": "bob", "handset": 2, "queues": ["support"]}],
           handsets={"count": 2},
           queues={"sales": {"escalate_to": "support"}},
           lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)])


def talking_to_ann() -> Rig:
    rig = Rig(**TWO)
    rig.call_in("+10", "line1")
    rig.press("1", "line1")
    rig.send(ev.HandsetOffHook(1))
    rig.advance(30)
    return rig


def state(rig: Rig) -> str:
    return rig.engine.snapshot(rig.now)["lines"][0]["state"]


def test_a_flash_holds_the_caller_and_a_second_flash_goes_back():
    rig = talking_to_ann()
    out = rig.send(ev.HookFlash(1))
    assert rig.of(cmd.Hold, out) == [cmd.Hold("line1", 1, (("prompt", "hold_operator"),), "en")]
    assert [p.items for p in rig.of(cmd.Play, out) if p.loop] == [(("music", "hold"),)]
    rig.advance(5)
    out = rig.send(ev.HookFlash(1))
    assert cmd.Bridge("line1", 1) in out and cmd.StopPlayback("line1") in out
    rig.advance(20)
    rig.send(ev.LineHungUp("line1"))
    record = rig.record(0)
    assert record["outcome"] == "answered" and record["hold_s"] == 5.0
    assert record["talk_s"] == 50.0 and record["transfers"] == []


def test_zero_on_hold_passes_the_caller_to_escalate_to_first_in_line():
    rig = talking_to_ann()
    rig.send(ev.HandsetOffHook(2))          # bob busy with something: support has a queue
    rig.call_in("+20", "line2")
    rig.press("2", "line2")                 # another caller already waits for support
    rig.send(ev.HookFlash(1))
    rig.advance(3)
    out = rig.send(ev.OperatorKey(1, "0"))
    assert cmd.Unbridge("line1", 1) in out
    assert ("prompt", "transferring") in rig.items(out)
    out = rig.send(ev.HandsetOnHook(2)) + rig.advance(1)
    assert rig.rung(out)[:1] == [2]
    ring = rig.of(cmd.RingHandset, out)[0]
    assert ring.caller == "+10"             # the transferred caller goes first
    record = rig.record(0)
    assert record["transfers"] == [{"at": "2026-11-23T09:00:33.000Z", "from_queue": "sales",
                                    "to_queue": "support", "by": "ann"}]
    assert record["hold_s"] == 3.0 and record["queue"] == "support"


def test_a_queue_digit_on_hold_transfers_to_that_queue():
    rig = talking_to_ann()
    rig.send(ev.HookFlash(1))
    out = rig.send(ev.OperatorKey(1, "2"))   # the main menu's 2 is support
    assert cmd.Unbridge("line1", 1) in out
    assert rig.record(0)["transfers"][0]["to_queue"] == "support"
    assert cmd.RingHandset(2, "+10") in out


def test_an_unknown_key_on_hold_changes_nothing():
    rig = talking_to_ann()
    rig.send(ev.HookFlash(1))
    out = rig.send(ev.OperatorKey(1, "7"))
    assert not rig.of(cmd.Unbridge, out) and state(rig) == "on_hold"


def test_the_operator_hanging_up_on_hold_puts_the_caller_first_in_their_queue():
    rig = talking_to_ann()
    rig.send(ev.HookFlash(1))
    rig.advance(4)
    out = rig.send(ev.HandsetOnHook(1))
    assert cmd.Unbridge("line1", 1) in out
    assert state(rig) != "talking"
    out = rig.advance(15)                    # ann's wrap-up over: she is rung for him again
    assert cmd.RingHandset(1, "+10") in out
    assert rig.record(0)["hold_s"] == 4.0 and rig.record(0)["queue"] == "sales"


def test_the_caller_hanging_up_on_hold_ends_the_call_with_its_hold_time():
    rig = talking_to_ann()
    rig.send(ev.HookFlash(1))
    rig.advance(7)
    out = rig.send(ev.LineHungUp("line1"))
    assert cmd.Unbridge("line1", 1) in out
    record = rig.record(0)
    assert record["outcome"] == "answered" and record["hangup_by"] == "caller"
    assert record["hold_s"] == 7.0 and record["talk_s"] == 30.0
