"""Call records exactly as contracts.md names their fields, built from a Call."""
from __future__ import annotations

from appliance import timefmt
from appliance.engine.calls import Call


def iso(ts: float | None) -> str | None:
    """``timefmt.iso``, passing None through (a field not reached yet)."""
    return None if ts is None else timefmt.iso(ts)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def build_record(call: Call) -> dict:
    """The call record for ``call`` as it stands (final once the call has ended)."""
    return {
        "id": call.id,
        "direction": call.direction,
        "parent_id": call.parent_id,
        "line": call.line,
        "caller": call.caller,
        "language": call.language,
        "started_at": iso(call.started_at),
        "answered_at": iso(call.answered_at),
        "ended_at": iso(call.ended_at),
        "menu_path": call.menu_path,
        "queue": call.record_queue or call.queue,
        "queued_at": iso(call.queued_at),
        "position_at_entry": call.position_at_entry,
        "announced_wait_s": _seconds(call.announced_wait_s),
        "wait_s": _seconds(call.wait_s),
        "callback_offered": call.callback_offered,
        "callback_number": call.callback_number,
        "operator": call.operator,
        "handset": call.handset,
        "ring_attempts": [
            {"operator": a.operator, "handset": a.handset, "started_at": iso(a.started_at),
             "ended_at": iso(a.ended_at), "result": a.result}
            for a in call.ring_attempts
        ],
        "ring_s": _seconds(call.ring_s),
        "talk_s": _seconds(call.talk_s),
        "hold_s": _seconds(call.hold_s),
        "wrapup_s": _seconds(call.wrapup_s),
        "outcome": call.outcome,
        "hangup_by": call.hangup_by,
        "recording": call.recording,
        "voicemail": call.voicemail,
        "sms": call.sms,
        "failure": call.failure,
        "transfers": [dict(t, at=iso(t["at"])) for t in call.transfers],
        "callback_expected_at": iso(call.callback_expected_at),
    }
