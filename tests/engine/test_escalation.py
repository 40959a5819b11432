"""Escalation widens the pool (nobody is moved), max_wait_s sends callers to the overflow action,
leave_when_empty does not hold callers nobody can take, and settings refuse loops."""
import pytest

from appliance import commands as cmd
from appliance import events as ev
from appliance.errors import SettingsError
from appliance.store import schema
from tests.engine.rig import Rig, make_settings

LINES = [{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)]
OPS = [{"id": "ann", "handset": 1, "queues": ["sales"]},
       {"id": "cat", "handset": 2, "queues": ["support"]},
       {"id": "max", "handset": 3, "queues": ["managers"]}]


def rig_with(queues: dict, operators=OPS) -> Rig:
    return Rig(operators=operators, handsets={"count": 3}, lines=LINES,
               queues={"managers": {}, **queues})


def waiting_caller(rig: Rig, number="+12", line="line2", key="1") -> None:
    rig.call_in(number, line)
    rig.press(key, line)


def test_a_chain_widens_one_queue_at_a_time():
    rig = rig_with({"sales": {"escalate_to": "support", "escalate_after_s": 60},
                    "support": {"escalate_to": "managers", "escalate_after_s": 30}})
    for handset in (1, 2, 3):
        rig.send(ev.HandsetOffHook(handset))        # everybody busy
    waiting_caller(rig)
    rig.advance(61)
    out = rig.send(ev.HandsetOnHook(3)) + rig.advance(1)
    assert cmd.RingHandset(3, "+12") not in out     # managers not yet
    rig.send(ev.HandsetOffHook(3))
    rig.advance(31)
    out = rig.send(ev.HandsetOnHook(3)) + rig.advance(1)
    assert cmd.RingHandset(3, "+12") in out         # now managers may take him too
    assert rig.engine.snapshot(rig.now)["queues"]["sales"][0]["caller"] == "+12"


def test_at_max_wait_the_caller_goes_to_the_head_of_the_overflow_queue():
    rig = rig_with({"sales": {"max_wait_s": 120, "overflow": {"action": "queue",
                                                               "queue": "support"}}})
    for handset in (1, 2):
        rig.send(ev.HandsetOffHook(handset))
    waiting_caller(rig, "+20", "line3", "2")         # already waiting for support
    waiting_caller(rig, "+12", "line2", "1")
    rig.advance(121)
    support = rig.engine.snapshot(rig.now)["queues"]["support"]
    assert [m["caller"] for m in support] == ["+12", "+20"]
    record = next(r for r in rig.records.values() if r["caller"] == "+12")
    assert record["queue"] == "sales"
    assert [(t["from_queue"], t["to_queue"], t["by"]) for t in record["transfers"]] == [
        ("sales", "support", "system")]


@pytest.mark.parametrize("action,first_item", [("goodbye", ("prompt", "goodbye")),
                                               ("voicemail", ("prompt", "voicemail_greeting")),
                                               ("callback_offer", ("prompt", "callback_offer"))])
def test_other_overflow_actions(action, first_item):
    rig = rig_with({"sales": {"max_wait_s": 60, "overflow": {"action": action}}})
    rig.send(ev.HandsetOffHook(1))
    waiting_caller(rig)
    out = rig.advance(61)
    assert first_item in rig.items(out)
    still_waiting = rig.engine.snapshot(rig.now)["queues"]["sales"]
    assert len(still_waiting) == (1 if action == "callback_offer" else 0)


def test_leave_when_empty_lets_callers_go_when_the_last_operator_pauses():
    rig = rig_with({"sales": {"leave_when_empty": True}})
    rig.send(ev.HandsetOffHook(1))
    waiting_caller(rig)
    out = rig.send(ev.OperatorPaused("ann"))
    assert ("prompt", "goodbye") in rig.items(out)
    rig.prompt_done("line2")
    record = next(r for r in rig.records.values() if r["caller"] == "+12")
    assert record["outcome"] == "no_operators" and record["hangup_by"] == "system"


def test_settings_refuse_a_loop_and_show_the_chain():
    doc = make_settings()
    doc["queues"]["sales"].update(escalate_to="support")
    doc["queues"]["support"].update(escalate_to="sales")
    with pytest.raises(SettingsError, match="loop: sales -> support -> sales"):
        schema.validate(doc)


def test_settings_refuse_an_overflow_to_nowhere_and_a_limit_without_overflow():
    doc = make_settings()
    doc["queues"]["sales"]["overflow"] = {"action": "queue", "queue": "nowhere"}
    with pytest.raises(SettingsError, match="names queue 'nowhere', which does not exist"):
        schema.validate(doc)
    doc = make_settings()
    doc["queues"]["sales"]["max_wait_s"] = 300
    with pytest.raises(SettingsError, match="needs an overflow action"):
        schema.validate(doc)


def test_a_target_nobody_serves_is_warned_about():
    doc = make_settings(operators=[{"id": "ann", "handset": 1, "queues": ["sales"]}])
    doc["queues"]["sales"]["escalate_to"] = "support"
    assert schema.warnings(schema.validate(doc)) == [
        "queues.sales.escalate_to names 'support', which no enabled operator serves: callers "
        "sent there would only wait"]
