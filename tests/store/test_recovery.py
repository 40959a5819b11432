"""What a restart recovers from the call log: unfinished records closed, callbacks still owed."""
from appliance.store.calllog import CallLog


def record(call_id, started, **fields):
    base = {"id": call_id, "direction": "inbound", "parent_id": None, "line": "line1",
            "caller": "+1", "language": "en", "started_at": started, "answered_at": started,
            "ended_at": None, "menu_path": "1", "queue": "sales", "queued_at": started,
            "position_at_entry": 1, "announced_wait_s": None, "wait_s": None,
            "callback_offered": False, "callback_number": None, "operator": None, "handset": None,
            "ring_attempts": [], "ring_s": None, "talk_s": None, "hold_s": None, "wrapup_s": None,
            "outcome": None, "hangup_by": None, "recording": None, "voicemail": None}
    return {**base, **fields}


def test_provisional_records_are_closed_as_failed_at_their_last_known_moment(tmp_path):
    log = CallLog(tmp_path / "calls.sqlite3")
    ring = {"operator": "ann", "handset": 1, "started_at": "2026-11-23T09:00:05.000Z",
            "ended_at": None, "result": None}
    log.write(record("a", "2026-11-23T09:00:00.000Z", ring_attempts=[ring]))
    log.write(record("b", "2026-11-23T09:01:00.000Z", ended_at="2026-11-23T09:02:00.000Z",
                     outcome="answered", hangup_by="caller"))
    assert log.close_unfinished() == ["a"]
    closed = log.calls()[0]
    assert (closed["outcome"], closed["hangup_by"], closed["ended_at"]) == \
        ("failed", "system", "2026-11-23T09:00:05.000Z")
    assert closed["ring_attempts"][0]["result"] == "cancelled"
    assert log.calls()[1]["outcome"] == "answered"
    assert log.close_unfinished() == []


def test_pending_callbacks_skip_answered_and_exhausted_ones(tmp_path):
    log = CallLog(tmp_path / "calls.sqlite3")
    asked = dict(outcome="callback_requested", ended_at="2026-11-23T09:05:00.000Z")
    for cid, number in (("p1", "+11"), ("p2", "+12"), ("p3", "+13")):
        log.write(record(cid, "2026-11-23T09:00:00.000Z", callback_number=number, **asked))
    dial = dict(direction="callback", ended_at="2026-11-23T09:30:00.000Z")
    log.write(record("d1", "2026-11-23T09:10:00.000Z", parent_id="p1", outcome="callback_answered", **dial))
    log.write(record("d2", "2026-11-23T09:10:00.000Z", parent_id="p2", outcome="callback_failed", **dial))
    for i in range(3):
        log.write(record(f"d3{i}", "2026-11-23T09:10:00.000Z", parent_id="p3",
                         outcome="callback_failed", **dial))
    pending = log.pending_callbacks(max_attempts=3)
    assert [(p["id"], p["number"], p["attempts"], p["queue"]) for p in pending] == [("p2", "+12", 1, "sales")]
