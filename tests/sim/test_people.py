"""Simulated callers react to what they hear, on time, and stop reacting once they are gone."""
from __future__ import annotations

from appliance import commands as c
from appliance import events as ev
from appliance.store import schema
from hwsim.speech import Speech, menu_prompts

from .rig import START, Rig, operator

MENU = (("prompt", "greeting"), ("prompt", "menu_main"))
QUEUE = (("prompt", "queue_position"), ("position", 2), ("prompt", "queue_wait"), ("wait", 240))


def on_line(rig, **spec):
    caller = rig.caller(**spec)
    rig.lines["line1"].offer(caller)
    rig.execute(c.AnswerLine("line1"))
    return caller


def pressed(rig):
    return [(t, e.key) for t, e in rig.events() if isinstance(e, ev.DigitPressed)]


def test_keys_are_pressed_one_per_menu_prompt_a_second_into_it():
    rig = Rig()
    on_line(rig, keys="21")
    rig.execute(c.Play("line1", 1, MENU))              # menu_main starts 3 s in
    rig.advance(10)
    rig.execute(c.Play("line1", 2, (("prompt", "menu_main"),)))
    rig.advance(10)
    rig.execute(c.Play("line1", 3, (("prompt", "invalid"), ("prompt", "menu_main"))))
    rig.advance(10)
    assert pressed(rig) == [(4.0, "2"), (11.0, "1")]


def test_prompts_that_are_not_menu_prompts_take_no_key():
    rig = Rig()
    on_line(rig, keys="1")
    rig.execute(c.Play("line1", 1, (("prompt", "greeting"), ("prompt", "opening_hours"))))
    rig.advance(30)
    assert pressed(rig) == []


def test_menu_prompts_include_every_submenu():
    settings = schema.defaults()
    settings["menu"]["root"]["options"]["3"] = {"action": "submenu", "menu": {
        "prompt": "menu_billing", "options": {
            "1": {"action": "submenu", "menu": {"prompt": "menu_refunds", "options": {}}}}}}
    assert menu_prompts(settings["menu"]) == {"menu_main", "menu_billing", "menu_refunds"}
    assert Speech(settings).item_seconds(("prompt", "menu_refunds")) == 4.0


def test_patience_starts_at_the_first_queue_announcement_and_ends_in_a_hang_up():
    rig = Rig()
    on_line(rig, patience_s=100)
    rig.advance(20)
    rig.execute(c.Play("line1", 1, QUEUE))
    rig.advance(50)
    rig.execute(c.Play("line1", 2, (("music", "hold"),), loop=True))   # does not restart it
    rig.advance(200)
    assert [(t, e) for t, e in rig.events() if isinstance(e, ev.LineHungUp)] == [
        (120.0, ev.LineHungUp("line1"))]
    assert rig.lines["line1"].idle


def test_hold_music_alone_also_starts_the_patience_clock():
    rig = Rig()
    on_line(rig, patience_s=30)
    rig.execute(c.Play("line1", 1, (("music", "hold"),), loop=True))
    rig.advance(60)
    assert rig.events()[-1] == (30.0, ev.LineHungUp("line1"))


def test_a_caller_bridged_to_an_operator_does_not_give_up():
    rig = Rig()
    on_line(rig, patience_s=30)
    rig.execute(c.Play("line1", 1, QUEUE))
    rig.advance(20)
    rig.execute(c.Bridge("line1", 1))
    rig.advance(100)
    assert not [e for _, e in rig.events() if isinstance(e, ev.LineHungUp)]


def test_a_caller_with_talk_time_hangs_up_after_it_once_bridged():
    rig = Rig()
    on_line(rig, talk_s=90.0)
    rig.advance(10)
    rig.execute(c.Bridge("line1", 1))
    rig.advance(200)
    assert rig.events()[-1] == (100.0, ev.LineHungUp("line1"))


def test_a_callback_offer_is_accepted_with_1_by_those_who_want_it():
    rig = Rig(lines=("line1", "line2"))
    on_line(rig, accepts_callback=True, patience_s=5)
    rig.execute(c.Play("line1", 1, QUEUE + (("prompt", "callback_offer"),)))
    rig.advance(30)
    assert pressed(rig) == [(8.0, "1")]                # offer starts 7 s in
    assert not [e for _, e in rig.events() if isinstance(e, ev.LineHungUp)]


def test_a_callback_offer_is_ignored_by_those_who_do_not():
    rig = Rig()
    on_line(rig, accepts_callback=False)
    rig.execute(c.Play("line1", 1, (("prompt", "callback_offer"),)))
    rig.advance(30)
    assert pressed(rig) == []


def test_confirm_with_1_when_the_number_read_back_is_theirs_else_2():
    for read_back, key in (("441632960001", "1"), ("+441632960002", "2")):
        rig = Rig()
        on_line(rig, number="+441632960001")
        rig.execute(c.Play("line1", 1, (("prompt", "callback_confirm"), ("phone", read_back),
                                         ("prompt", "callback_confirm_keys"))))
        rig.advance(30)
        assert pressed(rig) == [(2.0 + 6.0 + 1.0, key)]


def test_a_withheld_caller_keys_their_callback_number_and_hash():
    rig = Rig()
    on_line(rig, number=None, callback_number="+4420 7946")
    rig.execute(c.Play("line1", 1, (("prompt", "callback_enter_number"),)))
    rig.advance(30)
    keys = pressed(rig)
    assert "".join(k for _, k in keys) == "44207946#"
    assert [t for t, _ in keys] == [round(1.0 + 0.3 * n, 3) for n in range(9)]


def test_the_callee_of_a_dial_back_presses_1_at_the_intro():
    rig = Rig()
    person = rig.caller(number="+441632960001", answers_callback_after_s=3)
    rig.execute(c.Dial("line1", "+441632960001"))
    rig.advance(5)
    rig.execute(c.Play("line1", 1, (("prompt", "callback_intro"),)))
    rig.advance(10)
    assert pressed(rig) == [(6.0, "1")] and person.line is rig.lines["line1"]


def test_nothing_a_caller_planned_happens_after_their_call_ended():
    rig = Rig()
    on_line(rig, keys="1", patience_s=2, talk_s=3.0)
    rig.execute(c.Play("line1", 1, MENU + QUEUE))
    rig.execute(c.Bridge("line1", 1))
    rig.execute(c.Hangup("line1"))
    rig.advance(60)
    assert rig.kinds() == [ev.LineRinging("line1", None)]


class TinyEngine:
    """Stand-in for the real engine: one menu option, one queue, one operator on handset 1."""

    def handle(self, event, now):
        return getattr(self, "on_" + type(event).__name__, lambda e: [])(event)

    def on_LineRinging(self, e):
        return [c.AnswerLine(e.line), c.Play(e.line, 1, MENU)]

    def on_DigitPressed(self, e):
        return [c.StopPlayback(e.line), c.Play(e.line, 2, QUEUE + (("music", "hold"),), loop=True),
                c.RingHandset(1, None)]

    def on_HandsetOffHook(self, e):
        return [c.Bridge("line1", 1)]

    def on_LineHungUp(self, e):
        return [c.Unbridge("line1", 1), c.WriteCallRecord({"id": "c1", "ended_by": "caller"})]

    def on_HandsetOnHook(self, e):
        return [c.Notice("info", "operator back on hook")]

    def snapshot(self, now):
        return {}

    def is_idle(self):
        return True


def test_a_whole_call_through_the_loop_with_a_stand_in_engine():
    log = []
    calllog = type("Log", (), {"write": lambda self, r: log.append((rig.loop.now(), r))})()
    rig = Rig(operators=[operator(1, answer_after_s=5, talk_s=None)], engine=TinyEngine(),
              calllog=calllog)
    loop = rig.loop
    caller = rig.caller(number="+441632960001", keys="1", talk_s=60.0, patience_s=300)
    rig.lines["line1"].offer(caller)
    loop.run_until(lambda: bool(log))
    loop.run_until(lambda: rig.bank.all_on_hook())
    loop.drain()
    # key at 4 s, ring, answered 5 s later, 60 s talk: caller hangs up at 69 s
    assert log == [(START + 69.0, {"id": "c1", "ended_by": "caller"})]
    assert loop.now() == START + 70.0
    assert loop.recent_notices()[-1][2] == "operator back on hook"
