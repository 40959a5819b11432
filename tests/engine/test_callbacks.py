"""Callbacks: the offer, confirming or keying a number, keeping the place, dialling back, retries."""
from appliance import commands as cmd
from appliance import events as ev
from tests.engine.rig import Rig

SETUP = dict(operators=[{"id": "ann", "handset": 1, "queues": ["sales", "support"]}],
             handsets={"count": 1},
             queues={"sales": {"callback_offer_after_s": 60, "wrapup_s": 0}},
             lines=[{"id": f"line{i}", "driver": "sim"} for i in range(1, 4)])


def long_wait(**patch) -> Rig:
    """Ann talks to +10 on line1; +12 calls on line2 and hears the callback offer."""
    rig = Rig(**{**SETUP, **patch})
    rig.call_in("+10", "line1")
    rig.press("1", "line1")
    rig.send(ev.HandsetOffHook(1))
    rig.call_in("+12", "line2")
    out = rig.press("1", "line2")
    assert ("prompt", "callback_offer") in rig.items(out)
    return rig


def request_callback(rig: Rig, line="line2") -> None:
    out = rig.press("1", line)
    assert rig.items(out) == [("prompt", "callback_confirm"), ("phone", "+12"),
                              ("prompt", "callback_confirm_keys")]
    assert rig.items(rig.press("1", line)) == [("prompt", "callback_thanks")]
    assert rig.of(cmd.Hangup, rig.prompt_done(line)) == [cmd.Hangup(line)]


def inbound(rig: Rig, caller: str) -> dict:
    return next(r for r in rig.records.values() if r["caller"] == caller and r["direction"] == "inbound")


def dialbacks(rig: Rig) -> list[dict]:
    return [r for r in rig.records.values() if r["direction"] == "callback"]


def test_confirmed_callback_ends_the_call_with_callback_requested():
    rig = long_wait()
    rig.advance(12)
    request_callback(rig)
    record = inbound(rig, "+12")
    assert record["outcome"] == "callback_requested" and record["callback_offered"]
    assert record["callback_number"] == "+12" and record["wait_s"] == 12.0
    assert record["hangup_by"] == "system"
    assert rig.engine.snapshot(rig.now)["callbacks"][0]["number"] == "+12"


def test_withheld_caller_must_key_a_number_and_confirm_the_read_back():
    rig = long_wait()
    rig.call_in(None, "line3")
    rig.press("1", "line3")
    assert rig.items(rig.press("1", "line3")) == [("prompt", "callback_enter_number")]
    out = rig.press("0612345#", "line3")
    assert rig.items(out)[-3:] == [("prompt", "callback_confirm"), ("phone", "0612345"),
                                   ("prompt", "callback_confirm_keys")]
    rig.press("1", "line3")
    assert inbound(rig, None)["callback_number"] == "0612345"


def test_pressing_2_keys_another_number():
    rig = long_wait()
    rig.press("1", "line2")
    assert rig.items(rig.press("2", "line2")) == [("prompt", "callback_enter_number")]
    rig.press("555123#1", "line2")
    assert inbound(rig, "+12")["callback_number"] == "555123"


def test_dialogue_timeouts_give_up_and_keep_the_caller_waiting():
    rig = long_wait()
    rig.press("1", "line2")
    for _ in range(3):
        rig.prompt_done("line2")
        out = rig.advance(5)
    assert ("prompt", "queue_position") in rig.items(out)
    assert rig.engine.snapshot(rig.now)["lines"][1]["state"] == "waiting"


def test_dial_back_keeps_the_operator_dials_and_rings_them_only_after_press_1():
    rig = long_wait()
    request_callback(rig)
    out = rig.send(ev.HandsetOnHook(1))            # ann's first call ends; wrap-up 0
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line1", "+12")]
    assert rig.of(cmd.RingHandset, out) == []      # nobody rung for a customer not yet there
    ann = rig.engine.snapshot(rig.now)["operators"][0]
    assert (ann["state"], ann["caller"]) == ("reserved", "+12")
    rig.advance(5)
    assert rig.items(rig.send(ev.CallAnswered("line1"))) == []          # "hello?" first
    assert rig.items(rig.send(ev.CalleeHeard("line1", "person"))) == [("prompt", "callback_intro")]
    rig.prompt_done("line1")
    out = rig.press("1", "line1")
    assert rig.of(cmd.RingHandset, out) == [cmd.RingHandset(1, "+12")]
    assert rig.items(out) == [("music", "hold")]
    rig.advance(4)
    out = rig.send(ev.HandsetOffHook(1))
    assert cmd.Bridge("line1", 1) in [c.__class__(c.line, c.handset) for c in rig.of(cmd.Bridge, out)]
    rig.advance(60)
    rig.send(ev.HandsetOnHook(1))
    [dial] = dialbacks(rig)
    assert dial["parent_id"] == inbound(rig, "+12")["id"]
    assert (dial["outcome"], dial["caller"], dial["operator"]) == ("callback_answered", "+12", "ann")
    assert dial["talk_s"] == 60.0 and dial["ring_s"] == 4.0 and rig.engine.is_idle()


def test_busy_callee_is_retried_after_retry_after_s_up_to_max_attempts():
    rig = long_wait(callbacks={"max_attempts": 2, "retry_after_s": 300})
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))
    out = rig.send(ev.DialFailed("line1", "busy"))
    assert rig.rung(out) == []
    assert rig.engine.snapshot(rig.now)["operators"][0]["state"] == "available"
    assert rig.of(cmd.Dial, rig.advance(299)) == []
    assert rig.of(cmd.Dial, rig.advance(2)) == [cmd.Dial("line1", "+12")]
    rig.advance(30)
    out = rig.send(ev.DialFailed("line1", "no_answer"))
    assert any("given up after 2 attempts" in n.text for n in rig.of(cmd.Notice, out))
    assert [d["outcome"] for d in dialbacks(rig)] == ["callback_failed", "callback_failed"]
    assert all(d["ring_attempts"] == [] for d in dialbacks(rig))
    assert rig.engine.is_idle()


def test_nobody_presses_1_after_three_intros_and_the_attempt_fails_without_a_ring():
    rig = long_wait()
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))
    rig.send(ev.CallAnswered("line1"))
    assert rig.items(rig.advance(2.5)) == [("prompt", "callback_intro")]   # no detector verdict
    for _ in range(3):
        rig.prompt_done("line1")
        out = rig.advance(5)
    assert rig.of(cmd.Hangup, out) == [cmd.Hangup("line1")]
    assert dialbacks(rig)[0]["outcome"] == "callback_failed"
    assert dialbacks(rig)[0]["ring_attempts"] == []


def test_an_answering_machine_hears_the_intro_once_as_a_message():
    rig = long_wait()
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))
    rig.send(ev.CallAnswered("line1"))
    rig.advance(1)
    assert rig.items(rig.send(ev.CalleeHeard("line1", "machine"))) == [("prompt", "callback_intro")]
    rig.prompt_done("line1")
    out = rig.advance(5)
    assert rig.of(cmd.Hangup, out) == [cmd.Hangup("line1")]
    assert dialbacks(rig)[0]["outcome"] == "callback_failed"


def test_a_customer_pressing_1_before_the_intro_rings_the_operator_at_once():
    rig = long_wait()
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))
    rig.send(ev.CallAnswered("line1"))
    assert rig.rung(rig.press("1", "line1")) == [1]
    assert rig.items(rig.advance(3)) == []


def test_if_the_kept_operator_misses_the_ring_the_next_free_one_is_rung():
    rig = Rig(**{**SETUP, "operators": [{"id": "ann", "handset": 1, "queues": ["sales"]},
                                        {"id": "bob", "handset": 2, "queues": ["sales"]}],
                 "handsets": {"count": 2},
                 "queues": {"sales": {"callback_offer_after_s": 1, "wrapup_s": 0}}})
    rig.send(ev.HandsetOffHook(2))                  # bob busy while +12 books
    rig.send(ev.HandsetOffHook(1))                  # and ann
    rig.call_in("+12", "line2")
    assert ("prompt", "callback_offer") in rig.items(rig.press("1", "line2"))
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))                   # ann kept; bob still busy
    rig.send(ev.CallAnswered("line1"))
    assert rig.rung(rig.press("1", "line1")) == [1]
    rig.send(ev.HandsetOnHook(2))                   # bob free, but ann's phone rings for +12
    out = rig.advance(rig.engine.queue_conf("sales")["ring_timeout_s"])
    assert rig.rung(out) == [2]
    out = rig.send(ev.HandsetOffHook(2))
    assert rig.of(cmd.Bridge, out)[0].handset == 2


def test_a_customer_hanging_up_before_an_operator_answers_is_a_failed_attempt_retried():
    rig = long_wait(callbacks={"max_attempts": 3, "retry_after_s": 60})
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))
    rig.send(ev.CallAnswered("line1"))
    rig.press("1", "line1")
    out = rig.send(ev.LineHungUp("line1"))
    assert rig.of(cmd.StopRing, out) == [cmd.StopRing(1)]
    assert dialbacks(rig)[0]["outcome"] == "callback_failed"
    assert rig.engine.snapshot(rig.now)["callbacks"][0]["attempts"] == 1
    assert [m["kind"] for m in rig.engine.snapshot(rig.now)["queues"]["sales"]] == ["callback"]
    assert rig.of(cmd.Dial, rig.advance(61)) == [cmd.Dial("line1", "+12")]


def test_callback_keeps_its_place_before_callers_who_came_later():
    rig = long_wait()
    request_callback(rig)
    rig.call_in("+13", "line3")
    rig.press("1", "line3")
    out = rig.send(ev.HandsetOnHook(1))
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line1", "+12")] and rig.rung(out) == []


def test_callbacks_wait_for_opening_hours():
    hours = {"weekly": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]}}
    rig = long_wait(hours=hours)
    request_callback(rig)
    rig.advance(8 * 3600 - 10)                      # 16:59:50, ann still on her call
    rig.advance(20)                                  # closed now
    out = rig.send(ev.HandsetOnHook(1))
    assert rig.of(cmd.Dial, out) == []
    out = rig.advance(16 * 3600)                     # Tuesday 09:00
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line1", "+12")]


def test_an_inbound_call_ringing_before_our_dial_took_the_line_wins_it():
    rig = long_wait()
    request_callback(rig)
    out = rig.send(ev.HandsetOnHook(1))             # ann kept, +12 dialled on line1
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line1", "+12")]
    out = rig.call_in("+14", "line1")               # the modem had a RING first
    assert cmd.AnswerLine("line1") in out
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line2", "+12")]    # ann still free: next line
    rig.send(ev.DialFailed("line1", "failed"))      # our dial on line1, refused: nothing to do
    assert dialbacks(rig) == [] and rig.engine.snapshot(rig.now)["callbacks"][0]["attempts"] == 0


def test_with_no_other_line_the_dial_back_waits_for_one():
    rig = long_wait(lines=[{"id": "line1", "driver": "sim"}, {"id": "line2", "driver": "sim"}])
    request_callback(rig)
    rig.send(ev.HandsetOnHook(1))
    rig.call_in("+13", "line2")
    out = rig.call_in("+14", "line1")
    assert rig.of(cmd.Dial, out) == []
    assert rig.engine.snapshot(rig.now)["operators"][0]["state"] == "available"
    assert rig.engine.snapshot(rig.now)["callbacks"][0]["in_progress"] is False


def test_a_request_waiting_for_a_line_does_not_hold_up_the_caller_on_the_only_line():
    rig = Rig(**{**SETUP, "lines": [{"id": "line1", "driver": "sim"}]})
    rig.send(ev.HandsetOffHook(1))                 # ann busy (handset up) for a while
    rig.call_in("+12", "line1")
    out = rig.press("1", "line1")
    assert ("prompt", "callback_offer") in rig.items(out)
    request_callback(rig, "line1")
    rig.send(ev.LineHungUp("line1"))
    rig.call_in("+13", "line1")                    # the only line: +13 waits on it
    rig.press("1", "line1")
    out = rig.send(ev.HandsetOnHook(1)) + rig.advance(1)
    assert cmd.RingHandset(1, "+13") in out        # not held up by +12's request
    rig.send(ev.HandsetOffHook(1))                 # ann talks to +13
    rig.advance(30)
    out = rig.send(ev.HandsetOnHook(1)) + rig.advance(1)
    assert cmd.Hangup("line1") in out                # the line is free: +12's dial-back now
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line1", "+12")] and rig.rung(out) == []


def test_a_request_escalates_like_its_caller_and_keeps_the_widening_already_earned():
    rig = Rig(**{**SETUP,
                 "operators": [{"id": "ann", "handset": 1, "queues": ["sales"]},
                               {"id": "sue", "handset": 2, "queues": ["support"]}],
                 "handsets": {"count": 2},
                 "queues": {"sales": {"callback_offer_after_s": 60, "wrapup_s": 0,
                                      "escalate_to": "support", "escalate_after_s": 120},
                            "support": {"wrapup_s": 0}}})
    rig.send(ev.HandsetOffHook(1))                 # ann busy; sue busy too
    rig.send(ev.HandsetOffHook(2))
    rig.call_in("+12", "line2")
    rig.press("1", "line2")
    request_callback(rig)
    rig.send(ev.HandsetOnHook(2))                  # sue free, but not for sales yet
    assert rig.of(cmd.Dial, rig.advance(100)) == []
    out = rig.advance(25)                          # 120 s after +12 joined: support may take it
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line1", "+12")]
    assert rig.engine.snapshot(rig.now)["operators"][1]["state"] == "reserved"


def booked_then_calling_again(key: str | None) -> tuple[Rig, list]:
    """+12 booked a callback and hung up; now +12 calls again on line3."""
    rig = long_wait()
    request_callback(rig)
    rig.send(ev.LineHungUp("line2"))
    out = rig.call_in("+12", "line3")
    assert rig.items(out) == [("prompt", "callback_already_booked")]
    if key is None:
        rig.prompt_done("line3")
        return rig, rig.advance(9)
    return rig, rig.press(key, "line3")


def latest(rig: Rig, caller: str) -> dict:
    return [r for r in rig.records.values() if r["caller"] == caller][-1]


def test_a_repeat_caller_keeps_the_booked_callback_with_1_or_no_key():
    for key in ("1", None):
        rig, out = booked_then_calling_again(key)
        assert ("prompt", "callback_thanks") in rig.items(out)
        assert len(rig.engine.requests) == 1                 # no second dial-back
        record = latest(rig, "+12")
        assert record["outcome"] == "callback_requested" and record["parent_id"] == rig.record(1)["id"]


def test_a_repeat_caller_cancels_with_2_and_waits_in_the_request_s_place():
    rig, out = booked_then_calling_again("2")
    assert rig.engine.requests == {}
    assert ("prompt", "menu_main") in rig.items(out)
    out = rig.press("1", "line3")
    waiting = rig.engine.snapshot(rig.now)["queues"]["sales"]
    assert [m["caller"] for m in waiting] == ["+12"]
    rig.send(ev.LineHungUp("line3"))
    assert latest(rig, "+12")["outcome"] == "abandoned_queue"


OFFICE = {"timezone": "UTC", "weekly": {day: [["08:00", "17:00"]] for day in
                                        ("mon", "tue", "wed", "thu", "fri")}, "holidays": []}


def test_a_callback_booked_near_closing_is_promised_for_the_next_working_day():
    rig = long_wait(hours=OFFICE)
    rig.press("1", "line2")
    out = rig.press("1", "line2")
    assert rig.items(out) == [("prompt", "callback_thanks")]     # 09:00: today
    assert inbound(rig, "+12")["callback_expected_at"] < "2026-11-23T17:00"

    late = Rig(**SETUP, hours=OFFICE, now=1795424400.0 + 7.75 * 3600)   # Monday 16:45
    late.call_in("+10", "line1")
    late.press("1", "line1")
    late.send(ev.HandsetOffHook(1))
    late.call_in("+12", "line2")
    late.press("1", "line2")
    late.press("1", "line2")
    out = late.press("1", "line2")
    assert late.items(out) == [("prompt", "callback_thanks_next_day")]
    assert inbound(late, "+12")["callback_expected_at"] == "2026-11-24T08:00:00.000Z"


def test_a_dial_back_waits_for_a_line_registered_on_its_network():
    rig = long_wait()
    request_callback(rig)
    for line in ("line1", "line2", "line3"):
        rig.send(ev.LineHealthReported(line, {"registration": "searching"}))
    out = rig.send(ev.HandsetOnHook(1))            # ann is free, but no line can dial
    assert rig.of(cmd.Dial, out) == []
    assert rig.engine.snapshot(rig.now)["callbacks"][0]["number"] == "+12"
    out = rig.send(ev.LineHealthReported("line3", {"registration": "home"}))
    assert rig.of(cmd.Dial, out) == [cmd.Dial("line3", "+12")]
