"""The simulated modem prints what the driver's URC tables expect: one dialect, two users."""
from __future__ import annotations

import pytest

from appliance.lines.at import classify
from appliance.lines.dialects import DIALECTS

DIALECT = sorted(DIALECTS)


def kind(dialect, line: str) -> str:
    return classify(line, None, dialect.urcs).kind


@pytest.mark.parametrize("name", DIALECT)
def test_every_line_the_model_prints_is_recognised(name):
    dialect = DIALECTS[name]
    wire = dialect.wire
    assert kind(dialect, wire.clip.format(number="+15551234", type=145)) == "caller"
    assert {kind(dialect, wire.key.format(key=dialect.key_text(k))) for k in "0123456789*#ABCD"} \
        == {"key"}
    assert {kind(dialect, line.format(number="+1555")) for line in wire.answered_out} <= {"answered"}
    report = {"clcc": '+CLCC: 1,0,0,0,0,"+1555",129,""',
              "ccinfo": '+QIND: "ccinfo",1,0,0,0,0,"+1555",129'}.get(wire.call_reports)
    if report is not None:
        assert classify(report, None, dialect.urcs).value.answered
    assert wire.answered_out or report, "no way to tell that a dialled number answered"
    assert {kind(dialect, line) for line in wire.ended + wire.after_hangup} == {"hangup"}
    assert "reset" in {kind(dialect, line) for line in wire.boot}


@pytest.mark.parametrize("name", DIALECT)
def test_key_values_decode_back_to_the_key(name):
    dialect = DIALECTS[name]
    for key in "0123456789*#ABCD":
        line = dialect.wire.key.format(key=dialect.key_text(key))
        assert classify(line, None, dialect.urcs).value == key


@pytest.mark.parametrize("name", DIALECT)
def test_init_turns_echo_off_first_and_enables_caller_id_and_dtmf(name):
    init = [step.command for step in DIALECTS[name].steps]
    assert init[0] == "ATE0"
    assert "AT+CLIP=1" in init and "AT+CMEE=1" in init
    assert {"sim800": "AT+DDET=1", "sim7600": "AT+DDET=1", "ec25": "AT+QTONEDET=1"}[name] in init
