"""``test line N`` on an analog line: VoiceModemLine.probe_line against the simulated V.253 modem
(real ptys, pyserial), and the console's verdict on what it found: off hook, dial tone measured
from the audio (and the modem's <DLE>d), on hook; a line with a call is refused, a pulled phone
cord is named."""
from __future__ import annotations

import concurrent.futures

import pytest

from appliance.console.analog_check import check, report
from appliance.line_states import LineState
from appliance.lines.voicemodem import LineProbe
from tests.lines.test_v253_line import LINE, Rig


@pytest.fixture
def rig(tmp_path):
    made = []

    def make(**options):
        made.append(Rig(tmp_path, **options))
        return made[-1]
    yield make
    for one in made:
        one.close()


def probe(r, listen_s=1.5) -> LineProbe:
    found: concurrent.futures.Future = concurrent.futures.Future()
    r.line.probe_line(found.set_result, listen_s=listen_s)
    return found.result(timeout=10)


def idle_row() -> dict:
    return {"id": LINE, "state": "idle", "caller": None}


@pytest.mark.parametrize("flavour", ["usr", "conexant"])
def test_off_hook_dial_tone_on_hook_through_the_real_commands(rig, flavour):
    r = rig(flavour=flavour).ready()
    before = len(r.modem.received)
    found = probe(r)
    assert found.refused is None and found.errors == {}
    assert "d" in found.events                                  # the modem's own report
    sent = r.modem.received[before:]
    assert sent == ["AT+VLS=1", "AT+VRX", "AT+VLS=0"]
    text = report(LINE, found)
    assert text.splitlines() == [
        f"line {LINE} (analog)", "  off hook: ok", "  dial tone: heard (350+440 Hz, -10 dBm0)",
        "  on hook: ok", f"line {LINE}: OK: ready for calls"]
    assert r.modem.state == "idle" and not r.modem.off_hook
    assert r.line.state == LineState.IDLE
    r.modem.incoming_call("5551234567")                        # and the line still takes calls
    r.wait(lambda: r.line.state == LineState.RINGING, what="ringing after the check")


def test_a_european_dial_tone_is_measured_as_it_is(rig):
    r = rig(model={"dial_tone": ((425.0,), -18.0)}).ready()
    assert "dial tone: heard (425 Hz, -18 dBm0)" in report(LINE, probe(r))


def test_a_pulled_phone_cord_is_silence_and_says_what_to_check(rig):
    r = rig().ready()
    r.modem.unplug_line()
    text = report(LINE, probe(r))
    assert "  off hook: ok" in text and "  on hook: ok" in text
    assert "dial tone: none, the line is silent (no sound at all): check the phone cord from " \
           "the modem's LINE socket" in text
    assert text.endswith(f"line {LINE}: FAILED: no dial tone")
    assert not r.modem.off_hook


def test_a_line_with_a_call_is_refused_and_left_alone(rig):
    r = rig().in_call()
    before = len(r.modem.received)
    found = probe(r)
    assert found.refused == "connected" and found.errors == {}
    assert report(LINE, found) == (f"line {LINE}: not tested: it is connected; test it once it "
                                   "is free")
    assert not any(cmd.startswith("AT+VLS") for cmd in r.modem.received[before:])
    assert r.modem.state == "talking"
    busy = check({**idle_row(), "state": "talking"}, r.line)  # the console asks the snapshot first
    assert busy == (f"line {LINE}: not tested: it is busy with a call (Talking); test it once "
                    "it is free")


def test_a_modem_that_refuses_to_go_off_hook_is_named(rig):
    r = rig().ready()
    r.modem.fclass = 0                      # out of voice mode: V.253 commands are refused
    found = probe(r)
    assert found.errors["off hook"] == "'AT+VLS=1' was answered 'ERROR'"
    text = report(LINE, found)
    assert "  off hook: FAILED ('AT+VLS=1' was answered 'ERROR'): the modem would not take " \
           "the line" in text
    assert text.endswith(f"line {LINE}: FAILED: the line cannot be seized")



def test_the_console_check_on_a_real_driver(rig):
    r = rig().ready()
    text = check(idle_row(), r.line)
    assert text.endswith(f"line {LINE}: OK: ready for calls") and "dial tone: heard" in text
