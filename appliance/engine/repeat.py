"""A caller who already has a callback booked calls again.

Instead of booking a second dial-back (seven duplicates on a measured day), they hear that the
callback is booked and that they keep their place: 1 (or no key) keeps it, and the call ends
(outcome ``callback_requested``, ``parent_id`` the request's call); 2 cancels it, and they
wait on the line in the request's place, through the menu as usual.
"""
from __future__ import annotations

from appliance.engine import menu
from appliance.engine.calls import Call, CallState

KEEP, CANCEL = "1", "2"
ANSWER_S = 8.0


def pending_for(eng, number: str | None):
    """The callback request pending for ``number``, if any."""
    if not number:
        return None
    return next((req for req in eng.requests.values() if req.number == number), None)


def greet(eng, call: Call, req) -> None:
    """Tell the caller their callback is booked; 1 keeps it, 2 cancels it."""
    call.move(CallState.CB_KNOWN)
    call.parent_id = req.id
    call.outcome, call.callback_number = "callback_requested", req.number   # hanging up keeps it
    eng.play(call, [("prompt", "callback_already_booked")])


def on_prompt_done(eng, call: Call) -> None:
    eng.call_timer(call, "known", ANSWER_S)


def on_timeout(eng, call: Call) -> None:
    """No key: the callback stays booked."""
    keep(eng, call)


def on_digit(eng, call: Call, key: str) -> None:
    if key == KEEP:
        keep(eng, call)
    elif key == CANCEL:
        cancel(eng, call)


def keep(eng, call: Call) -> None:
    eng.cancel_call_timer(call, "known")
    call.move(CallState.CB_THANKS)
    eng.play(call, [("prompt", "callback_thanks")])
    eng.write(call)


def cancel(eng, call: Call) -> None:
    """The request is dropped; the caller takes its place in line and goes through the menu."""
    eng.cancel_call_timer(call, "known")
    req = eng.requests.get(call.parent_id)
    if req is not None and req.dialback_id is None:
        del eng.requests[req.id]
        eng.book.remove(req)
        eng.cancel_timer(("widen", req.id))
        call.rank = req.rank
        eng.notice(f"callback for {req.number} cancelled by the caller; they wait on the line")
    call.outcome = call.callback_number = call.parent_id = None
    call.move(CallState.MENU)
    eng.play(call, [menu.prompt(eng.settings["menu"], call.node_path)])
    eng.write(call)
