"""One contract for "a line", run against all four kinds of line through real ptys: the three
GSM modules and the analog voice modem. What the engine may rely on, whatever is behind a line:
an inbound call rings once with its caller ID, keys arrive one per press, hang-ups go both ways,
dial-backs end answered, busy or unanswered, a text message is sent (or refused at once on an
analog line), and a malicious caller ID never reaches the engine."""
from __future__ import annotations

import time

import pytest
import serial

from appliance import commands as c
from appliance.audio.prompts import PromptLibrary
from appliance.events import (CallAnswered, DialFailed, DigitPressed, LineHungUp, LineReady,
                              LineRinging, SmsSent)
from appliance.lines.voicemodem import VoiceModemLine
from hwsim.modems.v253 import VoiceModemModel
from tests.lines.rigs import Rig, wait_until
from tests.long_mode import long

KINDS = ["sim800", "sim7600", "ec25", "v253"]


class AnalogRig:
    """The V.253 modem model and the VoiceModemLine on it, with Rig's few methods."""

    CALLEES = {"5550001": "answer", "5550002": "busy", "5550003": "no_answer"}

    def __init__(self, folder):
        self.modem = VoiceModemModel(path=folder / "modem", ring_every_s=0.4,
                                     ringback_every_s=0.5, callees=self.CALLEES).start()
        self.id, self.events = "gsm1", []
        self.line = VoiceModemLine(
            "gsm1", lambda: serial.Serial(str(self.modem.path), 115200, timeout=0.05),
            library=PromptLibrary(data_dir=folder), data_dir=folder,
            port_path=str(self.modem.path), timeout_s=1.0, backoff_s=(0.2,), silence_s=1.0,
            ring_gone_s=1.5, answer_timeout_s=2.5, ringback_period_s=0.5)
        self.line.start(self.events.append)

    def wait(self, predicate, timeout=8.0, what="event"):
        return wait_until(predicate, what, timeout, self.events)

    def close(self):
        self.line.close()
        self.modem.stop()


def make(kind, folder):
    if kind == "v253":
        return AnalogRig(folder)
    return Rig(folder / "modem", kind)


NUMBERS = {"answer": {"v253": "5550001"}, "busy": {"v253": "5550002"},
           "no_answer": {"v253": "5550003"}}
GSM_NUMBERS = {"answer": "+15550001", "busy": "+15550002", "no_answer": "+15550003"}
CALLER = {"v253": "5551234567"}


def number(kind, outcome):
    return NUMBERS[outcome].get(kind, GSM_NUMBERS[outcome])


@pytest.fixture(params=KINDS)
def line(request, tmp_path):
    rig = make(request.param, tmp_path)
    rig.kind = request.param
    rig.wait(lambda: LineReady("gsm1") in rig.events, what="LineReady")
    yield rig
    rig.close()


def answer(rig, caller):
    rig.modem.incoming_call(caller)
    rig.wait(lambda: LineRinging("gsm1", caller) in rig.events, what="LineRinging")
    rig.line.execute(c.AnswerLine("gsm1"))
    rig.wait(lambda: rig.line.state == "connected", what="connected")


def far_end_hangs_up(rig):
    rig.modem.hang_up()                          # GSM: NO CARRIER; analog: loop current break


def test_inbound_call_keys_and_far_end_hang_up(line):
    caller = CALLER.get(line.kind, "+447700900123")
    answer(line, caller)
    time.sleep(1.0)                              # more rings would have come by now
    assert sum(isinstance(e, LineRinging) for e in line.events) == 1
    line.modem.press("1#")
    line.wait(lambda: [e.key for e in line.events if isinstance(e, DigitPressed)] == ["1", "#"],
              what="two keys, one each")
    far_end_hangs_up(line)
    line.wait(lambda: LineHungUp("gsm1") in line.events, what="LineHungUp")


def test_our_hang_up_frees_the_line_without_a_hang_up_event(line):
    answer(line, CALLER.get(line.kind, "+447700900123"))
    line.line.execute(c.Hangup("gsm1"))
    line.wait(lambda: line.line.state == "idle" and line.modem.state == "idle",
              what="line and module idle")
    assert LineHungUp("gsm1") not in line.events


OUTCOMES = [("answer", CallAnswered("gsm1")), ("busy", DialFailed("gsm1", "busy")),
            ("no_answer", DialFailed("gsm1", "no_answer"))]


GSM = ["sim800", "sim7600", "ec25"]


@pytest.mark.parametrize("line, outcome, event",
                         [("v253", *row) for row in OUTCOMES]
                         + [(kind, *row) if kind == GSM[n % 3] else long(kind, *row)
                            for n, row in enumerate(OUTCOMES) for kind in GSM],
                         indirect=["line"])
def test_dial_back_outcomes(line, outcome, event):
    """Every outcome on the analog line and on a GSM dialect in turn (each: the long mode)."""
    if line.kind != "v253":
        line.modem.no_answer_after_s = 60.0
        line.line.answer_timeout_s = 2.5
    line.line.execute(c.Dial("gsm1", number(line.kind, outcome)))
    line.wait(lambda: event in line.events, timeout=10.0, what=repr(event))


def test_a_malicious_caller_id_rings_as_withheld(line):
    line.modem.incoming_call("12345;+CFUN=0")
    line.wait(lambda: LineRinging("gsm1", None) in line.events, what="withheld ring")


def test_a_text_message_is_sent_or_refused_at_once_on_an_analog_line(line):
    line.line.execute(c.SendSms("gsm1", "+447700900123", "Hello", "call-1"))
    line.wait(lambda: any(isinstance(e, SmsSent) for e in line.events), what="SmsSent")
    sent = next(e for e in line.events if isinstance(e, SmsSent))
    assert sent.ok == (line.kind != "v253")
