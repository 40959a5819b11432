"""Text messages on simulated lines: SimLine sends once idle, and a whole scenario through
`ivr-appliance sim --fast` leaves `sms` in the records."""
from __future__ import annotations

from appliance import commands as c
from appliance import events as ev
from hwsim.lines import SMS_SEND_S

from .rig import Rig
from .test_scenarios_e2e import ONE_OPERATOR, TWO_LINES, by_caller, simulate


def sent(rig) -> list:
    return [(t, e) for t, e in rig.events() if isinstance(e, ev.SmsSent)]


def test_an_idle_line_sends_at_once_and_reports_after_the_network_took_it():
    rig = Rig()
    rig.execute(c.SendSms("line1", "+441632960001", "See you at 14:20", "call-1"))
    rig.advance(10)
    assert sent(rig) == [(SMS_SEND_S, ev.SmsSent("line1", "call-1", True, "simulated"))]
    assert rig.lines["line1"].texts_sent == [("+441632960001", "See you at 14:20")]


def test_a_text_waits_until_the_call_on_the_line_is_over():
    rig = Rig()
    caller = rig.caller(number="+441632960002")
    rig.lines["line1"].offer(caller)
    rig.execute(c.AnswerLine("line1"))
    rig.execute(c.SendSms("line1", "+441632960009", "Мы перезвоним", "call-2"))
    rig.advance(30)
    assert sent(rig) == []
    rig.execute(c.Hangup("line1"))
    rig.advance(10)
    assert sent(rig) == [(30 + SMS_SEND_S, ev.SmsSent("line1", "call-2", True, "simulated"))]


def test_texts_go_one_after_the_other_and_a_text_too_long_fails_without_failing_the_line():
    rig = Rig()
    rig.execute(c.SendSms("line1", "+441632960001", "first", "a"))
    rig.execute(c.SendSms("line1", "+441632960001", "Ж" * 71, "b"))
    rig.execute(c.SendSms("line1", "+441632960001", "third", "c"))
    rig.advance(10)
    got = [(t, e.call_id, e.ok) for t, e in sent(rig)]
    assert got == [(SMS_SEND_S, "a", True), (SMS_SEND_S, "b", False), (2 * SMS_SEND_S, "c", True)]
    assert "holds 70" in sent(rig)[1][1].detail
    assert not any(isinstance(e, ev.LineFailed) for e in rig.kinds())


def test_an_unplugged_line_fails_its_texts_and_raises_for_nothing():
    rig = Rig()
    rig.execute(c.SendSms("line1", "+441632960001", "on its way", "a"))
    rig.lines["line1"].unplug()
    rig.execute(c.SendSms("line1", "+441632960001", "never", "b"))
    rig.advance(10)
    assert [(e.call_id, e.ok, e.detail) for _, e in sent(rig)] == [
        ("a", False, "line unplugged"), ("b", False, "line unplugged")]


def test_a_scenario_with_texts_on_records_what_was_sent(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {**ONE_OPERATOR, "lines": TWO_LINES + [{"id": "line3", "driver": "sim"}],
                     "queues": {"sales": {"callback_offer_after_s": 30}},
                     "sms": {"callback_confirm": True, "missed_apology": True}},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 300}],
        "callers": [
            {"at_s": 0, "number": "+441632960001", "keys": "1"},
            {"at_s": 10, "number": "+441632960002", "keys": "1", "patience_s": 900,
             "accepts_callback": True, "answers_callback_after_s": 5},
            {"at_s": 20, "number": "+441632960003", "keys": "1", "patience_s": 60},
            {"at_s": 100, "number": None, "keys": "1", "patience_s": 40}]})
    answered = by_caller(records, "+441632960001")
    booked = by_caller(records, "+441632960002")
    gave_up = by_caller(records, "+441632960003")
    withheld = by_caller(records, None)
    dial_back = by_caller(records, "+441632960002", direction="callback")
    assert (booked["outcome"], booked["sms"]) == ("callback_requested", "sent")
    assert (gave_up["outcome"], gave_up["sms"]) == ("abandoned_queue", "sent")
    assert (withheld["outcome"], withheld["sms"]) == ("abandoned_queue", None)
    assert (answered["outcome"], answered["sms"]) == ("answered", None)
    assert (dial_back["outcome"], dial_back["sms"]) == ("callback_answered", None)


def test_with_texts_off_no_record_says_anything(tmp_path):
    records, _ = simulate(tmp_path, {
        "settings": {**ONE_OPERATOR, "lines": TWO_LINES},
        "operators": [{"id": "ann", "handset": 1, "answer_after_s": 2, "talk_s": 200}],
        "callers": [{"at_s": 0, "number": "+441632960001", "keys": "1"},
                    {"at_s": 20, "number": "+441632960003", "keys": "1", "patience_s": 60}]})
    assert by_caller(records, "+441632960003")["outcome"] == "abandoned_queue"
    assert all(r["sms"] is None for r in records)
