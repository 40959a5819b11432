"""Firmware that refuses documented commands, and the audio ports' known failures: the line
comes into service on its fallback plan, says which plan once, and carries calls."""
from __future__ import annotations

import logging

import pytest

from appliance import commands as c
from appliance.events import (CallAnswered, DigitPressed, LineFailed, LineHungUp, LineReady,
                              LineRinging)
from tests.lines.rigs import CALLER, Rig

VARIANTS = [
    # (module, refused command, the plan's words for the fallback)
    ("ec25", 'AT+QINDCFG="ccinfo",1,0', "call state by AT+CLCC every 500 ms"),
    ("ec25", 'AT+QURCCFG="urcport","usbat"', "reports on the module's default port"),
    ("ec25", "AT+QTONEDET=1", "keys by none"),
    ("sim7600", "AT+DDET=1", "keys by none"),
    ("sim800", "AT+CLCC=1", "call state by AT+CLCC every 500 ms"),
    ("sim800", "AT+CREG=1", "registration polled"),
]


@pytest.mark.parametrize("dialect, refused, plan", VARIANTS)
def test_a_refused_optional_command_takes_its_fallback_and_the_line_works(
        dialect, refused, plan, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="appliance.lines")
    rig = Rig(tmp_path / "modem", dialect, model={"refuse": {refused}}).ready()
    try:
        assert plan in rig.line.health["plan"]
        assert [r.message for r in caplog.records if "gsm1 " + dialect + ":" in r.message] \
            == [rig.line.health["plan"]]          # the plan is logged once
        rig.in_call()
        rig.modem.hang_up()
        rig.wait_event(LineHungUp("gsm1"))
        rig.line.execute(c.Dial("gsm1", "+15550001"))
        rig.wait_event(CallAnswered("gsm1"))
        rig.modem.hang_up()
        rig.wait(lambda: rig.count(LineHungUp) == 2, what="the callee hung up")
    finally:
        rig.close()


def test_a_quectel_without_ccinfo_hears_a_ringing_caller_give_up_by_polling(tmp_path):
    rig = Rig(tmp_path / "modem", "ec25",
              model={"refuse": {'AT+QINDCFG="ccinfo",1,0'}}).ready()
    try:
        rig.modem.incoming_call(CALLER)
        rig.wait_event(LineRinging("gsm1", CALLER))
        with rig.modem._lock:                     # gone without a NO CARRIER (a lost URC)
            rig.modem.state = "idle"
        rig.wait_event(LineHungUp("gsm1"))
        assert rig.modem.received.count("AT+CLCC") >= 1
    finally:
        rig.close()


def audio_rig(tmp_path, name, model=None):
    return Rig(tmp_path / "modem", name, model=model, audio=True)


def test_cpcmreg_waits_for_the_call_and_is_retried_until_the_module_takes_it(tmp_path):
    rig = audio_rig(tmp_path, "sim7600", model={"pcm_refusals": 2})
    try:
        rig.in_call()
        rig.wait(lambda: rig.modem.pcm_on, what="PCM on after two refusals")
        rig.wait(lambda: "AT+CPCMREG?" in rig.modem.received, what="read back")
        assert rig.modem.received.count("AT+CPCMREG=1") == 3
        assert rig.count(LineFailed) == 0
    finally:
        rig.close()


def test_a_half_dead_audio_port_ends_the_call_and_restarts_the_module_when_idle(tmp_path):
    rig = audio_rig(tmp_path, "sim7600")
    try:
        rig.ready()
        rig.modem.half_dead_audio()
        rig.in_call()
        rig.wait(lambda: rig.count(LineFailed) >= 1, timeout=5.0, what="the call failed")
        assert "CPCMREG=1 refused" in rig.of(LineFailed)[0].reason
        rig.wait(lambda: rig.modem.state == "idle", what="the call hung up")
        rig.wait(lambda: "AT+CRESET" in rig.modem.received, what="the module restarted")
        rig.wait(lambda: rig.count(LineReady) >= 3 and rig.line.state == "idle", timeout=10.0,
                 what="back in service after the restart")
        rig.in_call()
        rig.wait(lambda: rig.modem.pcm_on, what="PCM works again after the restart")
    finally:
        rig.close()


def test_an_uplink_the_module_stops_taking_ends_the_call(tmp_path):
    rig = audio_rig(tmp_path, "sim7600")
    try:
        rig.in_call()
        rig.wait(lambda: rig.modem.pcm_on, what="PCM on")
        rig.modem.stop_taking_audio()
        rig.line.execute(c.Play("gsm1", 1, (("music", "hold"),), loop=True))
        rig.wait(lambda: rig.count(LineFailed) >= 1, timeout=15.0, what="the stalled uplink")
        assert "stopped taking audio" in rig.of(LineFailed)[0].reason
        rig.wait(lambda: "AT+CRESET" in rig.modem.received, timeout=5.0,
                 what="the module restarted")
        rig.wait(lambda: rig.line.state == "idle" and rig.modem.taking_audio, timeout=10.0,
                 what="back in service")
        assert rig.modem.received.count("AT+CRESET") == 1    # once: no prompt plays on, no loop
    finally:
        rig.close()


def test_a_quectel_that_refuses_qpcmv_is_told_by_its_plan_and_stays_out_of_service(tmp_path):
    rig = audio_rig(tmp_path, "ec25", model={"refuse": {"AT+QPCMV=?"}})
    try:
        rig.wait(lambda: rig.count(LineFailed) == 1, what="LineFailed")
        assert "AT+QPCMV=?" in rig.of(LineFailed)[0].reason
    finally:
        rig.close()


def test_keys_still_arrive_on_a_sim7600_that_refuses_ddet_when_heard_in_band(tmp_path):
    from appliance.audio.tones import dtmf_sequence
    rig = audio_rig(tmp_path, "sim7600", model={"refuse": {"AT+DDET=1"}})
    try:
        rig.in_call()
        assert "keys by in-band" in rig.line.health["plan"]
        rig.wait(lambda: rig.modem.pcm_on, what="PCM on")
        rig.modem.say(dtmf_sequence("3", on_s=0.1, off_s=0.1).astype("<i2").tobytes())
        rig.wait(lambda: any(isinstance(e, DigitPressed) for e in rig.events), what="key 3")
    finally:
        rig.close()
