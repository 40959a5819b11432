"""What a restart recovers from the call log: unfinished records closed, callbacks still owed."""
from appliance.store.calllog import CallLog
from tests.store.conftest import call_record


def record(call_id, started, **fields):
    """An inbound record that reached the sales queue (provisional unless ``ended_at`` is given)."""
    base = dict(answered_at=started, queue="sales", queued_at=started, language="en", caller="+1")
    return call_record(call_id, started, **{**base, **fields})


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
