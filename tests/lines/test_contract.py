"""The Line contract for GsmLine, against every simulated dialect, through real ptys and pyserial."""
from __future__ import annotations

import time

import pytest

from appliance import commands as c
from appliance.errors import DriverError
from appliance.events import (CallAnswered, DialFailed, DigitPressed, LineFailed, LineHungUp,
                              LineReady, LineRinging, PromptDone)
from appliance.lines.dialects import DIALECTS
from tests.lines.rigs import CALLER, Rig



@pytest.fixture(params=sorted(DIALECTS))
def rig(request, tmp_path):
    made = []

    def make(**options):
        made.append(Rig(tmp_path / "modem", request.param, **options))
        return made[-1]
    yield make
    for one in made:
        one.close()


def test_start_initialises_the_module_and_posts_line_ready(rig):
    r = rig().ready()
    assert r.modem.received[:3] == ["AT", "ATE0", r.line.dialect.identify]
    assert {step.command for step in r.line.dialect.steps} <= set(r.modem.received)
    assert r.modem.echo is False


def test_an_incoming_call_rings_with_caller_id(rig):
    r = rig().ready()
    r.modem.incoming_call(CALLER)
    r.wait_event(LineRinging("gsm1", CALLER))
    time.sleep(1.2)                                     # more RINGs: still one LineRinging
    assert r.count(LineRinging) == 1


def test_a_withheld_number_rings_with_no_caller(rig):
    r = rig().ready()
    r.modem.incoming_call(None)
    r.wait_event(LineRinging("gsm1", None))


def test_answer_keys_and_far_end_hang_up(rig):
    r = rig().in_call()
    assert r.line.dialect.answer in r.modem.received
    r.modem.press("12#*")
    r.wait(lambda: r.count(DigitPressed) == 4, what="four keys")
    assert [e.key for e in r.events if isinstance(e, DigitPressed)] == list("12#*")
    r.modem.hang_up()
    r.wait_event(LineHungUp("gsm1"))


def test_our_hangup_sends_the_dialects_command_and_posts_nothing(rig):
    r = rig().in_call()
    r.line.execute(c.Hangup("gsm1"))
    r.wait(lambda: r.line.dialect.hangup in r.modem.received, what="hang-up command")
    time.sleep(0.3)                                     # SIM7600 still reports the call's end
    assert r.count(LineHungUp) == 0 and r.modem.state == "idle"


def test_a_caller_who_gives_up_while_ringing_is_a_hang_up(rig):
    r = rig().ready()
    r.modem.incoming_call(CALLER)
    r.wait_event(LineRinging("gsm1", CALLER))
    r.modem.hang_up()
    r.wait_event(LineHungUp("gsm1"))


@pytest.mark.parametrize("number, event", [
    ("+15550001", CallAnswered("gsm1")),
    ("+15550002", DialFailed("gsm1", "busy")),
    ("+15550003", DialFailed("gsm1", "no_answer")),
    ("+15550004", DialFailed("gsm1", "failed")),
])
def test_dial_outcomes(rig, number, event):
    r = rig().ready()
    r.line.execute(c.Dial("gsm1", number))
    r.wait_event(event)
    assert f"ATD{number};" in r.modem.received


def test_a_callee_who_never_answers_times_out_and_is_hung_up(rig):
    r = rig(answer_timeout_s=0.4).ready()
    r.modem.no_answer_after_s = 30.0
    r.line.execute(c.Dial("gsm1", "+15550003"))
    r.wait_event(DialFailed("gsm1", "no_answer"))
    dialled = r.modem.received.index("ATD+15550003;")
    r.wait(lambda: r.line.dialect.hangup in r.modem.received[dialled:], what="hang-up after timeout")
    r.wait(lambda: r.modem.state == "idle", what="the module's call gone")


def test_a_prompt_on_a_control_only_line_ends_after_its_length(rig):
    r = rig().in_call()
    r.line.execute(c.Play("gsm1", 7, (("prompt", "greeting"),)))
    r.wait_event(PromptDone("gsm1", 7))
    r.line.execute(c.Play("gsm1", 8, (("prompt", "greeting"),)))
    r.line.execute(c.StopPlayback("gsm1"))
    time.sleep(0.4)
    assert PromptDone("gsm1", 8) not in r.events


# -- first boot --------------------------------------------------------------------------------

def test_the_sim_pin_from_settings_unlocks_the_sim(rig):
    r = rig(model_pin="1234", line_pin="1234").ready()
    assert "AT+CPIN=1234" in r.modem.received


def test_a_sim_pin_without_a_pin_setting_fails_the_line_saying_what_to_set(rig):
    r = rig(model_pin="1234")
    r.wait(lambda: r.count(LineFailed) == 1, what="LineFailed")
    assert "set lines[].pin" in r.events[0].reason
    time.sleep(0.6)                                     # retries with back-off, reports once
    assert r.count(LineFailed) == 1 and r.count(LineReady) == 0


def test_a_wrong_pin_says_so(rig):
    r = rig(model_pin="1234", line_pin="9999")
    r.wait(lambda: r.count(LineFailed) == 1, what="LineFailed")
    assert "is not this SIM card's PIN" in r.events[0].reason


def test_the_wrong_module_is_named_with_the_expected_and_found_model(rig, request):
    other = {"sim800": "ec25", "sim7600": "sim800", "ec25": "sim7600"}[request.node.callspec.params["rig"]]
    r = rig(line_dialect=other)
    r.wait(lambda: r.count(LineFailed) == 1, what="LineFailed")
    reason = r.events[0].reason
    assert DIALECTS[other].title in reason and r.modem.wire.identity in reason


# -- fault switches ----------------------------------------------------------------------------

def test_a_garbled_reply_is_logged_and_survived(rig, caplog):
    r = rig().ready()
    r.modem.garble()
    r.modem.incoming_call(CALLER)
    r.wait_event(LineRinging("gsm1", CALLER))
    r.line.execute(c.AnswerLine("gsm1"))
    r.wait(lambda: r.line.state == "connected", what="answered call")
    assert "garbled line skipped" in caplog.text and r.count(LineFailed) == 0


def test_a_stalled_command_fails_the_line_once_then_it_resyncs(rig):
    r = rig().ready()
    r.modem.incoming_call(CALLER)
    r.wait_event(LineRinging("gsm1", CALLER))
    r.modem.stall()
    r.line.execute(c.AnswerLine("gsm1"))
    r.wait(lambda: r.count(LineReady) >= 2, what="LineReady after the resync")
    assert r.count(LineFailed) == 1
    assert "got no final result within 1 s" in next(e for e in r.events if isinstance(e, LineFailed)).reason


def test_sim_busy_errors_are_retried_until_the_command_succeeds(rig):
    r = rig().ready()
    r.modem.incoming_call(CALLER)
    r.wait_event(LineRinging("gsm1", CALLER))
    r.modem.cme(14, times=2)
    r.line.execute(c.AnswerLine("gsm1"))
    r.wait(lambda: r.modem.state == "active" and r.line.state == "connected", what="answered call")
    assert r.count(LineFailed) == 0


def test_a_cme_error_fails_the_line_with_its_meaning_then_it_is_back(rig):
    r = rig().ready()
    r.modem.incoming_call(CALLER)
    r.wait_event(LineRinging("gsm1", CALLER))
    r.modem.cme(30, times=3)
    r.line.execute(c.AnswerLine("gsm1"))
    r.wait(lambda: r.count(LineReady) >= 2, what="LineReady")
    failed = [e for e in r.events if isinstance(e, LineFailed)]
    assert len(failed) == 1 and "no network service" in failed[0].reason


def test_a_dropped_call_is_a_hang_up(rig):
    r = rig().in_call()
    r.modem.drop()
    r.wait_event(LineHungUp("gsm1"))


def test_a_vanished_modem_fails_the_line_once_and_is_ready_after_plug_in(rig):
    r = rig().in_call()
    r.modem.vanish()
    r.wait(lambda: r.count(LineFailed) == 1, what="LineFailed")
    assert "vanished" in r.events[-1].reason
    with pytest.raises(DriverError):
        r.line.execute(c.AnswerLine("gsm1"))
    time.sleep(0.8)                                     # reopen attempts fail quietly
    assert r.count(LineFailed) == 1
    r.modem.plug_in()
    r.wait(lambda: r.count(LineReady) >= 2, what="LineReady after plug-in")
    r.modem.incoming_call(CALLER)
    r.wait(lambda: r.count(LineRinging) == 2, what="a call after plug-in")


def test_a_module_reset_mid_call_fails_the_call_and_reinitialises(rig):
    r = rig().in_call()
    sent = len(r.modem.received)
    r.modem.echo = True
    r.modem.urc(*r.modem.wire.boot)
    r.wait(lambda: r.count(LineReady) >= 2, what="LineReady after the reset")
    assert r.count(LineFailed) == 1
    assert {step.command for step in r.line.dialect.steps} <= set(r.modem.received[sent:])
