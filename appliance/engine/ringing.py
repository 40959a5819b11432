"""Which operators to ring for a caller or a callback request, and ringing them.

Shared by serving (inbound callers) and dialback (callback requests), so that neither imports
the other."""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine.calls import Call, RingAttempt
from appliance.engine.operators import choose


def pick(eng, queue: str, tried: set[int], pool: tuple[str, ...] = ()) -> list:
    """Operators to ring for one caller of ``queue`` (and of the other queues of its ``pool``,
    once escalated): untried ones first, then a new round, by ``queue``'s strategy."""
    free = list({op.id: op for q in (pool or (queue,))
                 for op in eng.ops.free_for(q, eng.now)}.values())
    if not free:
        return []
    untried = [op for op in free if op.handset not in tried]
    if not untried:
        tried.clear()
        untried = free
    today = eng.schedule.local_date(eng.now)
    return choose(eng.queue_conf(queue)["strategy"], untried, eng.rng, today)


def ring_operators(eng, call: Call, operators: list, tried: set[int]) -> None:
    """Ring each of ``operators`` for ``call``, showing the caller's number, with a timeout."""
    for op in operators:
        call.ring_attempts.append(RingAttempt(op.id, op.handset, eng.now))
        op.ringing_for = call.id
        tried.add(op.handset)
        eng.emit(cmd.RingHandset(op.handset, call.caller))
    eng.call_timer(call, "ring", eng.queue_conf(call.queue)["ring_timeout_s"])
