"""Waiting in a queue: joining, place and wait announcements, hold music, escalation, transfer."""
from __future__ import annotations

from appliance.engine import escalation, ewt
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import goodbye, stop_rings

HOLD_MUSIC = ("music", "hold")


def join(eng, call: Call, queue: str, seen: tuple[str, ...] = ()) -> None:
    """Put the caller in line (keeping an earlier rank), or say nobody is there to answer."""
    staffed = [op for op in eng.ops.in_queue(queue) if op.staffed()]
    if not staffed:
        target = eng.queue_conf(queue)["escalate_to"]
        if target and target not in seen + (queue,):
            join(eng, call, target, seen + (queue,))
            return
        call.queue = queue
        goodbye(eng, call, "no_operators", "no_operators")
        return
    call.queue = queue
    call.queued_at = eng.now
    if call.rank is None:
        call.rank = (eng.now, eng.next_seq())
    call.move(CallState.QUEUED)
    position = eng.book.add(call)
    if call.position_at_entry is None:
        call.position_at_entry = position
    escalation.arm(eng, call)
    announce(eng, call, first=True)
    eng.write(call)


def estimate(eng, member) -> float | None:
    """Seconds until ``member`` (a caller or a callback request) reaches an operator; None when
    nobody staffs its queue (engine/ewt.py, docs/engine.md section 4)."""
    return ewt.Board(eng, escalation.pool).wait(member)


def estimate_all(eng) -> dict[str, float | None]:
    """The estimated wait of every member of every queue (the dashboard's list)."""
    board = ewt.Board(eng, escalation.pool)
    return {m.id: board.wait(m) for name in eng.book.names() for m in eng.book.members(name)}


def announce(eng, call: Call, first: bool = False) -> None:
    """Place in line and estimated wait (and the callback offer when the wait is long)."""
    conf = eng.queue_conf(call.queue)
    free_in = ewt.Board(eng, escalation.pool).until_free(call)
    wait = None if free_in is None else free_in + eng.handle_times.ring(call.queue)
    position = eng.book.position(call)
    items = []
    if first and position == 1 and free_in == 0.0:
        wait = None     # an operator is free now: straight to ringing, no announcement
    elif conf["announce_position"]:
        items += [("prompt", "queue_position"), ("position", position)]
    if conf["announce_wait"] and wait is not None:
        items += [("prompt", "queue_wait"), ("wait", ewt.round_for_speech(wait))]
        if call.announced_wait_s is None:
            call.announced_wait_s = wait
    offer_after = conf["callback_offer_after_s"]
    # a dial-back customer is being called back now: their request is this call, so a second
    # booking would leave the first in progress for ever
    if offer_after is not None and wait is not None and wait > offer_after \
            and call.request_id is None:
        items.append(("prompt", "callback_offer"))
        call.callback_offered = True
    if items:
        eng.play(call, items)
    else:
        eng.play(call, [HOLD_MUSIC], loop=True)
    eng.call_timer(call, "announce", conf["announce_every_s"])


def on_prompt_done(eng, call: Call) -> None:
    """An announcement ended: hold music until the next one."""
    eng.play(call, [HOLD_MUSIC], loop=True)


def on_announce_timer(eng, call: Call) -> None:
    """Time for the next announcement (not during the callback dialogue)."""
    if call.state is CallState.QUEUED:
        announce(eng, call)
    else:
        eng.call_timer(call, "announce", eng.queue_conf(call.queue)["announce_every_s"])


def move_to(eng, member, queue: str) -> None:
    """Move a waiting caller or callback request to another queue; their rank (and so their
    priority) goes along."""
    if member.kind == "caller":
        stop_rings(eng, member)
    eng.book.remove(member)
    member.queue = queue
    member.tried_handsets.clear()
    eng.book.add(member)
    if member.kind == "caller":
        escalation.arm(eng, member)


def transfer(eng, call: Call, queue: str) -> None:
    """The operator passes the caller on: back in line in ``queue`` with their original rank."""
    call.move(CallState.QUEUED)
    call.queued_at = eng.now
    call.tried_handsets.clear()
    call.queue = queue
    eng.book.add(call)
    escalation.arm(eng, call)
    eng.play(call, [("prompt", "transferring")])
    eng.call_timer(call, "announce", eng.queue_conf(queue)["announce_every_s"])
    eng.write(call)
