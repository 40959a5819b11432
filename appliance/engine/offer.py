"""The callback offer taken up: confirm or key a number, then book the callback in the caller's place."""
from __future__ import annotations

from appliance.engine import escalation, sms, waiting
from appliance.engine.callbacks import CallbackRequest
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import hang_up, stop_rings

MAX_DIGITS = 20
MIN_DIGITS = 3


def on_queued_digit(eng, call: Call, key: str) -> None:
    """In the queue, only "1" after an offer means something: start the callback dialogue."""
    if key != "1" or not call.callback_offered:
        return
    eng.stop_playback(call)
    eng.cancel_call_timer(call, "announce")
    call.tries = 0
    if call.caller:
        _confirm(eng, call, call.caller)
    else:
        _ask_number(eng, call)


def _confirm(eng, call: Call, number: str) -> None:
    call.pending_number = number
    if call.state is not CallState.CB_CONFIRM:
        call.move(CallState.CB_CONFIRM)
    eng.play(call, [("prompt", "callback_confirm"), ("phone", number), ("prompt", "callback_confirm_keys")])


def _ask_number(eng, call: Call, before: tuple = ()) -> None:
    call.digits = ""
    if call.state is not CallState.CB_ENTRY:
        call.move(CallState.CB_ENTRY)
    eng.play(call, list(before) + [("prompt", "callback_enter_number")])


def on_digit(eng, call: Call, key: str) -> None:
    """A key during the dialogue: 1 confirms, 2 changes the number, digits then # key one."""
    eng.cancel_call_timer(call, "dialogue")
    if call.state is CallState.CB_CONFIRM:
        eng.stop_playback(call)
        if key == "1":
            book(eng, call)
        elif key == "2":
            _ask_number(eng, call)
        else:
            _retry(eng, call, "invalid")
        return
    if not call.digits:
        eng.stop_playback(call)
    if key.isdigit() and len(call.digits) < MAX_DIGITS:
        call.digits += key
    elif key == "*":
        call.digits = ""
    elif key == "#":
        _number_keyed(eng, call)
        return
    eng.call_timer(call, "dialogue", _timeout(eng))


def _number_keyed(eng, call: Call) -> None:
    if len(call.digits) >= MIN_DIGITS:
        _confirm(eng, call, call.digits)
    else:
        _retry(eng, call, "invalid")


def _timeout(eng) -> float:
    return eng.settings["menu"]["timeout_s"]


def on_prompt_done(eng, call: Call) -> None:
    """A dialogue prompt ended: wait for the caller's keys."""
    eng.call_timer(call, "dialogue", _timeout(eng))


def on_timeout(eng, call: Call) -> None:
    """No key in time: ask again, or after the tries give up and keep waiting in line."""
    _retry(eng, call, "timeout")


def _retry(eng, call: Call, what: str) -> None:
    call.tries += 1
    if call.tries >= eng.settings["menu"]["max_tries"]:
        call.move(CallState.QUEUED)
        waiting.announce(eng, call)
        return
    prompt = eng.settings["menu"][f"{what}_prompt"]
    if call.state is CallState.CB_CONFIRM:
        eng.play(call, [("prompt", prompt), ("prompt", "callback_confirm"),
                        ("phone", call.pending_number), ("prompt", "callback_confirm_keys")])
    else:
        _ask_number(eng, call, before=(("prompt", prompt),))


def book(eng, call: Call) -> None:
    """The number is confirmed: the request takes the caller's place and the caller may hang up."""
    stop_rings(eng, call)
    eng.book.remove(call)
    due = escalation.next_widening(eng, call)
    for kind in ("announce", "escalate", "max_wait"):
        eng.cancel_call_timer(call, kind)
    req = CallbackRequest(call.id, call.pending_number, call.queue, call.language, call.rank, eng.now,
                          eligible_at=eng.now, pool=escalation.pool(call))
    eng.requests[req.id] = req
    eng.book.add(req)
    escalation.arm_request(eng, req, due)
    call.callback_number = req.number
    call.wait_s = eng.now - call.queued_at
    call.outcome = "callback_requested"
    call.move(CallState.CB_THANKS)
    eng.count("callbacks_requested")
    wait = waiting.estimate(eng, req)
    call.callback_expected_at, next_day = expected_at(eng, wait)
    if next_day:                            # as promised: not before the next opening
        req.eligible_at = call.callback_expected_at
        eng.start_timer(("retry", req.id), req.eligible_at)
    if sms.wants_confirmation(eng, req.number):
        sms.prepare_confirmation(eng, call, req, wait)
    eng.play(call, [("prompt", "callback_thanks_next_day" if next_day else "callback_thanks")])
    eng.write(call)


def expected_at(eng, wait: float | None) -> tuple[float, bool]:
    """When the caller may expect the dial-back, and whether that is the next working day: it
    is, when booked within ``callbacks.close_margin_s`` of closing or not expected before it."""
    expected = eng.now + (wait or 0.0)
    closes = eng.schedule.next_close(eng.now)
    margin = eng.settings["callbacks"]["close_margin_s"]
    if closes is None or (closes - eng.now > margin and expected < closes):
        return expected, False
    opens = eng.schedule.next_open(closes)
    return (opens if opens is not None else expected), True


def on_thanks_done(eng, call: Call) -> None:
    """The caller heard that we will call back: hang up."""
    hang_up(eng, call, "callback_requested", "system")
