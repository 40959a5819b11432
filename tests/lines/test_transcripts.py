"""Recorded sessions (hw-sim/hwsim/transcripts/*.at, from the line-interfaces reference) replayed
against the real AT channel: each command gets the outcome the module gave, every URC is seen."""
from __future__ import annotations

import pytest

from appliance.lines.calllist import CallInfo
from hwsim.transcripts import names
from tests.lines.replay import replay

OK, TIMEOUT = "OK", "AtTimeout"
EXPECTED = {
    "sim800-s1-dtmf-outgoing": ([OK, OK], [("key", "1"), ("key", "2"), ("key", "3")]),
    "sim800-s1b-dtmf-incoming": ([OK], [("ring", None)] + [("key", k) for k in "1234"]),
    # the reply's final code never came: the boot URCs are dispatched, the command times out
    "sim800-s2-boot-during-command": ([TIMEOUT], [("reset", None), ("reset", None)]),
    "sim800-s2b-boot-burst": ([], [("reset", None), ("info", None), ("info", None),
                                   ("registration", "searching"), ("registration", "home"),
                                   ("reset", None), ("reset", None)]),
    "sim800-s3-incoming-answered": ([OK, OK, OK], [
        ("ring", None), ("caller", "+447700900123"), ("ring", None), ("caller", "+447700900123"),
        ("key", "2"), ("key", "#"), ("hangup", None)]),
    "sim800-s4-outgoing-busy": (["CommandRejected(BUSY)"], []),
    "sim7600-a1-outgoing-remote-hangup": ([OK, OK, OK], [
        ("answered", None), ("key", "1"), ("hangup", None), ("hangup", None), ("info", None)]),
    "sim7600-a2-outgoing-local-hangup": ([OK, OK], [("answered", None), ("hangup", None),
                                                   ("hangup", None)]),
    "sim7600-a3-wire-urcs": ([], [("answered", None), ("hangup", None), ("info", None),
                                  ("ring", None), ("key", "*"),
                                  ("call_list", CallInfo(1, False, 0, True, "123456789")),
                                  ("call_list", CallInfo(1, False, 0, True, None)),
                                  ("call_list", CallInfo(2, False, 0, True, "123456789")),
                                  ("call_list", CallInfo(3, False, 0, True, "987654321"))]),
    "sim7600-a4-incoming-usb-audio": ([OK, OK, OK], [
        ("ring", None), ("caller", "+27839776374"), ("answered", None), ("key", "3"),
        ("call_list", CallInfo(1, False, 6, True, "+27839776374")), ("hangup", None),
        ("hangup", None)]),
    "ec25-q1-boot-echo": ([TIMEOUT, TIMEOUT, OK], [("reset", None)] + [("info", None)] * 3
                          + [("reset", None)] * 2),
    # the PS bearer's +CLCC line (mode 1) is AT+CLCC's reply data, not a call answering
    "ec25-q2-incoming-with-ps-bearer": ([OK, OK], [("ring", None)]),
    # the manual's excerpt shows no OK after the two +QDAI replies
    "ec25-q3-outgoing-remote-hangup": ([TIMEOUT, TIMEOUT, OK, OK], [("hangup", None)]),
    "ec25-q4-sim-pin": ([OK, "CmeError(13)", OK, OK], [("info", None)] * 2
                        + [("reset", None)] * 2),
    "ec25-q5-ivr-call": ([OK] * 7, [("reset", None), ("ring", None), ("caller", "+4915112345678"),
                                    ("key", "1"), ("key", "#"), ("hangup", None)]),
}


def test_every_stored_session_has_expectations():
    assert sorted(EXPECTED) == names()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_session_replays_with_the_recorded_outcomes_and_urcs(name):
    outcomes, urcs, port = replay(name)
    assert [outcome for _, outcome in outcomes] == EXPECTED[name][0]
    assert urcs == EXPECTED[name][1]
    assert port.mismatches == []
