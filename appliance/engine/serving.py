"""Serving the line: match waiting callers and callbacks with free operators, ring, answer, time out."""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine import dialback, escalation, voicemail
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import stop_rings
from appliance.engine.ringing import pick, ring_operators


def dispatch(eng) -> None:
    """Offer calls to free operators, oldest rank first.

    A callback request with no free operator blocks its queue: nobody who came later is served
    before it. A request that cannot get a *line* blocks only the requests behind it. Callers
    behind it already hold their lines, and serving them is what frees a line; otherwise, with
    one line, the caller on it would wait for a request that waits for that very line. A request
    waiting for its retry time or for opening hours blocks nothing. A request starts its
    dial-back only with a line and an operator free (engine/dialback.py), so no operator is
    ever rung for a customer who is not on the line.
    """
    if eng.stopped:
        return
    escalation.leave_empty_queues(eng)
    if not eng.ops.any_free(eng.now):
        return
    blocked: set[str] = set()
    no_line: set[str] = set()               # queues whose next request waits for a line
    for member in list(eng.book.by_rank()):
        if member.queue in blocked:
            continue
        if member.kind == "caller":
            if not member.ringing() and not ring(eng, member):
                blocked.add(member.queue)
        elif not member.eligible(eng.now) or member.queue in no_line:
            continue
        elif eng.schedule.is_open(eng.now) and eng.free_line() is None:
            no_line.add(member.queue)
        elif not _dial_back(eng, member):
            blocked.add(member.queue)
        if not eng.ops.any_free(eng.now):
            return


def _dial_back(eng, req) -> bool:
    """Start serving a callback request; False when it must wait (and so must those behind it)."""
    if not eng.schedule.is_open(eng.now):
        _wait_for_opening(eng)
        return True
    line = eng.free_line()
    if line is None:
        return False
    return dialback.start(eng, req, line)


def _wait_for_opening(eng) -> None:
    opens = eng.schedule.next_open(eng.now)
    if opens is not None and ("open",) not in eng.timers:
        eng.start_timer(("open",), opens)


def ring(eng, call: Call) -> bool:
    """Ring the operator(s) the queue's strategy picks for a waiting caller; False if none free."""
    chosen = pick(eng, call.queue, call.tried_handsets, escalation.pool(call))
    if chosen:
        ring_operators(eng, call, chosen, call.tried_handsets)
    return bool(chosen)


def on_ring_timeout(eng, call: Call) -> None:
    """Nobody answered in ``ring_timeout_s``: count the missed rings; dispatch rings the next."""
    missed = [eng.ops.by_id.get(a.operator) for a in call.ringing()]
    stop_rings(eng, call, "no_answer")
    limit = eng.queue_conf(call.queue)["autopause_after_missed"]
    for op in filter(None, missed):
        op.missed_in_row += 1
        if limit and op.missed_in_row >= limit and not op.paused:
            op.paused, op.pause_reason = True, "missed"
            eng.notice(f"operator {op.id} paused after {op.missed_in_row} missed rings in a row; "
                       "unpause them when they are back", "warning")


def on_off_hook(eng, op) -> None:
    """A lifted handset answers the call ringing on it; otherwise the operator is busy."""
    op.off_hook = True
    call = eng.calls.get(op.ringing_for) if op.ringing_for else None
    if call is None:
        return
    attempt = next(a for a in call.ringing() if a.operator == op.id)
    attempt.result, attempt.ended_at = "answered", eng.now
    op.ringing_for = None
    eng.emit(cmd.StopRing(op.handset))
    stop_rings(eng, call)
    op.call_id, op.missed_in_row = call.id, 0
    op.count_call(eng.schedule.local_date(eng.now))
    call.operator, call.handset = op.id, op.handset
    call.ring_s = eng.now - attempt.started_at
    _connect(eng, call)


def _connect(eng, call: Call) -> None:
    """Caller and operator talk: the caller leaves the queue."""
    for kind in ("announce", "escalate", "dialogue"):
        eng.cancel_call_timer(call, kind)
    eng.book.remove(call)
    eng.stop_playback(call)
    call.wait_s = eng.now - call.queued_at
    eng.emit(cmd.Bridge(call.line, call.handset, whisper(call), eng.settings["language"]))
    voicemail.start_call_recording(eng, call)
    call.hold_s = call.hold_s or 0.0
    call.move(CallState.TALKING)
    call.talk_started_at = call.leg_started_at = eng.now
    if call.talk_s is None:                 # a transferred caller was counted the first time
        eng.count("answered")
    if call.request_id:
        dialback.connected(eng, call)
    eng.write(call)


def whisper(call: Call) -> tuple:
    """What the operator hears on lifting, before the caller: the queue's name (the owner's
    recording ``queue_<name>``, skipped where there is none), the caller's number, the wait."""
    items: list[tuple] = [("prompt", f"queue_{call.queue}")] if call.queue else []
    if call.caller:
        items.append(("phone", call.caller))
    items.append(("wait", round(call.wait_s or 0.0)))
    return tuple(items)
