"""Every call ends with exactly one final record, whatever ends it."""
from appliance import events as ev
from tests.engine.rig import Rig


def test_line_failure_mid_queue_records_failed():
    rig = Rig()
    rig.call_in()
    rig.press("1")
    rig.send(ev.LineFailed("line1", "modem vanished"))
    record = rig.record()
    assert (record["outcome"], record["hangup_by"]) == ("failed", "system")
    assert rig.engine.snapshot(rig.now)["lines"][0]["state"] == "down"
    rig.send(ev.LineReady("line1"))
    assert rig.engine.snapshot(rig.now)["lines"][0]["state"] == "idle"


def test_shutdown_ends_every_live_call_with_a_record():
    rig = Rig(lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 4)])
    rig.call_in("+1", "line1")                      # in the menu
    rig.call_in("+2", "line2")
    rig.press("1", "line2")
    rig.send(ev.HandsetOffHook(1))                  # talking
    rig.call_in("+3", "line3")
    rig.press("1", "line3")                         # ringing bob
    rig.advance(3)
    rig.send(ev.ShutdownRequested("test"))
    outcomes = {r["caller"]: (r["outcome"], r["hangup_by"]) for r in rig.records.values()}
    assert outcomes == {"+1": ("failed", "system"), "+2": ("answered", "system"),
                        "+3": ("failed", "system")}
    assert all(r["ended_at"] for r in rig.records.values())
    assert rig.engine.calls == {}


def test_record_fields_match_the_contract():
    rig = Rig()
    rig.call_in()
    rig.press("1")
    rig.send(ev.HandsetOffHook(1))
    rig.send(ev.HandsetOnHook(1))
    expected = {"id", "direction", "parent_id", "line", "caller", "language", "started_at",
                "answered_at", "ended_at", "menu_path", "queue", "queued_at", "position_at_entry",
                "announced_wait_s", "wait_s", "callback_offered", "callback_number", "operator",
                "handset", "ring_attempts", "ring_s", "talk_s", "hold_s", "wrapup_s", "outcome",
                "hangup_by", "recording", "voicemail", "sms", "failure", "transfers",
                "callback_expected_at"}
    record = rig.record()
    assert set(record) == expected
    assert record["started_at"] == "2026-11-23T09:00:00.000Z"
    assert set(record["ring_attempts"][0]) == {"operator", "handset", "started_at", "ended_at", "result"}
