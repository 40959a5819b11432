"""Text messages after a call: a callback's confirmation, an apology to a caller who gave up.

Decided here, sent by the line's driver: ``SendSms`` goes out right after the call has ended on
that line (after its ``Hangup``), so the message never competes with the call; the driver holds it
until the line is idle. ``SmsSent`` comes back and the call's record is rewritten with ``sms``
``sent`` or ``failed``. The ended calls awaiting that answer are kept in ``eng.sms_pending``, at
most ``PENDING_MAX`` of them and none longer than ``REPORT_WAIT_S`` (a timer drops it; its record
keeps ``sms`` null). Nothing here touches a live call.
"""
from __future__ import annotations

from appliance import commands as cmd
from appliance.engine import sms_text
from appliance.engine.calls import Call

PENDING_MAX = 100
REPORT_WAIT_S = 600.0
_OFF = {"callback_confirm": False, "missed_apology": False}


def _conf(eng) -> dict:
    return eng.settings.get("sms", _OFF)


def _template(eng, kind: str, language: str) -> tuple[str, str]:
    """``(language, template)``: the caller's language, or English when it has no text."""
    texts = _conf(eng)["templates"][kind]
    return (language, texts[language]) if texts.get(language) else ("en", texts["en"])


def _fill(eng, kind: str, call: Call, number: str, **more) -> str:
    language, template = _template(eng, kind, call.language)
    values = {"number": number, "business": _conf(eng)["sender_name"] or "",
              "hours": sms_text.hours(eng.schedule, eng.now, language)}
    values.update({name: fn(language) for name, fn in more.items()})
    return sms_text.render(template, values)


def wants_confirmation(eng, number: str) -> bool:
    """True when a callback booked for ``number`` is to be confirmed by text message."""
    return _conf(eng)["callback_confirm"] and sms_text.is_mobile(number)


def prepare_confirmation(eng, call: Call, req, wait_s: float | None) -> None:
    """Word the confirmation now, at booking (the estimate is the one the caller just had); it is
    sent when the call has ended. ``wait_s`` is the request's estimated wait."""
    wait = _rough_wait(eng, req) if wait_s is None else wait_s
    text = _fill(eng, "callback_confirm", call, req.number,
                 time=lambda lang: sms_text.dialback_time(eng.schedule, eng.now, wait, lang))
    call.sms_out = (req.number, text)


def _rough_wait(eng, req) -> float:
    """With no staffed operator to estimate from: place x handle time / operators of the queue."""
    conf = eng.queue_conf(req.queue)
    cycle = eng.handle_times.mean(req.queue, conf["default_handle_s"]) + conf["wrapup_s"]
    return eng.book.position(req) * cycle / max(1, len(eng.ops.in_queue(req.queue)))


def after_end(eng, call: Call) -> None:
    """The call has ended (its Hangup already emitted): send what it has earned, if anything."""
    if call.outcome == "abandoned_queue" and call.direction == "inbound" \
            and _conf(eng)["missed_apology"] and sms_text.is_mobile(call.caller):
        call.sms_out = (call.caller, _fill(eng, "missed_apology", call, call.caller))
    if call.sms_out is None or call.outcome not in ("callback_requested", "abandoned_queue"):
        return
    number, text = call.sms_out
    call.sms_out = None
    eng.emit(cmd.SendSms(call.line, number, text, call.id))
    _await_report(eng, call)


def _await_report(eng, call: Call) -> None:
    eng.sms_pending[call.id] = call
    eng.start_timer(("sms", call.id), eng.now + REPORT_WAIT_S)
    while len(eng.sms_pending) > PENDING_MAX:
        oldest = next(iter(eng.sms_pending))
        del eng.sms_pending[oldest]
        eng.cancel_timer(("sms", oldest))


def on_sent(eng, call_id: str, ok: bool, line: str, detail: str) -> None:
    """The driver's answer: the record says ``sent`` or ``failed``; a failure is a warning."""
    if not ok:
        eng.notice(f"text message for call {call_id} on {line} was not sent: "
                   f"{detail or 'no reason given'}", "warning")
    call = eng.sms_pending.pop(call_id, None)
    if call is None:
        return
    eng.cancel_timer(("sms", call_id))
    call.sms = "sent" if ok else "failed"
    eng.write(call)


def expire(eng, call_id: str) -> None:
    """No answer from the driver in ``REPORT_WAIT_S``: forget the message (``sms`` stays null)."""
    if eng.sms_pending.pop(call_id, None) is not None:
        eng.notice(f"no word from the line on the text message for call {call_id} after "
                   f"{REPORT_WAIT_S / 60:.0f} minutes; its record keeps sms empty", "warning")
