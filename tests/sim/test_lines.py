"""SimLine: inbound calls, busy lines, prompt timing, dialling out, and its fault switches."""
from __future__ import annotations

import pytest

from appliance import commands as c
from appliance import events as ev
from appliance.errors import DriverError

from .rig import Rig

GREETING_MENU = (("prompt", "greeting"), ("prompt", "menu_main"))


def connected(rig, **spec):
    caller = rig.caller(**spec)
    assert rig.lines["line1"].offer(caller)
    rig.execute(c.AnswerLine("line1"))
    return caller


def test_a_caller_on_an_idle_line_makes_it_ring_with_their_number():
    rig = Rig()
    assert rig.lines["line1"].offer(rig.caller(number="+441632960001"))
    rig.loop.drain()
    assert rig.kinds() == [ev.LineRinging("line1", "+441632960001")]


def test_a_withheld_caller_rings_with_no_number():
    rig = Rig()
    rig.lines["line1"].offer(rig.caller(number=None))
    rig.loop.drain()
    assert rig.kinds() == [ev.LineRinging("line1", None)]


def test_a_busy_line_gives_the_next_caller_busy_tone_and_the_appliance_hears_nothing():
    rig = Rig()
    first, second = rig.caller(number="+441632960001"), rig.caller(number="+441632960002")
    assert rig.lines["line1"].offer(first)
    assert not rig.lines["line1"].offer(second)
    rig.loop.drain()
    assert rig.kinds() == [ev.LineRinging("line1", "+441632960001")]
    assert second.line is None


def test_prompt_done_follows_the_sum_of_the_prompt_lengths():
    rig = Rig()
    connected(rig)
    rig.execute(c.Play("line1", 7, GREETING_MENU + (("phone", "+4416"),)))
    rig.advance(60)
    assert rig.events()[-1] == (3.0 + 4.0 + 2.0, ev.PromptDone("line1", 7))


def test_looping_music_has_no_end_and_a_new_play_replaces_the_old():
    rig = Rig()
    connected(rig)
    rig.execute(c.Play("line1", 1, (("music", "hold"),), loop=True))
    rig.advance(100)
    rig.execute(c.Play("line1", 2, (("prompt", "queue_position"), ("position", 2))))
    rig.execute(c.Play("line1", 3, (("prompt", "goodbye"),)))
    rig.advance(60)
    assert [e for _, e in rig.events() if isinstance(e, ev.PromptDone)] == [
        ev.PromptDone("line1", 3)]
    assert rig.events()[-1][0] == 100 + 1.5


def test_stop_playback_cancels_prompt_done():
    rig = Rig()
    connected(rig)
    rig.execute(c.Play("line1", 1, GREETING_MENU))
    rig.advance(2)
    rig.execute(c.StopPlayback("line1"))
    rig.advance(60)
    assert not [e for _, e in rig.events() if isinstance(e, ev.PromptDone)]


def test_hangup_leaves_the_line_idle_and_the_person_gone():
    rig = Rig()
    caller = connected(rig)
    rig.execute(c.Play("line1", 1, GREETING_MENU))
    rig.execute(c.Hangup("line1"))
    rig.advance(60)
    assert rig.lines["line1"].idle and caller.line is None
    assert rig.kinds() == [ev.LineRinging("line1", None)]


@pytest.mark.parametrize("spec, busy, expected, after", [
    ({"answers_callback_after_s": 6}, False, ev.CallAnswered("line1"), 6.0),
    ({"answers_callback_after_s": None}, False, ev.DialFailed("line1", "no_answer"), 30.0),
    ({"answers_callback_after_s": 45}, False, ev.DialFailed("line1", "no_answer"), 30.0),
    ({"answers_callback_after_s": 6}, True, ev.DialFailed("line1", "busy"), 3.0),
])
def test_dialling_a_person(spec, busy, expected, after):
    rig = Rig(lines=("line1", "line2"))
    person = rig.caller(number="+441632960001", **spec)
    if busy:
        rig.lines["line2"].offer(person)
    rig.execute(c.Dial("line1", "+441632960001"))
    rig.advance(120)
    heard = [(after + 1.2, ev.CalleeHeard("line1", "person"))] \
        if isinstance(expected, ev.CallAnswered) else []
    assert [(t, e) for t, e in rig.events() if e.line == "line1"] == [(after, expected), *heard]
    assert (person.line is rig.lines["line1"]) == isinstance(expected, ev.CallAnswered)


def test_an_answering_machine_is_heard_as_one():
    rig = Rig()
    rig.caller(number="+441632960001", answers_callback_after_s=2, answering_machine=True)
    rig.execute(c.Dial("line1", "+441632960001"))
    rig.advance(10)
    assert [e for _, e in rig.events()] == [ev.CallAnswered("line1"), ev.CalleeHeard("line1", "machine")]


def test_dialling_matches_numbers_by_their_digits():
    rig = Rig()
    person = rig.caller(number="+441632960001", answers_callback_after_s=2)
    rig.execute(c.Dial("line1", "441632960001"))
    rig.advance(10)
    assert rig.kinds()[0] == ev.CallAnswered("line1") and person.line is rig.lines["line1"]


def test_dialling_an_unknown_number_fails():
    rig = Rig()
    rig.execute(c.Dial("line1", "+449999"))
    rig.advance(10)
    assert rig.events() == [(2.0, ev.DialFailed("line1", "failed"))]


def test_dialling_on_a_busy_line_fails_at_once():
    rig = Rig()
    rig.lines["line1"].offer(rig.caller())
    rig.execute(c.Dial("line1", "+441632960001"))
    rig.loop.drain()
    assert rig.kinds()[-1] == ev.DialFailed("line1", "failed")


def test_hangup_while_dialling_cancels_the_dial():
    rig = Rig()
    person = rig.caller(number="+441632960001", answers_callback_after_s=5)
    rig.execute(c.Dial("line1", "+441632960001"))
    rig.advance(1)
    rig.execute(c.Hangup("line1"))
    rig.advance(60)
    assert rig.kinds() == [] and person.line is None and rig.lines["line1"].idle


def test_drop_call_reports_the_line_failed_and_frees_the_line():
    rig = Rig()
    caller = connected(rig)
    rig.lines["line1"].drop_call()
    rig.loop.drain()
    assert rig.kinds()[-2:] == [ev.LineFailed("line1", "dropped"), ev.LineReady("line1")]
    assert caller.line is None and rig.lines["line1"].idle
    assert rig.lines["line1"].offer(rig.caller())


def test_drop_call_on_an_idle_line_does_nothing():
    rig = Rig()
    rig.lines["line1"].drop_call()
    rig.loop.drain()
    assert rig.kinds() == []


def test_an_unplugged_line_refuses_calls_and_commands_until_plugged_in():
    rig = Rig()
    caller = connected(rig)
    line = rig.lines["line1"]
    line.unplug()
    rig.loop.drain()
    assert rig.kinds()[-1] == ev.LineFailed("line1", "unplugged") and caller.line is None
    assert not line.offer(rig.caller(number="+441632960002"))
    with pytest.raises(DriverError, match="vanished"):
        line.execute(c.Dial("line1", "+441632960002"))
    rig.execute(c.Dial("line1", "+441632960002"))   # through the loop: reported, not raised
    rig.loop.drain()
    assert rig.kinds()[-1].reason.startswith("driver error: line line1: device vanished")
    line.plug_in()
    rig.loop.drain()
    assert rig.kinds()[-1] == ev.LineReady("line1")
    assert line.offer(rig.caller(number="+441632960003"))


def test_keys_and_hang_up_only_count_from_the_person_on_the_line():
    rig = Rig()
    caller, stranger = connected(rig), rig.caller(number="+441632960002")
    rig.lines["line1"].press(stranger, "9")
    rig.lines["line1"].hang_up_by(stranger)
    rig.lines["line1"].press(caller, "4")
    rig.lines["line1"].hang_up_by(caller)
    rig.loop.drain()
    assert rig.kinds()[1:] == [ev.DigitPressed("line1", "4"), ev.LineHungUp("line1")]
