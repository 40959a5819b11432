"""What people watching the appliance see: a plain dict of lines, queues, operators and today."""
from __future__ import annotations

from appliance.engine import waiting
from appliance.engine.calls import CallState
from appliance.engine.records import iso
from appliance.line_states import LineState

_LINE_STATE = {
    CallState.MENU: LineState.MENU, CallState.CLOSED: LineState.CLOSED,
    CallState.GOODBYE: LineState.MENU, CallState.QUEUED: LineState.WAITING,
    CallState.CB_CONFIRM: LineState.WAITING, CallState.CB_ENTRY: LineState.WAITING,
    CallState.CB_THANKS: LineState.WAITING, CallState.CB_KNOWN: LineState.MENU, CallState.VM_GREETING: LineState.VOICEMAIL,
    CallState.VM_RECORDING: LineState.VOICEMAIL, CallState.DIALLING: LineState.DIALLING, CallState.CB_INTRO: LineState.DIALLING,
    CallState.TALKING: LineState.TALKING, CallState.ON_HOLD: LineState.ON_HOLD,
}


def _lines(eng, now: float) -> list[dict]:
    today = eng.schedule.local_date(now)
    rows = []
    for line in eng.lines:
        call = eng.on_line.get(line)
        state = LineState.DOWN if line in eng.lines_down else LineState.IDLE
        rows.append({"id": line, **eng.line_facts.row(line, _LINE_STATE[call.state] if call
                                                             else state, now, today),
                     "caller": call.caller if call else None, "call_id": call.id if call else None})
    return rows


def _queues(eng, now: float) -> dict:
    estimates = waiting.estimate_all(eng)
    found = {}
    for name in eng.book.names():
        members = eng.book.members(name)
        found[name] = [{"call_id": m.id, "kind": m.kind,
                        "caller": m.caller if m.kind == "caller" else m.number,
                        "position": i + 1,
                        "waited_s": round(now - m.rank[0], 1),
                        "estimate_s": _rounded(estimates.get(m.id)),
                        "calling_back": m.kind == "callback" and m.dialback_id is not None}
                       for i, m in enumerate(members)]
    return found


def _rounded(value):
    return None if value is None else round(value, 1)


def _callbacks(eng, now: float) -> list[dict]:
    return [{"id": r.id, "number": r.number, "queue": r.queue, "attempts": r.attempts,
             "next_try_at": iso(r.eligible_at) if r.eligible_at > now else None,
             "in_progress": r.dialback_id is not None}
            for r in sorted(eng.requests.values(), key=lambda r: r.rank)]


def _operators(eng, now: float) -> list[dict]:
    today = eng.schedule.local_date(now)
    rows = []
    for op in eng.ops:
        call = eng.calls.get(op.call_id or op.ringing_for or op.reserved_for or "")
        rows.append({"id": op.id, "name": op.name, "handset": op.handset,
                     "state": op.state(now).value, "queues": list(op.queues),
                     "calls_today": op.calls_on(today), "missed_in_row": op.missed_in_row,
                     "pause_reason": op.pause_reason if op.paused else None,
                     "caller": call.caller if call else None,
                     "call_id": call.id if call else None,
                     "queue": call.queue if call else None,
                     "queued_at": iso(call.queued_at) if call else None})
    return rows


def build(eng, now: float) -> dict:
    """The whole picture at ``now``; plain data, safe to hand to another thread."""
    return {"now": iso(now), "lines": _lines(eng, now), "queues": _queues(eng, now),
            "callbacks": _callbacks(eng, now), "operators": _operators(eng, now),
            "today": eng.today.on(eng.schedule.local_date(now))}
