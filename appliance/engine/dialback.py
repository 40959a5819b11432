"""Calling a customer back: keep an operator, dial, "press 1", and only then ring the operator.

The order is the one that never rings an operator for nothing. A dial-back starts only with a
free line *and* a free operator of the request's pool; the operator is kept (``reserved_for``:
no other call is offered to them) while the customer's phone rings and hears the intro. When
the customer presses 1 they are a caller at the head of their queue, on hold music, and the
kept operator's phone rings at once; if that operator does not answer, the next free one is
rung like for any caller. A customer who does not answer, is busy, or never presses 1 costs
the kept operator the dial and nothing else: no ring sounded.
"""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine import escalation
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import end_call
from appliance.engine.ringing import pick, ring_operators
from appliance.engine.waiting import HOLD_MUSIC

GREET_WAIT_S = 2.5      # how long to let the customer say "hello?" before the intro


def start(eng, req, line: str) -> bool:
    """Keep an operator of the request's pool and dial the customer on ``line``; False if no
    operator is free for it."""
    chosen = pick(eng, req.queue, req.tried_handsets, escalation.pool(req))
    if not chosen:
        return False
    call = eng.new_call(line, "callback", req.number, CallState.DIALLING)
    call.language, call.parent_id, call.queue = req.language, req.id, req.queue
    call.callback_number, call.request_id, call.rank = req.number, req.id, req.rank
    call.pool = escalation.pool(req)
    req.dialback_id = call.id
    chosen[0].reserved_for = call.id
    eng.line_facts.count_call(line, eng.schedule.local_date(eng.now))
    eng.emit(cmd.Dial(line, req.number))
    return True


def kept_operator(eng, call: Call):
    """The operator kept for this dial-back, if still kept."""
    return next((op for op in eng.ops.by_id.values() if op.reserved_for == call.id), None)


def release(eng, call: Call):
    """Stop keeping the operator for ``call``; returns them (None if none was kept)."""
    op = kept_operator(eng, call)
    if op is not None:
        op.reserved_for = None
    return op


def lose_line(eng, call: Call) -> None:
    """An inbound call rang on the line before our dial took it: the caller has the line, and
    the request waits again (no attempt counted: nothing was dialled, nobody rang)."""
    release(eng, call)
    for kind in list(call.timers):
        eng.cancel_call_timer(call, kind)
    req = eng.requests.get(call.request_id)
    if req is not None:
        req.dialback_id = None
    eng.calls.pop(call.id, None)
    if eng.on_line.get(call.line) is call:
        del eng.on_line[call.line]
    call.state = CallState.ENDED


def callee_answered(eng, call: Call) -> None:
    """The customer picked up: let them say "hello?" (the line's detector tells us, or a short
    wait), then tell them who calls and ask for 1."""
    call.answered_at = eng.now
    call.move(CallState.CB_INTRO)
    call.tries = 0
    eng.call_timer(call, "greet", GREET_WAIT_S)
    eng.write(call)


def on_callee_heard(eng, call: Call, kind: str) -> None:
    """The detector's verdict: play the intro now. A machine hears it once, as a message, and
    the attempt then counts as not answered (nobody will press 1)."""
    if "greet" not in call.timers:
        return
    eng.cancel_call_timer(call, "greet")
    if kind == "machine":
        call.tries = eng.settings["menu"]["max_tries"] - 1
    eng.play(call, _intro(eng))


def on_greet_timeout(eng, call: Call) -> None:
    """No verdict from the line (it has no detector, or the customer said nothing): go ahead."""
    eng.play(call, _intro(eng))


def _intro(eng) -> list:
    notice = eng.settings["recording"]
    return [("prompt", "callback_intro")] + \
        ([("prompt", notice["notice_prompt"])] if notice["enabled"] else [])


def on_intro_done(eng, call: Call) -> None:
    """Wait for the 1."""
    eng.call_timer(call, "intro", eng.settings["menu"]["timeout_s"])


def on_intro_timeout(eng, call: Call) -> None:
    """No 1 yet: say it again, and after the tries count the attempt as not answered."""
    call.tries += 1
    if call.tries >= eng.settings["menu"]["max_tries"]:
        failed(eng, call, "no_answer")
    else:
        eng.play(call, _intro(eng))


def on_digit(eng, call: Call, key: str) -> None:
    """The customer pressed 1: they take the request's place in line, and the kept operator's
    phone rings now (if they are gone, the next free operator's, as for any caller)."""
    if key != "1":
        return
    eng.cancel_call_timer(call, "intro")
    eng.cancel_call_timer(call, "greet")
    req = eng.requests.get(call.request_id)
    if req is not None:
        eng.book.remove(req)
    call.move(CallState.QUEUED)
    call.queued_at = eng.now
    eng.book.add(call)
    eng.play(call, [HOLD_MUSIC], loop=True)
    eng.call_timer(call, "announce", eng.queue_conf(call.queue)["announce_every_s"])
    op = release(eng, call)
    if op is not None and op.available(eng.now):
        ring_operators(eng, call, [op], call.tried_handsets)
    eng.write(call)


def waiting(call: Call) -> bool:
    """True for a dial-back whose customer pressed 1 and waits for their first operator (one
    passed on by an operator after talking is a caller like any other)."""
    return call.request_id is not None and call.talk_s is None and call.state is CallState.QUEUED


def connected(eng, call: Call) -> None:
    """An operator answered the customer: the promise is kept, the request is done."""
    req = eng.requests.pop(call.request_id, None)
    if req is not None:
        eng.book.remove(req)
        eng.cancel_timer(("widen", req.id))


def failed(eng, call: Call, reason: str, by: str = "system") -> None:
    """This dial-back did not reach the customer (or lost them before an operator answered):
    record it, free the kept operator, plan a retry."""
    release(eng, call)
    eng.emit(cmd.Hangup(call.line))
    eng.notice(f"callback to {call.callback_number} not reached ({reason})")
    end_call(eng, call, "callback_failed", by)
    _retry_or_drop(eng, eng.requests.get(call.request_id))


def _retry_or_drop(eng, req) -> None:
    if req is None:
        return
    conf = eng.settings["callbacks"]
    req.attempts += 1
    req.dialback_id = None
    if req.attempts >= conf["max_attempts"]:
        eng.requests.pop(req.id, None)
        eng.book.remove(req)
        eng.cancel_timer(("widen", req.id))
        eng.notice(f"callback to {req.number} given up after {req.attempts} attempts", "warning")
        return
    eng.book.remove(req)                    # back in its place, if the customer had taken it
    eng.book.add(req)
    req.eligible_at = eng.now + conf["retry_after_s"]
    eng.start_timer(("retry", req.id), req.eligible_at)
