"""Waiting in a queue: joining, place and wait announcements, hold music, escalation, transfer."""
from __future__ import annotations

from appliance.engine import ewt, inbound
from appliance.engine.calls import Call, CallState
from appliance.engine.ending import stop_rings
from appliance.engine.operators import OpState

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
        inbound.goodbye(eng, call, "no_operators", "no_operators")
        return
    call.queue = queue
    call.queued_at = eng.now
    if call.rank is None:
        call.rank = (eng.now, eng.next_seq())
    call.move(CallState.QUEUED)
    position = eng.book.add(call)
    if call.position_at_entry is None:
        call.position_at_entry = position
    _arm_escalation(eng, call)
    announce(eng, call, first=True)
    eng.write(call)


def _arm_escalation(eng, call: Call) -> None:
    conf = eng.queue_conf(call.queue)
    if conf["escalate_to"] and conf["escalate_after_s"]:
        eng.call_timer(call, "escalate", conf["escalate_after_s"])


def estimate(eng, member) -> float | None:
    """Seconds until ``member`` (a caller or a callback request) reaches an operator."""
    return estimate_all(eng).get(member.id)


def estimate_all(eng) -> dict[str, float | None]:
    """The estimated wait of every member of every queue, in one pass over the waiting lines.

    Walking all members oldest first, each queue keeps a count of callers ahead (its own, and a
    share of other queues' callers, by the share of their operators that also serve it) and a
    heap of operators' next-free times, played forward as that count grows.
    """
    staff = {q: {op.id: op for op in eng.ops.in_queue(q) if op.staffed()} for q in eng.book.names()}
    plans = {q: _Plan(eng, q, ops) for q, ops in staff.items() if ops}
    found: dict[str, float | None] = {}
    for member in eng.book.by_rank():
        plan = plans.get(member.queue)
        found[member.id] = plan.wait() if plan else None
        for other in plans.values():
            other.ahead += other.share_of(staff.get(member.queue, {}))
    return found


class _Plan:
    """One queue's operators, summed up once: free now, first to be free, staffed, cycle."""

    def __init__(self, eng, queue: str, operators: dict):
        conf = eng.queue_conf(queue)
        handle = eng.handle_times.mean(queue, conf["default_handle_s"])
        self.cycle, self.staffed = handle + conf["wrapup_s"], len(operators)
        self.ids = set(operators)
        self.ahead = 0.0
        fixed, talking, self.free_now = [], [], 0
        for op in operators.values():
            self._place(eng, op, queue, conf["wrapup_s"], handle, fixed, talking)
        self.first = ewt.first_free(fixed, talking)

    def _place(self, eng, op, queue, wrapup, handle, fixed, talking) -> None:
        state = op.state(eng.now)
        call = eng.calls.get(op.call_id) if op.call_id else None
        if state in (OpState.AVAILABLE, OpState.RINGING):
            self.free_now += 1
        elif state is OpState.WRAPUP:
            fixed.append(max(0.0, (op.wrapup_until or eng.now) - eng.now))
        elif call is not None and call.talk_started_at is not None:
            elapsed = eng.now - call.talk_started_at + (call.ring_s or 0.0)
            talking.append((eng.handle_times.remaining(queue, elapsed, handle), wrapup))
        else:                                   # off hook, or dialling a callback: half a call
            talking.append((ewt.Remaining(None, handle / 2), wrapup))

    def share_of(self, their_staff: dict) -> float:
        """How much one caller of a queue with ``their_staff`` weighs on this queue's operators."""
        if not their_staff:
            return 0.0
        return len(self.ids.intersection(their_staff)) / len(their_staff)

    def wait(self) -> float:
        """The wait of the next member of this queue, with ``ahead`` callers before them."""
        return ewt.expected_wait(self.ahead, self.free_now, self.first, self.cycle, self.staffed)


def announce(eng, call: Call, first: bool = False) -> None:
    """Place in line and estimated wait (and the callback offer when the wait is long)."""
    conf = eng.queue_conf(call.queue)
    wait = estimate(eng, call)
    position = eng.book.position(call)
    items = []
    if first and position == 1 and wait == 0.0:
        wait = None     # an operator is free now: straight to ringing, no announcement
    elif conf["announce_position"]:
        items += [("prompt", "queue_position"), ("position", position)]
    if conf["announce_wait"] and wait is not None:
        items += [("prompt", "queue_wait"), ("wait", ewt.round_for_speech(wait))]
        if call.announced_wait_s is None:
            call.announced_wait_s = wait
    offer_after = conf["callback_offer_after_s"]
    if offer_after is not None and wait is not None and wait > offer_after:
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
        _arm_escalation(eng, member)


def on_escalate(eng, call: Call) -> None:
    """Waited too long: the queue's ``escalate_to`` group takes over, keeping the caller's place."""
    target = eng.queue_conf(call.queue)["escalate_to"]
    if call.state in (CallState.QUEUED, CallState.CB_CONFIRM, CallState.CB_ENTRY) and target:
        eng.notice(f"call {call.id} escalated from {call.queue} to {target}")
        move_to(eng, call, target)
        if call.state is CallState.QUEUED:
            announce(eng, call)


def transfer(eng, call: Call, queue: str) -> None:
    """The operator passes the caller on: back in line in ``queue`` with their original rank."""
    call.move(CallState.QUEUED)
    call.queued_at = eng.now
    call.tried_handsets.clear()
    call.queue = queue
    eng.book.add(call)
    _arm_escalation(eng, call)
    eng.play(call, [("prompt", "transferring")])
    eng.call_timer(call, "announce", eng.queue_conf(queue)["announce_every_s"])
    eng.write(call)
