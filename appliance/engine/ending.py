"""How calls end: one place that closes the record, frees the line, and starts the wrap-up."""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine import sms
from appliance.engine.calls import Call, CallState


def stop_rings(eng, call: Call, result: str = "cancelled") -> None:
    """End every ring still sounding for ``call`` with ``result``, and silence the handsets."""
    for attempt in call.ringing():
        attempt.result, attempt.ended_at = result, eng.now
        op = eng.ops.by_id.get(attempt.operator)
        if op is not None and op.ringing_for == call.id:
            op.ringing_for = None
        eng.emit(cmd.StopRing(attempt.handset))
    eng.cancel_call_timer(call, "ring")


def end_call(eng, call: Call, outcome: str, by: str) -> None:
    """The call is over: final record, line freed, timers and rings gone. Every end goes here."""
    for kind in list(call.timers):
        eng.cancel_call_timer(call, kind)
    stop_rings(eng, call)
    eng.book.remove(call)
    call.ended_at = eng.now
    call.outcome = outcome
    call.hangup_by = by
    call.move(CallState.ENDED)
    eng.calls.pop(call.id, None)
    if eng.on_line.get(call.line) is call:
        del eng.on_line[call.line]
    if outcome in ("abandoned_menu", "abandoned_queue"):
        eng.count("abandoned")
    eng.write(call)
    sms.after_end(eng, call)


def hang_up(eng, call: Call, outcome: str, by: str = "system") -> None:
    """The appliance ends the call: put the line down, then close the record."""
    eng.emit(cmd.Hangup(call.line))
    end_call(eng, call, outcome, by)


def end_talk(eng, call: Call, by: str) -> None:
    """A conversation ended (either side, or the system): the operator goes into wrap-up."""
    call.add_talk(eng.now)
    op = eng.ops.by_id.get(call.operator)
    eng.emit(cmd.Unbridge(call.line, call.handset))
    if call.recording is not None:
        eng.emit(cmd.StopRecording(call.line))
    outcome = "answered" if call.direction == "inbound" else "callback_answered"
    if by != "caller":
        eng.emit(cmd.Hangup(call.line))
    if op is not None:
        start_wrapup(eng, op, call)
    leg_over(eng, call)
    end_call(eng, call, outcome, by)


def leg_over(eng, call: Call) -> None:
    """An operator's part of ``call`` is over (the call ended, or they passed it on): their
    ring and time on it (talk and hold) teach the wait estimate of the queue they took it for."""
    if call.leg_started_at is not None:
        eng.handle_times.add(call.queue, (call.ring_s or 0.0) + eng.now - call.leg_started_at)
        call.leg_started_at = None


def release_operator(eng, op, wrapup_s: float) -> None:
    """The operator's part of a call is over: ``wrapup_s`` before they are offered the next."""
    op.call_id = None
    op.last_ended_at = eng.now
    op.wrapup_until = eng.now + wrapup_s
    eng.start_timer(("wrapup", op.id), op.wrapup_until)


def start_wrapup(eng, op, call: Call) -> None:
    """Release the operator after ``call``; its record notes the wrap-up (rewritten if longer)."""
    wrapup = eng.queue_conf(call.queue)["wrapup_s"] if call.queue in eng.settings["queues"] else 0
    release_operator(eng, op, wrapup)
    op.wrapup_call = call.id
    call.wrapup_s = float(wrapup)
    eng.awaiting_wrapup[call.id] = call


def finish_wrapup(eng, op) -> None:
    """Wrap-up is over once its time has passed *and* the handset is down.

    If the operator stayed off hook longer, the record is rewritten with the real wrap-up time.
    """
    if op.off_hook or eng.now < (op.wrapup_until or 0):
        return
    op.wrapup_done(eng.now)
    if op.wrapup_call is None:
        return
    call = eng.awaiting_wrapup.pop(op.wrapup_call, None)
    op.wrapup_call = None
    if call is not None and call.ended_at is not None:
        actual = eng.now - call.ended_at
        if actual - (call.wrapup_s or 0.0) > 0.5:
            call.wrapup_s = actual
            eng.write(call)


def goodbye(eng, call: Call, outcome: str, prompt_key: str = "goodbye") -> None:
    """Say a last message; the appliance hangs up when it ends (outcome kept for the record)."""
    call.move(CallState.GOODBYE)
    call.outcome = outcome
    eng.play(call, [("prompt", prompt_key)])
