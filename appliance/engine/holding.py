"""Hold and transfer from the desk phone: a hook flash puts the caller on hold.

While on hold the caller hears hold music and the operator, on the service bus, hears the hold
prompt and may key: ``0`` passes the caller to the queue's ``escalate_to``, a queue's digit in
the main menu passes them to that queue, and a second flash brings the operator back to the
caller. A transferred caller goes to the *head* of the new queue: they have waited once already.
If the operator hangs up with the caller on hold, the caller goes back to the head of the queue
they came from; nobody is lost. Every hold adds to ``hold_s``; every transfer is noted in the
record's ``transfers`` as ``{at, from_queue, to_queue, by}``.
"""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine import ending, escalation
from appliance.engine.calls import Call, CallState
from appliance.engine.waiting import HOLD_MUSIC

HOLD_PROMPT = (("prompt", "hold_operator"),)


def on_flash(eng, op) -> None:
    """The operator's hook flash: hold the caller they talk to, or go back to the one on hold."""
    call = eng.calls.get(op.call_id) if op.call_id else None
    if call is None:
        return
    if call.state is CallState.TALKING:
        hold(eng, call)
    elif call.state is CallState.ON_HOLD:
        resume(eng, call)


def hold(eng, call: Call) -> None:
    """Caller to hold music, operator to the service bus."""
    call.add_talk(eng.now)
    call.hold_started_at = eng.now
    call.move(CallState.ON_HOLD)
    eng.emit(cmd.Hold(call.line, call.handset, HOLD_PROMPT, eng.settings["language"]))
    eng.play(call, [HOLD_MUSIC], loop=True)
    eng.write(call)


def resume(eng, call: Call) -> None:
    """Back to the caller: the music stops, the operator is on the line's row again."""
    end_hold(eng, call)
    call.move(CallState.TALKING)
    call.talk_started_at = eng.now
    eng.stop_playback(call)
    eng.emit(cmd.Bridge(call.line, call.handset))
    eng.write(call)


def end_hold(eng, call: Call) -> None:
    """Add the hold that is ending to ``hold_s``."""
    if call.hold_started_at is not None:
        call.hold_s = (call.hold_s or 0.0) + (eng.now - call.hold_started_at)
        call.hold_started_at = None


def on_key(eng, op, key: str) -> None:
    """A key from the operator on hold: ``0`` escalates, a queue's menu digit transfers."""
    call = eng.calls.get(op.call_id) if op.call_id else None
    if call is None or call.state is not CallState.ON_HOLD:
        return
    target = target_queue(eng, call, key)
    if target is None:
        eng.notice(f"operator {op.id} pressed {key} on hold: no queue for that key", "warning")
        return
    transfer(eng, call, op, target, by=op.id)


def target_queue(eng, call: Call, key: str) -> str | None:
    """The queue ``key`` names: ``0`` the caller's queue's ``escalate_to``; a digit of the main
    menu that sends callers to a queue, that queue."""
    if key == "0":
        return eng.queue_conf(call.queue)["escalate_to"] if call.queue else None
    action = eng.settings["menu"]["root"].get("options", {}).get(key, {})
    queue = action.get("queue") if action.get("action") == "queue" else None
    return queue if queue in eng.settings["queues"] else None


def transfer(eng, call: Call, op, target: str, by: str) -> None:
    """Pass the caller on hold to the head of ``target``; the operator goes into wrap-up."""
    call.transfers.append({"at": eng.now, "from_queue": call.queue, "to_queue": target, "by": by})
    eng.notice(f"call {call.id} transferred from {call.queue} to {target} by {by}")
    requeue(eng, call, op, target)
    eng.play(call, [("prompt", "transferring")])


def operator_left(eng, call: Call, op) -> None:
    """The operator hung up with the caller on hold: back to the head of their own queue."""
    eng.notice(f"operator {op.id} hung up with call {call.id} on hold; the caller is back at "
               f"the head of {call.queue}", "warning")
    requeue(eng, call, op, call.queue)
    eng.play(call, [HOLD_MUSIC], loop=True)


def requeue(eng, call: Call, op, queue: str) -> None:
    """The operator's part is over (wrap-up of their queue); the caller waits again, first."""
    end_hold(eng, call)
    eng.emit(cmd.Unbridge(call.line, call.handset))
    ending.leg_over(eng, call)
    ending.release_operator(eng, op, eng.queue_conf(call.queue)["wrapup_s"])
    call.move(CallState.QUEUED)
    call.queue, call.queued_at = queue, eng.now
    call.operator, call.handset = None, None
    call.tried_handsets.clear()
    call.rank = (escalation.HEAD, eng.next_seq())
    eng.book.add(call)
    escalation.arm(eng, call)
    eng.call_timer(call, "announce", eng.queue_conf(queue)["announce_every_s"])
    eng.write(call)


def caller_gone(eng, call: Call, by: str) -> None:
    """The caller hung up (or the line failed) while on hold."""
    end_hold(eng, call)
    ending.end_talk(eng, call, by)
