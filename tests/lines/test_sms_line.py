"""Text messages from a GSM line, through the simulated module's text mode: sent only while the
line is idle, plain ASCII as GSM text, Russian as UCS2, a refusal reported and calls untouched."""
from __future__ import annotations

import pytest

from appliance import commands as c
from appliance.events import LineFailed, LineHungUp, SmsSent
from appliance.lines.dialects import DIALECTS
from tests.lines.rigs import Rig

ENGLISH = "We will call you back on +447700900123 at about 14:20."
RUSSIAN = "Мы перезвоним вам на номер +79161234567 примерно в 14:20."


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("number, text", [("+447700900123", ENGLISH),
                                          ("+79161234567", RUSSIAN)])
def test_a_text_reaches_the_module_whole(dialect, number, text, tmp_path):
    rig = Rig(tmp_path / "modem", dialect).ready()
    try:
        rig.line.execute(c.SendSms("gsm1", number, text, "call-1"))
        rig.wait(lambda: rig.count(SmsSent) == 1, what="SmsSent")
        assert rig.of(SmsSent)[0].ok, rig.of(SmsSent)[0]
        assert rig.modem.texts == [(number, text)]
    finally:
        rig.close()


def test_a_text_waits_for_the_call_on_the_line_to_end(tmp_path):
    rig = Rig(tmp_path / "modem", "sim800").in_call()
    try:
        rig.line.execute(c.SendSms("gsm1", "+447700900123", ENGLISH, "call-1"))
        rig.modem.press("1")
        rig.wait(lambda: any(getattr(e, "key", None) == "1" for e in rig.events), what="key")
        assert rig.count(SmsSent) == 0 and not any(t.startswith("AT+CMGS") for t in rig.modem.received)
        rig.modem.hang_up()
        rig.wait_event(LineHungUp("gsm1"))
        rig.wait(lambda: rig.count(SmsSent) == 1, what="SmsSent after the call")
        assert rig.modem.texts == [("+447700900123", ENGLISH)]
    finally:
        rig.close()


def test_a_refused_text_is_reported_and_the_line_stays_in_service(tmp_path):
    rig = Rig(tmp_path / "modem", "ec25").ready()
    try:
        rig.modem.cme(500, 1, only="AT+CMGF")
        rig.line.execute(c.SendSms("gsm1", "+447700900123", ENGLISH, "call-1"))
        rig.wait(lambda: rig.count(SmsSent) == 1, what="SmsSent")
        sent = rig.of(SmsSent)[0]
        assert not sent.ok and "CME ERROR 500" in sent.detail
        assert rig.count(LineFailed) == 0 and rig.line.state == "idle"
        rig.in_call()                             # calls go on
    finally:
        rig.close()
