"""Escalation widens the pool of operators; limits send waiting callers to the queue's overflow.

- ``escalate_to`` / ``escalate_after_s``: after that wait, the operators of ``escalate_to`` may
  take the caller too. Nobody is moved: the caller keeps their queue and their place, and their
  *pool* (the queues whose operators may answer them) grows by one queue each time (a chain
  sales -> support -> managers widens twice; settings refuse loops).
- ``max_wait_s`` with ``overflow``: at that wait the caller leaves the line for voicemail, a
  callback offer, a goodbye, or the head of another queue (the record keeps the first queue;
  ``transfers`` shows the move, ``by`` ``system``).
- ``leave_when_empty``: while nobody who could take the queue's callers is present (enabled, not
  paused), its callers are not held: the overflow action, or goodbye with outcome
  ``no_operators``.
"""
from __future__ import annotations

from appliance.engine import voicemail
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import goodbye, stop_rings

HEAD = float("-inf")          # a rank ahead of everyone who joined a queue normally


def pool(call) -> tuple[str, ...]:
    """The queues whose operators may take ``call`` now: its queue, and the ones escalation
    added since it joined that queue (a move to another queue starts afresh)."""
    widened = getattr(call, "pool", ())
    return widened if widened and widened[0] == call.queue else (call.queue,)


def arm(eng, call: Call) -> None:
    """A caller joined ``call.queue``: the escalation and max-wait clocks start."""
    call.pool = (call.queue,)
    conf = eng.queue_conf(call.queue)
    if conf["escalate_to"] and conf["escalate_after_s"]:
        eng.call_timer(call, "escalate", conf["escalate_after_s"])
    if conf["max_wait_s"] is not None and conf["overflow"]:
        eng.call_timer(call, "max_wait", conf["max_wait_s"])


def widen(eng, call: Call) -> None:
    """``escalate_after_s`` has passed: the next queue of the chain may take the caller too."""
    if call.state not in (CallState.QUEUED, CallState.CB_CONFIRM, CallState.CB_ENTRY):
        return
    last = pool(call)[-1]
    target = eng.queue_conf(last)["escalate_to"]
    if not target or target in pool(call):
        return
    call.pool = pool(call) + (target,)
    eng.notice(f"call {call.id} escalated: {target}'s operators may take it too "
               f"({' + '.join(call.pool)})")
    after = eng.queue_conf(target)["escalate_after_s"]
    if eng.queue_conf(target)["escalate_to"] and after:
        eng.call_timer(call, "escalate", after)


def arm_request(eng, req, due: float | None) -> None:
    """A callback request escalates like the caller it stands for: its pool (``req.pool``, the
    caller's when they booked it) widens when the caller's next widening was ``due``, then by
    the chain's ``escalate_after_s``. A ``due`` already past (a request put back after a
    restart) is caught up at once."""
    while due is not None:
        target = eng.queue_conf(req.pool[-1])["escalate_to"]
        if not target or target in req.pool or target not in eng.settings["queues"]:
            return
        if due > eng.now:
            eng.start_timer(("widen", req.id), due)
            return
        req.pool += (target,)
        after = eng.queue_conf(target)["escalate_after_s"]
        due = due + after if after else None


def widen_request(eng, req_id: str) -> None:
    """A request's widening is due: the next queue of the chain may take it too."""
    req = eng.requests.get(req_id)
    if req is None or pool(req)[0] != req.queue:
        return
    arm_request(eng, req, eng.now)
    eng.notice(f"callback for {req.number} escalated: {' + '.join(req.pool)} may take it")
    call = eng.calls.get(req.dialback_id) if req.dialback_id else None
    if call is not None:
        call.pool = req.pool


def next_widening(eng, call: Call) -> float | None:
    """When ``call``'s pool widens next (None: it does not)."""
    return eng.timers.get(("escalate", call.id)) if "escalate" in call.timers else None


def on_max_wait(eng, call: Call) -> None:
    """The caller reached the queue's ``max_wait_s``."""
    if call.state is CallState.QUEUED:
        overflow(eng, call, eng.queue_conf(call.queue)["overflow"], "no_operators")


def overflow(eng, call: Call, action: dict | None, outcome: str) -> None:
    """Carry out a queue's overflow ``action`` for a waiting caller (None: goodbye)."""
    kind = (action or {}).get("action", "goodbye")
    if kind == "queue":
        to_head_of(eng, call, action["queue"])
    elif kind == "callback_offer":          # still in line, and offered a callback: "press 1"
        call.callback_offered = True
        eng.play(call, [("prompt", "callback_offer")])
    else:
        leave_line(eng, call)
        if kind == "voicemail":
            voicemail.start(eng, call, outcome)
        else:
            goodbye(eng, call, outcome)
    eng.write(call)


def leave_line(eng, call: Call) -> None:
    """Out of the queue book, its clocks stopped and its rings cancelled."""
    for kind in ("announce", "escalate", "max_wait", "dialogue"):
        eng.cancel_call_timer(call, kind)
    stop_rings(eng, call)
    eng.book.remove(call)
    call.wait_s = eng.now - call.queued_at


def to_head_of(eng, call: Call, target: str) -> None:
    """Overflow to another queue: first in its line; the record keeps the first queue."""
    eng.book.remove(call)
    call.transfers.append({"at": eng.now, "from_queue": call.queue, "to_queue": target,
                           "by": "system"})
    call.record_queue = call.record_queue or call.queue
    call.queue, call.rank = target, (HEAD, eng.next_seq())
    call.tried_handsets.clear()
    eng.cancel_call_timer(call, "max_wait")
    eng.book.add(call)
    arm(eng, call)
    eng.notice(f"call {call.id} overflowed from {call.transfers[-1]['from_queue']} to {target}")


def present(eng, queue: str) -> bool:
    """Someone who could take ``queue``'s callers is at work (enabled and not paused)."""
    return any(op.enabled and not op.paused for op in eng.ops.in_queue(queue))


def leave_empty_queues(eng) -> None:
    """``leave_when_empty`` queues nobody is present for: their callers are not held."""
    for name, conf in eng.settings["queues"].items():
        if not conf["leave_when_empty"] or present(eng, name):
            continue
        for call in list(eng.book.members(name)):
            if call.kind == "caller" and call.state is CallState.QUEUED:
                eng.notice(f"nobody is present for queue {name}: call {call.id} is not held")
                overflow(eng, call, conf["overflow"], "no_operators")
