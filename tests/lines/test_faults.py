"""Every fault switch of the simulated modules, while idle and in a call: the line is back in
service within 10 s, a live call ends with exactly one event the engine turns into its record,
the module is left with no call, and a neighbouring line takes a call all the while."""
from __future__ import annotations

import threading
import time

import pytest

from appliance import commands as c
from appliance.events import (DialFailed, LineFailed, LineHealthReported, LineHungUp,
                              LineReady, LineRinging)
from appliance.lines.dialects import DIALECTS
from hwsim.modems.model import ModemModel
from tests.lines.rigs import CALLER, Rig, wait_until
from tests.long_mode import rotated

BACK_WITHIN_S = 10.0


def later(seconds, fn):
    timer = threading.Timer(seconds, fn)
    timer.daemon = True
    timer.start()


FAULTS = {
    "garble": lambda m: m.garble(3),
    "stall": lambda m: m.stall(2),
    "cme": lambda m: m.cme(100, 3),
    "bad_key": lambda m: m.bad_key(),
    "drop": lambda m: m.drop(),
    "restart": lambda m: m.restart(),
    "vanish": lambda m: (m.vanish(), later(1.0, m.plug_in)),
    "registration": lambda m: (m.lose_registration(), later(1.0, m.register)),
}
# A fault that reaches the module only when the driver sends something: poke it with a key
# press (the caller's) or let the health poll do it; the call's end is what the test awaits.
ENDS_THE_CALL = {"drop", "restart", "vanish", "registration"}


@pytest.fixture(scope="module")
def neighbour(tmp_path_factory):
    """Another line on another module, taking calls while its neighbour suffers."""
    rig = Rig(tmp_path_factory.mktemp("neighbour") / "modem", "sim800", line_id="other",
              health_every_s=0.5).ready()
    yield rig
    rig.close()


def neighbour_takes_a_call(rig: Rig) -> None:
    rig.in_call()
    rig.modem.hang_up()
    rig.wait(lambda: rig.line.state == "idle", what="neighbour idle again")


@pytest.mark.parametrize("dialect, fault, when",
                         rotated(sorted(DIALECTS), sorted(FAULTS), ["idle", "in_call"]))
def test_a_fault_leaves_the_line_in_service_and_no_call_behind(dialect, fault, when, tmp_path,
                                                               neighbour):
    """Every fault, idle and in a call, on the dialects in turn (all of them: the long mode)."""
    rig = Rig(tmp_path / "modem", dialect, health_every_s=0.5)
    try:
        rig.ready()
        if when == "in_call":
            rig.in_call()
        before = len(rig.events)
        FAULTS[fault](rig.modem)
        if when == "in_call" and fault not in ENDS_THE_CALL:
            rig.modem.press("5")                 # the caller goes on; the module is poked
            rig.line.execute(c.Hangup("gsm1"))   # the engine ends the call
        neighbour_takes_a_call(neighbour)
        took = wait_until(lambda: rig.line.state == "idle" and rig.modem.state == "idle",
                          "the line back in service and the module's call gone", BACK_WITHIN_S,
                          rig.events)
        assert took < BACK_WITHIN_S
        after = rig.events[before:]
        ends = [e for e in after if isinstance(e, (LineHungUp, LineFailed))]
        if when == "in_call" and fault in ENDS_THE_CALL:
            assert len(ends) == 1, after          # one end of the call, never two
        if any(isinstance(e, LineFailed) for e in after):
            assert LineReady("gsm1") in after     # a failure is always followed by service
        rig.modem.incoming_call(CALLER)          # and the line really takes calls again
        rig.wait(lambda: rig.count(LineRinging) >= (2 if when == "in_call" else 1),
                 what="a new call rings")
    finally:
        rig.close()


@pytest.mark.parametrize("dialect", rotated(sorted(DIALECTS), turn=0))
def test_a_malformed_key_report_is_skipped_and_the_reader_lives_on(dialect, tmp_path, caplog):
    rig = Rig(tmp_path / "modem", dialect).in_call()
    try:
        rig.modem.bad_key()
        rig.modem.press("7")
        rig.wait(lambda: any(getattr(e, "key", None) == "7" for e in rig.events), what="key 7")
        assert rig.line.channel._thread.is_alive()
        assert rig.count(LineFailed) == 0
    finally:
        rig.close()


@pytest.mark.parametrize("dialect", rotated(sorted(DIALECTS), turn=1))
def test_a_hang_up_the_module_ignores_is_repeated_until_the_call_is_gone(dialect, tmp_path):
    rig = Rig(tmp_path / "modem", dialect).in_call()
    try:
        rig.modem.keep_call(2)
        rig.line.execute(c.Hangup("gsm1"))
        rig.wait(lambda: rig.modem.state == "idle", what="the call gone")
        assert rig.modem.received.count(rig.line.dialect.hangup) == 3
        assert rig.line.dialect.reset not in rig.modem.received
    finally:
        rig.close()


@pytest.mark.parametrize("dialect", rotated(sorted(DIALECTS), turn=2))
def test_a_hang_up_refused_every_time_restarts_the_module(dialect, tmp_path):
    rig = Rig(tmp_path / "modem", dialect).in_call()
    try:
        rig.modem.cme(100, 3, only=rig.line.dialect.hangup)
        rig.line.execute(c.Hangup("gsm1"))
        rig.wait(lambda: rig.line.dialect.reset in rig.modem.received, what="a module restart")
        rig.wait(lambda: rig.modem.state == "idle" and rig.line.state == "idle",
                 timeout=BACK_WITHIN_S, what="back in service")
    finally:
        rig.close()


@pytest.mark.parametrize("dialect", rotated(sorted(DIALECTS), turn=3))
def test_after_a_crash_mid_call_the_next_start_hangs_up_what_the_module_still_carries(
        dialect, tmp_path):
    rig = Rig(tmp_path / "modem", dialect).in_call()
    rig.line.close()                              # the daemon died; the module kept the call
    assert rig.modem.state == "active"
    again = Rig(None, dialect, modem=rig.modem)
    try:
        again.ready()
        assert rig.modem.state == "idle"
        assert again.line.dialect.hangup in rig.modem.received
    finally:
        again.close()


def test_registration_shows_in_health_and_lost_registration_ends_a_call(tmp_path):
    rig = Rig(tmp_path / "modem", "sim7600", health_every_s=0.3).in_call()
    try:
        rig.wait(lambda: any(e.health.get("registration") == "home"
                             for e in rig.of(LineHealthReported)), what="health: home")
        health = rig.of(LineHealthReported)[-1].health
        assert health["network"] == "SimNet" and health["signal_dbm"] == -73 and health["bars"] == 5
        rig.modem.lose_registration()
        rig.wait(lambda: rig.count(LineFailed) == 1, what="the call ended as failed")
        assert "registration was lost" in rig.of(LineFailed)[0].reason
        rig.wait(lambda: rig.of(LineHealthReported)[-1].health["registration"] == "searching",
                 what="health: searching")
        rig.modem.register()
        rig.wait(lambda: rig.of(LineHealthReported)[-1].health["registration"] == "home",
                 what="health: home again")
    finally:
        rig.close()


def test_a_dial_back_to_a_number_that_is_not_digits_is_never_sent(tmp_path):
    rig = Rig(tmp_path / "modem", "sim800").ready()
    try:
        rig.line.execute(c.Dial("gsm1", "12345;+CFUN=0"))
        rig.wait_event(DialFailed("gsm1", "failed"))
        time.sleep(0.2)
        assert not any(text.startswith("ATD") for text in rig.modem.received)
    finally:
        rig.close()


@pytest.mark.parametrize("dialect", rotated(sorted(DIALECTS), turn=4))
def test_a_caller_id_that_is_not_a_number_rings_as_withheld(dialect, tmp_path):
    rig = Rig(tmp_path / "modem", dialect).ready()
    try:
        rig.modem.incoming_call("12345;+CFUN=0")
        rig.wait_event(LineRinging("gsm1", None))
    finally:
        rig.close()


@pytest.mark.parametrize("dialect", rotated(sorted(DIALECTS), turn=5))
def test_a_call_ringing_in_while_the_line_starts_is_a_caller_not_a_leftover(dialect, tmp_path):
    modem = ModemModel(DIALECTS[dialect], path=tmp_path / "modem", ring_every_s=0.5).start()
    modem.incoming_call(CALLER)                   # rings before the line has even opened its port
    rig = Rig(None, dialect, modem=modem)
    try:
        rig.ready()
        rig.wait(lambda: rig.count(LineRinging) >= 1, what="the caller's ring, once in service")
        assert modem.state != "idle" and rig.line.dialect.hangup not in modem.received
        rig.line.execute(c.AnswerLine(rig.id))
        rig.wait(lambda: modem.state == "active", what="the caller answered")
    finally:
        rig.close()
