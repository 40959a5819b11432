"""Text messages: a booked callback confirmed, an apology to a caller who gave up in the queue,
sent only once the call has ended, and the record saying what became of them."""
from datetime import datetime, timezone

import pytest

from appliance import commands as cmd
from appliance import events as ev
from appliance.engine import sms, sms_text
from appliance.engine.schedule import Schedule
from appliance.errors import SettingsError
from appliance.store import schema
from tests.engine.rig import Rig

CALLER = "+441632960012"
SETUP = dict(operators=[{"id": "ann", "handset": 1, "queues": ["sales", "support"]}],
             handsets={"count": 1},
             queues={"sales": {"callback_offer_after_s": 60, "wrapup_s": 0}},
             lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 4)])
BOTH_ON = {"callback_confirm": True, "missed_apology": True}


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def long_wait(sms_conf=None, caller=CALLER, **patch) -> Rig:
    """Ann talks to line1's caller; ``caller`` on line2 waits and hears the callback offer."""
    rig = Rig(**{**SETUP, "sms": BOTH_ON if sms_conf is None else sms_conf, **patch})
    rig.call_in("+441632960010", "line1")
    rig.press("1", "line1")
    rig.send(ev.HandsetOffHook(1))
    rig.call_in(caller, "line2")
    rig.press("1", "line2")
    return rig


def book(rig: Rig, line="line2") -> list:
    """Accept the offer and confirm the number read back; returns the commands of the booking."""
    rig.press("1", line)
    return rig.press("1", line)


def inbound(rig: Rig, line: str) -> dict:
    """The final record of the call that ended on ``line``."""
    return next(r for r in rig.records.values()
                if r["line"] == line and r["direction"] == "inbound" and r["ended_at"] is not None)


def texts(rig: Rig, out=None) -> list:
    return rig.of(cmd.SendSms, out)


def estimate_of_request(rig: Rig) -> float:
    members = rig.engine.snapshot(rig.now)["queues"]["sales"]
    [request] = [m for m in members if m["kind"] == "callback"]
    return request["estimate_s"]


# ---- the callback confirmation -------------------------------------------------------------------

def test_a_booked_callback_is_confirmed_by_text_after_the_call_has_ended():
    rig = long_wait()
    rig.advance(12)
    out = book(rig)
    assert texts(rig, out) == []                       # not while the caller is on the line
    booked_at, wait = rig.now, estimate_of_request(rig)
    out = rig.prompt_done("line2")                     # the thanks heard: the appliance hangs up
    order = [type(c) for c in out if isinstance(c, (cmd.Hangup, cmd.SendSms))]
    assert order == [cmd.Hangup, cmd.SendSms]
    [text] = texts(rig, out)
    record = inbound(rig, "line2")
    at = round((booked_at + wait) / 300) * 300
    expected = datetime.fromtimestamp(at, timezone.utc).strftime("%H:%M")
    assert (text.line, text.number, text.call_id) == ("line2", CALLER, record["id"])
    assert text.text == (f"Thank you for holding. We will call you back on {CALLER} at about "
                         f"{expected}. You keep your place in line.")
    assert record["outcome"] == "callback_requested" and record["sms"] is None


def test_sms_sent_rewrites_the_record_with_sent():
    rig = long_wait()
    book(rig)
    rig.prompt_done("line2")
    record = inbound(rig, "line2")
    out = rig.send(ev.SmsSent("line2", record["id"], True, "+CMGS: 17"))
    [write] = rig.of(cmd.WriteCallRecord, out)
    assert write.record == {**record, "sms": "sent"}
    assert rig.of(cmd.Notice, out) == []


def test_a_failed_text_is_a_warning_and_the_record_says_failed_and_calls_go_on():
    rig = long_wait()
    book(rig)
    rig.prompt_done("line2")
    call_id = inbound(rig, "line2")["id"]
    out = rig.send(ev.SmsSent("line2", call_id, False, "+CMS ERROR: 500"))
    [notice] = rig.of(cmd.Notice, out)
    assert notice.level == "warning" and "+CMS ERROR: 500" in notice.text and call_id in notice.text
    assert rig.records[call_id]["sms"] == "failed"
    out = rig.call_in("+441632960099", "line2")        # the line takes calls as before
    assert cmd.AnswerLine("line2") in out


def test_a_caller_who_hangs_up_during_the_thanks_still_gets_the_confirmation():
    rig = long_wait()
    book(rig)
    out = rig.send(ev.LineHungUp("line2"))
    [text] = texts(rig, out)
    assert text.number == CALLER and rig.of(cmd.Hangup, out) == []


def test_a_keyed_national_number_gets_the_text_a_short_one_does_not():
    rig = long_wait()
    rig.press("1", "line2")
    rig.press("2", "line2")
    rig.press("07700900123#1", "line2")
    rig.prompt_done("line2")
    assert [t.number for t in texts(rig)] == ["07700900123"]
    rig = long_wait()
    rig.press("1", "line2")
    rig.press("2", "line2")
    rig.press("0612345#1", "line2")                    # 7 digits: an extension, not a mobile
    rig.prompt_done("line2")
    assert texts(rig) == [] and inbound(rig, "line2")["callback_number"] == "0612345"


@pytest.mark.parametrize("number, mobile", [
    ("+441632960012", True), ("07700900123", True), ("12345678", True), ("+" + "1" * 15, True),
    ("0612345", False), ("+" + "1" * 16, False), ("+44 1632 960012", False),
    ("*31#0612345678", False), ("", False), (None, False)])
def test_the_number_rule(number, mobile):
    assert sms_text.is_mobile(number) is mobile


def test_the_confirmation_is_in_the_callers_language():
    rig = long_wait(language="ru")
    book(rig)
    [text] = texts(rig, rig.prompt_done("line2"))
    assert text.text.startswith(f"Мы перезвоним вам на номер {CALLER} примерно в ")


def test_a_language_without_its_own_text_gets_the_english_one_in_english_words():
    hours = {"weekly": {"mon": [["09:00", "09:02"]], "tue": [["09:00", "17:00"]]}}
    rig = long_wait(language="it", hours=hours,
                    sms={**BOTH_ON, "templates": {"callback_confirm": {"it": None}}})
    book(rig)
    [text] = texts(rig, rig.prompt_done("line2"))
    assert text.text == (f"Thank you for holding. We will call you back on {CALLER} at about "
                         "09:00 on Tue. You keep your place in line.")


def test_when_the_office_closes_before_the_dial_back_the_time_is_the_next_opening():
    hours = {"weekly": {"mon": [["09:00", "09:02"]], "tue": [["09:00", "17:00"]]}}
    rig = long_wait(language="it", hours=hours)
    assert estimate_of_request_would_pass_closing(rig)
    book(rig)
    [text] = texts(rig, rig.prompt_done("line2"))
    assert "verso le 09:00 (mar)." in text.text


def estimate_of_request_would_pass_closing(rig: Rig) -> bool:
    [waiting] = rig.engine.snapshot(rig.now)["queues"]["sales"]
    return rig.now + waiting["estimate_s"] > ts("2026-11-23T09:02:00")


def test_sender_name_and_hours_fill_their_placeholders():
    hours = {"weekly": {"mon": [["08:30", "12:30"], ["14:00", "18:00"]]}}
    conf = {**BOTH_ON, "sender_name": "Rossi Idraulica",
            "templates": {"callback_confirm": {"en": "{business}: we call {number} at {time}. "
                                                     "Open {hours}."}}}
    rig = long_wait(sms_conf=conf, hours=hours)
    book(rig)
    [text] = texts(rig, rig.prompt_done("line2"))
    assert text.text.startswith(f"Rossi Idraulica: we call {CALLER} at 09:")
    assert text.text.endswith("Open today 08:30-12:30, 14:00-18:00.")


def test_no_text_when_confirmations_are_off():
    rig = long_wait(sms_conf={"callback_confirm": False, "missed_apology": True})
    book(rig)
    rig.prompt_done("line2")
    assert texts(rig) == [] and rig.engine.sms_pending == {}


# ---- the apology ---------------------------------------------------------------------------------

def test_a_caller_who_hangs_up_in_the_queue_gets_the_apology_after_the_end():
    rig = long_wait(hours={"weekly": {"mon": [["08:00", "17:30"]]}})
    out = rig.send(ev.LineHungUp("line2"))
    record = inbound(rig, "line2")
    assert record["outcome"] == "abandoned_queue"
    kinds = [type(c) for c in out if isinstance(c, (cmd.WriteCallRecord, cmd.SendSms))]
    assert kinds == [cmd.WriteCallRecord, cmd.SendSms]
    assert texts(rig, out) == [cmd.SendSms(
        "line2", CALLER, "Sorry we could not answer your call. We are open today 08:00-17:30. "
                         "Please call us again.", record["id"])]


def test_the_apology_says_24_7_when_always_open_and_is_in_russian_for_russian_callers():
    rig = long_wait(language="ru")
    [text] = texts(rig, rig.send(ev.LineHungUp("line2")))
    assert text.text == "Простите, что не ответили. Работаем круглосуточно."


def test_no_apology_for_a_withheld_number_or_a_caller_who_left_in_the_menu():
    rig = long_wait(caller=None)
    rig.send(ev.LineHungUp("line2"))
    assert inbound(rig, "line2")["outcome"] == "abandoned_queue" and texts(rig) == []
    rig = Rig(**{**SETUP, "sms": BOTH_ON})
    rig.call_in(CALLER, "line1")
    rig.send(ev.LineHungUp("line1"))
    assert rig.record()["outcome"] == "abandoned_menu" and texts(rig) == []


def test_nothing_is_sent_by_default():
    rig = long_wait(sms_conf={})
    book(rig)
    rig.prompt_done("line2")
    rig.call_in(CALLER, "line3")
    rig.press("1", "line3")
    rig.send(ev.LineHungUp("line3"))
    assert texts(rig) == [] and all(r["sms"] is None for r in rig.records.values())


# ---- memory stays flat ---------------------------------------------------------------------------

def test_a_text_with_no_report_is_forgotten_after_ten_minutes():
    rig = long_wait()
    rig.send(ev.LineHungUp("line2"))
    call_id = inbound(rig, "line2")["id"]
    assert call_id in rig.engine.sms_pending
    rig.send(ev.HandsetOnHook(1))
    assert not rig.engine.is_idle()                    # the report is still awaited
    out = rig.advance(sms.REPORT_WAIT_S + 1)
    assert any(call_id in n.text and n.level == "warning" for n in rig.of(cmd.Notice, out))
    assert rig.engine.sms_pending == {} and rig.engine.is_idle()
    out = rig.send(ev.SmsSent("line2", call_id, True, "late"))
    assert rig.of(cmd.WriteCallRecord, out) == [] and rig.records[call_id]["sms"] is None


def test_at_most_pending_max_texts_are_awaited():
    rig = Rig(**{**SETUP, "sms": BOTH_ON})
    rig.send(ev.HandsetOffHook(1))                     # ann busy: every caller waits
    first = None
    for n in range(sms.PENDING_MAX + 1):
        rig.call_in(f"+4416329{n:05d}", "line1")
        rig.press("1", "line1")
        rig.send(ev.LineHungUp("line1"))
        first = first or rig.record()["id"]
    assert len(texts(rig)) == sms.PENDING_MAX + 1
    assert len(rig.engine.sms_pending) == sms.PENDING_MAX and first not in rig.engine.sms_pending
    assert ("sms", first) not in rig.timers


def test_a_report_for_an_unknown_call_changes_nothing():
    rig = Rig(**SETUP)
    out = rig.send(ev.SmsSent("line1", "no-such-call", True, "simulated"))
    assert out == []


# ---- the words -----------------------------------------------------------------------------------

WEEK = {"timezone": "Europe/Rome", "holidays": ["2026-11-24"],
        "weekly": {"mon": [["09:00", "12:30"], ["14:00", "18:00"]], "wed": [["22:00", "24:00"]],
                   "thu": [["00:00", "02:00"]]}}


def test_hours_today_or_the_next_day_open():
    s = Schedule(WEEK)
    assert sms_text.hours(s, ts("2026-11-23T07:00"), "en") == "today 09:00-12:30, 14:00-18:00"
    assert sms_text.hours(s, ts("2026-11-23T18:00"), "it") == "mer 22:00-24:00"   # Tue a holiday
    assert sms_text.hours(s, ts("2026-11-23T18:00"), "ru") == "ср 22:00-24:00"
    assert sms_text.hours(Schedule({"weekly": {}, "holidays": []}), 0.0, "en") == "closed"


def test_next_close_follows_a_range_across_midnight():
    s = Schedule(WEEK)
    assert s.next_close(ts("2026-11-25T20:30")) == ts("2026-11-25T20:30")     # closed now
    assert s.next_close(ts("2026-11-25T21:30")) == ts("2026-11-26T01:00")     # 02:00 Rome
    assert Schedule({"weekly": None, "holidays": []}).next_close(0.0) is None


def test_dialback_time_rounds_to_five_minutes_or_names_the_next_opening():
    s = Schedule({"timezone": "UTC", "weekly": {"mon": [["09:00", "17:00"]],
                                                "tue": [["09:00", "17:00"]]}, "holidays": []})
    assert sms_text.dialback_time(s, ts("2026-11-23T10:00"), 17 * 60, "en") == "10:15"
    assert sms_text.dialback_time(s, ts("2026-11-23T16:50"), 15 * 60, "en") == "09:00 on Tue"
    assert sms_text.dialback_time(s, ts("2026-11-23T16:50"), 15 * 60, "ru") == "09:00 (вт)"


# ---- the settings --------------------------------------------------------------------------------

def error_of(sms_conf: dict, **more) -> str:
    with pytest.raises(SettingsError) as caught:
        schema.validate({"sms": sms_conf, **more})
    return str(caught.value)


def test_old_documents_stay_valid_with_sms_off():
    doc = schema.validate({"language": "it"})
    assert doc["sms"]["callback_confirm"] is False and doc["sms"]["missed_apology"] is False
    assert doc["sms"]["templates"]["missed_apology"]["it"].startswith("Ci scusi")


def test_unknown_placeholders_and_stray_braces_are_refused_naming_the_key():
    assert error_of({"templates": {"missed_apology": {"ru": "Звоните {time}"}}}) == (
        "Setting 'sms.templates.missed_apology.ru' uses the placeholder {time}, which is not "
        "known here; a missed_apology text may use {number}, {hours}, {business}")
    assert "sms.templates.callback_confirm.en' uses the placeholder {when}" in error_of(
        {"templates": {"callback_confirm": {"en": "at {when}"}}})
    assert "not part of a placeholder" in error_of(
        {"templates": {"callback_confirm": {"en": "at {time"}}})


def test_long_texts_are_refused():
    assert error_of({"templates": {"callback_confirm": {"it": "x" * 601}}}) == (
        "Setting 'sms.templates.callback_confirm.it' is 601 characters long; at most 600")
    message = error_of({"callback_confirm": True,
                        "templates": {"callback_confirm": {"en": "x" * 150 + " {number}"}}})
    assert message.startswith("Setting 'sms.templates.callback_confirm.en' cannot be sent as "
                              "one text message once filled in with the longest number")
    assert "the text is 167 characters" in message and "holds 160" in message


def test_a_russian_text_must_fit_70_characters_with_the_longest_hours():
    three = {"weekly": {"mon": [["08:00", "10:00"], ["11:00", "13:00"], ["14:00", "18:00"]]}}
    message = error_of({"missed_apology": True}, hours=three)
    assert "'sms.templates.missed_apology.ru'" in message and "holds 70" in message
    schema.validate({"sms": {"missed_apology": False}, "hours": three})     # off: not checked
    schema.validate({"sms": {"missed_apology": True, "templates": {"missed_apology": {"ru": None}}},
                     "hours": three})


def test_the_default_texts_fit_with_two_opening_ranges_a_day():
    two = {"weekly": {d: [["09:00", "13:00"], ["14:00", "18:00"]] for d in ("mon", "tue", "sat")}}
    schema.validate({"sms": BOTH_ON, "hours": two})


def test_business_needs_a_sender_name():
    assert error_of({"templates": {"missed_apology": {"en": "{business}: sorry"}}}) == (
        "Setting 'sms.templates.missed_apology.en' uses {business}, but sms.sender_name is not set")
    assert "at most 40" in error_of({"sender_name": "x" * 41})
