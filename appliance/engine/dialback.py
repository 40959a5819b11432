"""Calling a customer back: ring the operator first, then dial, then "press 1 to talk to us now"."""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import end_call, stop_rings
from appliance.engine.ringing import pick, ring_operators


def start(eng, req, line: str) -> bool:
    """Ring an operator for the request on ``line``; False if no operator of its queue is free."""
    chosen = pick(eng, req.queue, req.tried_handsets)
    if not chosen:
        return False
    call = eng.new_call(line, "callback", req.number, CallState.RING_OPERATOR)
    call.language, call.parent_id, call.queue = req.language, req.id, req.queue
    call.callback_number, call.request_id = req.number, req.id
    call.ring_attempts, req.carried_rings = list(req.carried_rings), []
    req.dialback_id = call.id
    ring_operators(eng, call, chosen, req.tried_handsets)
    return True


def give_back(eng, call: Call) -> None:
    """No dial happened (no operator answered, or the line was taken): the request waits again.

    No record is written for a dial-back that never dialled; its missed rings go with the
    request into the record of the dial-back that does.
    """
    stop_rings(eng, call)
    for kind in list(call.timers):
        eng.cancel_call_timer(call, kind)
    req = eng.requests.get(call.request_id)
    if req is not None:
        req.carried_rings, req.dialback_id = call.ring_attempts, None
    eng.calls.pop(call.id, None)
    if eng.on_line.get(call.line) is call:
        del eng.on_line[call.line]
    call.state = CallState.ENDED


def lose_line(eng, call: Call) -> None:
    """An inbound call took the line reserved for this dial-back before it dialled: move to
    another free line (the operator's phone keeps ringing), or give the request back."""
    other = eng.free_line()                    # the lost line still counts as taken here
    if other is None:
        give_back(eng, call)
        return
    del eng.on_line[call.line]
    call.line = other
    eng.on_line[other] = call


def operator_answered(eng, call: Call) -> None:
    """The operator is on the handset: dial the customer now."""
    call.started_at = eng.now
    call.move(CallState.DIALLING)
    eng.line_facts.count_call(call.line, eng.schedule.local_date(eng.now))
    eng.emit(cmd.Dial(call.line, call.callback_number))
    eng.write(call)


GREET_WAIT_S = 2.5      # how long to let the customer say "hello?" before the intro


def callee_answered(eng, call: Call) -> None:
    """The customer picked up: let them say "hello?" (the line's detector tells us, or a short
    wait), then tell them who calls and ask for 1."""
    call.answered_at = eng.now
    call.move(CallState.CB_INTRO)
    call.tries = 0
    eng.call_timer(call, "greet", GREET_WAIT_S)


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
    """The customer pressed 1: connect them to the waiting operator."""
    if key != "1":
        return
    eng.cancel_call_timer(call, "intro")
    eng.cancel_call_timer(call, "greet")
    eng.stop_playback(call)
    eng.emit(cmd.Bridge(call.line, call.handset))
    from appliance.engine.voicemail import start_call_recording
    start_call_recording(eng, call)
    call.move(CallState.TALKING)
    call.talk_started_at = eng.now
    call.hold_s = 0.0
    req = eng.requests.pop(call.request_id, None)
    if req is not None:
        eng.book.remove(req)
    eng.count("answered")
    eng.write(call)


def failed(eng, call: Call, reason: str, by: str = "system") -> None:
    """This dial-back did not reach the customer: record it, free the operator, plan a retry."""
    eng.emit(cmd.Hangup(call.line))
    op = eng.ops.by_id.get(call.operator)
    if op is not None and op.call_id == call.id:
        op.call_id = None
        eng.emit(cmd.Unbridge(call.line, call.handset))
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
        eng.notice(f"callback to {req.number} given up after {req.attempts} attempts", "warning")
        return
    req.eligible_at = eng.now + conf["retry_after_s"]
    eng.start_timer(("retry", req.id), req.eligible_at)
