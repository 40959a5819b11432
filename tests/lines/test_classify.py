"""classify(): final result codes, URCs (also in the middle of a reply), reply data, noise."""
from __future__ import annotations

import pytest

from appliance.lines.calllist import CallInfo
from appliance.lines.at import Partial, Response, Urc, classify
from appliance.lines.dialects import EC25, SIM800, SIM7600


@pytest.mark.parametrize("line", ["OK", "ERROR", "+CME ERROR: 11", "+CME ERROR: SIM busy",
                                  "+CME ERROR: ", "+CMS ERROR: 304", "CONNECT", "CONNECT 9600",
                                  "COMMAND NOT SUPPORT", "MODEM ERROR: 3"])
def test_final_result_codes_end_a_pending_command(line):
    assert classify(line, "AT+CPIN?", SIM800.urcs) == Response(line)


@pytest.mark.parametrize("line", ["NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE"])
def test_call_outcomes_end_ata_and_atd(line):
    assert classify(line, "ATA", SIM800.urcs) == Response(line)
    assert classify(line, "ATD+15551234;", SIM800.urcs) == Response(line)


@pytest.mark.parametrize("line, kind", [("NO CARRIER", "hangup"), ("BUSY", "busy"),
                                        ("NO ANSWER", "no_answer"), ("NO DIALTONE", "failed")])
def test_call_outcomes_are_urcs_while_another_command_or_none_is_pending(line, kind):
    assert classify(line, "AT+CSQ", SIM800.urcs).kind == kind
    assert classify(line, None, SIM800.urcs).kind == kind


@pytest.mark.parametrize("dialect, line, kind, value", [
    (SIM800, "RING", "ring", None),
    (SIM800, '+CLIP: "+447700900123",145,"",0,"",0', "caller", "+447700900123"),
    (SIM800, '+CLIP: "",128,,,,1', "caller", None),
    (SIM800, "+DTMF:1,160", "key", "1"),
    (SIM800, "+DTMF: #", "key", "#"),
    (SIM800, "Call Ready", "reset", None),
    (SIM800, "SMS READY", "reset", None),
    (SIM800, "+CPIN: NOT READY", "sim_gone", None),
    (SIM800, '+CLCC: 1,0,0,0,0,"+15551234",129,""', "call_list",
     CallInfo(1, True, 0, True, "+15551234")),
    (SIM800, '+CLCC: 1,0,3,0,0,"+15551234",129,""', "call_list",
     CallInfo(1, True, 3, True, "+15551234")),
    (SIM7600, "+CRING: VOICE", "ring", None),
    (SIM7600, "+RXDTMF: 8", "key", "8"),
    (SIM7600, "VOICE CALL: BEGIN", "answered", None),
    (SIM7600, "VOICE CALL: END: 000041", "hangup", None),
    (SIM7600, "VOICE CALL: END", "hangup", None),
    (SIM7600, "MISSED_CALL: 11:01AM 07712345678", "info", None),
    (EC25, "+QTONEDET: 49", "key", "1"),
    (EC25, "+QTONEDET: 35", "key", "#"),
    (EC25, "+QTONEDET: 42", "key", "*"),
    (EC25, "+QIND: PB DONE", "reset", None),
    (EC25, '+CLCC: 1,0,0,1,0,"",128', "call_list",          # an LTE data bearer, not a call
     CallInfo(1, True, 0, False, None)),
    (EC25, '+QIND: "ccinfo",1,1,-1,0,0,"0161",129', "call_list",
     CallInfo(1, False, -1, True, "0161")),
    (EC25, "+QTONEDET: 1114112", "garbled", None),          # a code point of no key
    (SIM800, "+CREG: 2", "registration", "searching"),
    (SIM800, '+CREG: 1,"1813","23c3"', "registration", "home"),
])
def test_urcs_are_recognised_even_in_the_middle_of_a_reply(dialect, line, kind, value):
    for pending in (None, "AT+CSQ"):
        assert classify(line, pending, dialect.urcs) == Urc(kind, value, line)


@pytest.mark.parametrize("line, pending", [("+CLCC: 1,0,0,0,0,\"+1555\",129", "AT+CLCC"),
                                           ("+CPIN: NOT READY", "AT+CPIN?"),
                                           ("+QTONEDET: 1", "AT+QTONEDET?"),
                                           ("+CSQ: 16,99", "AT+CSQ"),
                                           ("SIMCOM_SIM800C", "AT+CGMM")])
def test_a_line_with_the_pending_commands_prefix_is_reply_data(line, pending):
    assert classify(line, pending, EC25.urcs + SIM800.urcs) == Partial(line)


@pytest.mark.parametrize("line", ["OK", "+CME ERROR: 3", "#@!garbage", "+CSQ: 16,99"])
def test_with_nothing_pending_unmatched_lines_are_unknown_urcs(line):
    assert classify(line, None, SIM800.urcs).kind == "unknown"


@pytest.mark.parametrize("line", ["OKAY", "XOK", "RINGING", "+CME ERROR:5", "NO CARRIER 2"])
def test_terminators_and_urcs_are_anchored(line):
    assert classify(line, "AT+CSQ", SIM800.urcs) == Partial(line)
