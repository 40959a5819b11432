"""The call-centre engine: events in, commands out, time given. No I/O, threads or clocks here.

>>> from appliance.engine import Engine
>>> engine = Engine(settings)                 # validated settings (appliance.store.schema)
>>> engine.handle(LineRinging("line1", "+441632960001"), now=1763888102.0)
[AnswerLine(line='line1'), Play(...), WriteCallRecord(...)]
"""
from __future__ import annotations

from appliance import events as ev
from appliance.commands import StopRecording, Unbridge
from appliance.engine import (dialback, ending, escalation, holding, inbound, offer, repeat,
                              serving, sms, snapshot, voicemail, waiting)
from appliance.engine import operators
from appliance.engine.calls import CallState
from appliance.engine.core import EngineCore

_S = CallState


class Engine(EngineCore):
    """Decides what happens on every call. Only the loop calls ``handle``."""

    def handle(self, event, now: float) -> list:
        """Apply one event at time ``now``; return the commands the drivers must carry out."""
        self.now = now
        self.out = []
        while self.restored:
            req = self.restored.pop()
            after = self.queue_conf(req.queue)["escalate_after_s"]
            escalation.arm_request(self, req, req.requested_at + after if after else None)
        _HANDLERS[type(event)](self, event)
        serving.dispatch(self)
        return self.out

    def snapshot(self, now: float) -> dict:
        """What the dashboard and the terminal view show: lines, queues, operators, today."""
        self.now = max(self.now, now)
        return snapshot.build(self, self.now)

    def is_idle(self) -> bool:
        """True when no call is live, no callback is pending and no record awaits its wrap-up
        or the report on its text message."""
        return (not self.calls and not self.requests and not self.awaiting_wrapup
                and not self.sms_pending)

    def pending_callbacks(self) -> list:
        """The callback requests still to be served, oldest rank first."""
        return sorted(self.requests.values(), key=lambda r: r.rank)


def _call_on(eng, line: str):
    return eng.on_line.get(line)


def _on_ringing(eng, e: ev.LineRinging) -> None:
    eng.line_facts.count_call(e.line, eng.schedule.local_date(eng.now))
    inbound.on_ringing(eng, e.line, e.caller)


def _on_digit(eng, e: ev.DigitPressed) -> None:
    call = _call_on(eng, e.line)
    if call is None:
        return
    handler = {_S.MENU: inbound.on_digit, _S.QUEUED: offer.on_queued_digit,
               _S.CB_CONFIRM: offer.on_digit, _S.CB_ENTRY: offer.on_digit,
               _S.CB_INTRO: dialback.on_digit, _S.VM_RECORDING: _end_message,
               _S.CB_KNOWN: repeat.on_digit}.get(call.state)
    if handler is not None:
        handler(eng, call, e.key)


def _end_message(eng, call, key: str) -> None:
    """# ends a voicemail message at once."""
    if key == "#":
        eng.emit(StopRecording(call.line))
        voicemail.on_done(eng, call)


def _on_recording_done(eng, e: ev.RecordingDone) -> None:
    call = _call_on(eng, e.line)
    if call is not None and call.state is _S.VM_RECORDING:
        voicemail.on_done(eng, call)


def _on_prompt_done(eng, e: ev.PromptDone) -> None:
    call = _call_on(eng, e.line)
    if call is None or call.play_id != e.play_id:
        return
    handler = {_S.MENU: inbound.on_prompt_done, _S.CLOSED: inbound.on_last_message_done,
               _S.GOODBYE: inbound.on_last_message_done, _S.QUEUED: waiting.on_prompt_done,
               _S.CB_CONFIRM: offer.on_prompt_done, _S.CB_ENTRY: offer.on_prompt_done,
               _S.CB_THANKS: offer.on_thanks_done, _S.CB_INTRO: dialback.on_intro_done,
               _S.VM_GREETING: voicemail.on_prompt_done,
               _S.CB_KNOWN: repeat.on_prompt_done}.get(call.state)
    if handler is not None:
        handler(eng, call)


def _gone(eng, call, outcome: str, by: str) -> None:
    """The far end is gone (hung up, or the line failed): close the call in whatever state."""
    state = call.state
    if state is _S.TALKING:
        ending.end_talk(eng, call, by)
    elif state is _S.ON_HOLD:
        holding.caller_gone(eng, call, by)
    elif state in (_S.DIALLING, _S.CB_INTRO) or (state is _S.QUEUED and dialback.waiting(call)):
        dialback.failed(eng, call, "hung up" if by == "caller" else "line failed", by)
    elif state is _S.CLOSED:
        ending.end_call(eng, call, "closed", by)
    elif state is _S.CB_THANKS:
        ending.end_call(eng, call, "callback_requested", by)
    elif state is _S.VM_RECORDING:
        voicemail.on_hung_up(eng, call, by)
    elif state in (_S.QUEUED, _S.CB_CONFIRM, _S.CB_ENTRY):
        call.wait_s = eng.now - call.queued_at
        passed_on = "callback_answered" if call.direction == "callback" else "abandoned_queue"
        ending.end_call(eng, call, outcome or passed_on, by)
    else:
        ending.end_call(eng, call, outcome or call.outcome or "abandoned_menu", by)


def _on_hung_up(eng, e: ev.LineHungUp) -> None:
    call = _call_on(eng, e.line)
    if call is not None:
        _gone(eng, call, None, "caller")


def _on_line_failed(eng, e: ev.LineFailed) -> None:
    eng.lines_down.add(e.line)
    eng.line_facts.failed(e.line, e.reason)
    eng.notice(f"line {e.line} failed: {e.reason}", "error")
    call = _call_on(eng, e.line)
    if call is not None:
        call.failure = e.reason
        _gone(eng, call, "failed", "system")


def _on_line_ready(eng, e: ev.LineReady) -> None:
    eng.line_facts.ready(e.line)
    if e.line in eng.lines_down:
        eng.lines_down.discard(e.line)
        eng.notice(f"line {e.line} is back in service")


def _on_answered(eng, e: ev.CallAnswered) -> None:
    call = _call_on(eng, e.line)
    if call is not None and call.state is _S.DIALLING:
        dialback.callee_answered(eng, call)


def _on_callee_heard(eng, e: ev.CalleeHeard) -> None:
    call = _call_on(eng, e.line)
    if call is not None and call.state is _S.CB_INTRO:
        dialback.on_callee_heard(eng, call, e.kind)


def _on_dial_failed(eng, e: ev.DialFailed) -> None:
    call = _call_on(eng, e.line)
    if call is not None and call.state is _S.DIALLING:
        dialback.failed(eng, call, e.reason)


def _on_off_hook(eng, e: ev.HandsetOffHook) -> None:
    op = eng.ops.by_handset.get(e.handset)
    if op is None:
        eng.notice(f"handset {e.handset} lifted, but no operator is assigned to it", "warning")
        return
    serving.on_off_hook(eng, op)


def _on_on_hook(eng, e: ev.HandsetOnHook) -> None:
    op = eng.ops.by_handset.get(e.handset)
    if op is None:
        return
    op.off_hook = False
    call = eng.calls.get(op.call_id) if op.call_id else None
    if call is not None and call.state is _S.TALKING:
        ending.end_talk(eng, call, "operator")
    elif call is not None and call.state is _S.ON_HOLD:
        holding.operator_left(eng, call, op)
    ending.finish_wrapup(eng, op)


_CALL_TIMERS = {
    "menu": inbound.on_timeout, "announce": waiting.on_announce_timer,
    "ring": serving.on_ring_timeout, "dialogue": offer.on_timeout,
    "escalate": escalation.widen, "intro": dialback.on_intro_timeout,
    "voicemail": voicemail.on_overdue, "greet": dialback.on_greet_timeout,
    "max_wait": escalation.on_max_wait, "known": repeat.on_timeout,
}


def _on_timer(eng, e: ev.TimerFired) -> None:
    if eng.timers.pop(e.key, None) is None:
        return
    kind, *rest = e.key
    if kind == "wrapup":
        op = eng.ops.by_id.get(rest[0])
        if op is not None:
            ending.finish_wrapup(eng, op)
        return
    if kind in ("retry", "open"):
        return          # nothing to do but dispatch, which follows every event
    if kind == "widen":
        escalation.widen_request(eng, rest[0])
        return
    if kind == "sms":
        sms.expire(eng, rest[0])
        return
    call = eng.calls.get(rest[0])
    if call is not None and kind in call.timers:
        call.timers.discard(kind)
        _CALL_TIMERS[kind](eng, call)


def _on_sms_sent(eng, e: ev.SmsSent) -> None:
    sms.on_sent(eng, e.call_id, e.ok, e.line, e.detail)


def _on_paused(eng, e: ev.OperatorPaused) -> None:
    op = eng.ops.by_id.get(e.operator)
    if op is not None:
        operators.pause(eng, op)        # a ring in progress stops; the next operator is rung


def _on_unpaused(eng, e: ev.OperatorUnpaused) -> None:
    op = eng.ops.by_id.get(e.operator)
    if op is not None:
        op.paused, op.pause_reason, op.missed_in_row = False, None, 0


def _on_flash(eng, e: ev.HookFlash) -> None:
    op = eng.ops.by_handset.get(e.handset)
    if op is not None:
        holding.on_flash(eng, op)


def _on_operator_key(eng, e: ev.OperatorKey) -> None:
    op = eng.ops.by_handset.get(e.handset)
    if op is not None:
        holding.on_key(eng, op, e.key)


def _on_transfer(eng, e: ev.TransferRequested) -> None:
    op = eng.ops.by_handset.get(e.handset)
    call = eng.calls.get(op.call_id) if op is not None and op.call_id else None
    if call is None or call.state is not _S.TALKING or call.direction != "inbound" \
            or e.queue not in eng.settings["queues"]:
        eng.notice(f"transfer from handset {e.handset} to {e.queue} refused: no such call or queue",
                   "warning")
        return
    call.add_talk(eng.now)
    eng.emit(Unbridge(call.line, call.handset))
    ending.leg_over(eng, call)
    ending.release_operator(eng, op, eng.queue_conf(call.queue)["wrapup_s"])
    waiting.transfer(eng, call, e.queue)


def _on_settings(eng, e: ev.SettingsChanged) -> None:
    eng.apply_settings(e.settings)
    fallback = e.settings["menu"]["fallback"]
    for name in eng.book.names():
        if name not in e.settings["queues"] and eng.book.members(name):
            target = e.renamed.get(name) or fallback.get("queue") or next(iter(e.settings["queues"]))
            what = f"was renamed {target}" if name in e.renamed else "was removed"
            eng.notice(f"queue {name} {what}; its {len(eng.book.members(name))} waiting "
                       f"caller(s) move to {target}, keeping their places", "warning")
            for member in list(eng.book.members(name)):
                waiting.move_to(eng, member, target)


def _on_shutdown(eng, e: ev.ShutdownRequested) -> None:
    for call in list(eng.calls.values()):
        if call.state is _S.TALKING:
            ending.end_talk(eng, call, "system")
        elif call.state is _S.ON_HOLD:
            holding.caller_gone(eng, call, "system")
        elif call.state in (_S.DIALLING, _S.CB_INTRO) or dialback.waiting(call):
            dialback.failed(eng, call, "the appliance stopped")
        elif call.state is _S.CB_THANKS:
            ending.hang_up(eng, call, "callback_requested")
        elif call.state is _S.VM_RECORDING:
            eng.emit(StopRecording(call.line))
            ending.hang_up(eng, call, "voicemail")
        else:
            if call.queued_at is not None:
                call.wait_s = eng.now - call.queued_at
            ending.hang_up(eng, call, "closed" if call.state is _S.CLOSED else "failed")
    for call in list(eng.awaiting_wrapup.values()):
        eng.write(call)
    eng.awaiting_wrapup.clear()
    eng.stopped = True
    eng.notice(f"engine stopped: {e.reason}")


_HANDLERS = {
    ev.LineRinging: _on_ringing, ev.DigitPressed: _on_digit, ev.PromptDone: _on_prompt_done,
    ev.RecordingDone: _on_recording_done, ev.LineHungUp: _on_hung_up, ev.LineFailed: _on_line_failed, ev.LineReady: _on_line_ready,
    ev.LineHealthReported: lambda eng, e: eng.line_facts.reported(e, eng.now),
    ev.CallAnswered: _on_answered, ev.CalleeHeard: _on_callee_heard,
    ev.DialFailed: _on_dial_failed,
    ev.HandsetOffHook: _on_off_hook, ev.HandsetOnHook: _on_on_hook, ev.TimerFired: _on_timer,
    ev.HookFlash: _on_flash, ev.OperatorKey: _on_operator_key,
    ev.OperatorPaused: _on_paused, ev.OperatorUnpaused: _on_unpaused,
    ev.TransferRequested: _on_transfer, ev.SettingsChanged: _on_settings,
    ev.ShutdownRequested: _on_shutdown, ev.SmsSent: _on_sms_sent,
}
