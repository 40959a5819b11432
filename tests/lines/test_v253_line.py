"""VoiceModemLine against the simulated V.253 modem, through real ptys and pyserial: the init
plan on both flavours, calls in and out, keys, prompts at real pace, disconnect supervision,
and the failures (missing port, vanished modem, stalled modem, garbled lines, driver bugs)."""
from __future__ import annotations

import logging
import time

import numpy as np
import pytest
import serial

from appliance import commands as c
from appliance.audio import codecs
from appliance.audio.prompts import PromptLibrary
from appliance.events import (CallAnswered, DialFailed, DigitPressed, LineFailed,
                              LineHealthReported, LineHungUp, LineReady, LineRinging, PromptDone,
                              SmsSent)
from appliance.line_states import LineState
from appliance.lines.voiceformats import Compression, choose_compressions
from appliance.lines.voicemodem import VoiceModemLine, voicemodem_line
from hwsim.modems.v253 import CONEXANT_VSM, USR_VSM, VoiceModemModel

LINE = "line3"
PROMPT = "num_72"                       # "seventy-two", 0.8 s
CALLEES = {"5550001": "answer", "5550002": "busy", "5550003": "busy_tone",
           "5550004": "no_answer", "5550005": "unreachable"}
# Short timings where the reference leaves them to the modem or the line (documented defaults
# are longer): rings every 0.4 s, ringback every 0.5 s, AT+VSD silence 1 s.
TIMINGS = dict(timeout_s=1.0, backoff_s=(0.2, 0.4, 0.8), poll_s=30.0, silence_s=1.0,
               ring_gone_s=1.5, answer_timeout_s=2.5, ringback_period_s=0.5)


class Rig:
    """A simulated modem, a VoiceModemLine on its pty, and the events the line posted."""

    def __init__(self, tmp_path, flavour="usr", model=None, **line):
        options = dict(ring_every_s=0.4, ringback_every_s=0.5, callees=CALLEES)
        options.update(model or {})
        self.modem = VoiceModemModel(path=tmp_path / "line3", flavour=flavour, **options).start()
        self.library = PromptLibrary(data_dir=tmp_path)
        self.events = []
        timings = dict(TIMINGS)
        timings.update(line)
        self.line = VoiceModemLine(
            LINE, lambda: serial.Serial(str(self.modem.path), 115200, timeout=0.05),
            library=self.library, data_dir=tmp_path, port_path=str(self.modem.path), **timings)
        self.line.start(self.events.append)

    def wait(self, predicate, timeout=5.0, what="condition"):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"never: {what}; events: {self.events}"
            time.sleep(0.02)

    def wait_event(self, event, timeout=5.0):
        self.wait(lambda: event in self.events, timeout, repr(event))

    def of(self, kind) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def ready(self) -> "Rig":
        self.wait_event(LineReady(LINE))
        return self

    def in_call(self, number="5551234567") -> "Rig":
        self.ready()
        self.modem.incoming_call(number)
        self.wait(lambda: self.of(LineRinging), what="LineRinging")
        self.line.execute(c.AnswerLine(LINE))
        self.wait(lambda: self.modem.stream is not None and self.line.state == LineState.CONNECTED,
                  what="call answered and streaming")
        return self

    def close(self):
        self.line.close()
        self.modem.stop()


@pytest.fixture
def rig(tmp_path):
    made = []

    def make(**options):
        made.append(Rig(tmp_path, **options))
        return made[-1]
    yield make
    for one in made:
        one.close()


# -- init ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour, vsm, plan", [
    ("usr", "AT+VSM=133,8000", "audio LINEAR 16-bit, caller ID on, full duplex yes"),
    ("conexant", "AT+VSM=1,8000", "audio UNSIGNED PCM 8-bit, caller ID on, full duplex no"),
])
def test_init_chooses_the_audio_format_by_name_and_reports_the_plan(rig, caplog, flavour, vsm,
                                                                    plan):
    caplog.set_level(logging.INFO, logger="appliance.lines.voicemodem")
    r = rig(flavour=flavour).ready()
    sent = r.modem.received
    for before, after in [("ATE0", "AT+FCLASS=8"), ("AT+FCLASS=8", "AT+VSM=?"),
                          ("AT+VSM=?", vsm), (vsm, "AT+VCID=1"), ("AT+VCID=1", "AT+VLS=0")]:
        assert sent.index(before) < sent.index(after)
    assert sent[0] == "ATZ" and "AT+VIT=0" in sent and "AT+VSD=128,10" in sent
    assert r.line.plan == plan and r.line.full_duplex == (flavour == "usr")
    assert f"{LINE} v253: {plan}" in caplog.text
    health = r.of(LineHealthReported)[0].health
    assert health["plan"] == plan and health["model"] == r.line.model and r.line.model
    assert health["registration"] is None and health["sim"] is None and health["signal_dbm"] is None
    assert health["last_error"] is None and r.line.state == LineState.IDLE


def test_a_modem_without_caller_id_stays_in_service_and_rings_after_the_second_ring(rig):
    r = rig(model={"caller_id": False}).ready()
    assert r.line.caller_id is False and "caller ID off" in r.line.plan
    r.modem.incoming_call("5551234567")
    r.wait(lambda: r.of(LineRinging), what="LineRinging")
    assert r.of(LineRinging) == [LineRinging(LINE, None)] and r.modem.rings >= 2
    assert not r.of(LineFailed)


def test_a_modem_without_16_bit_takes_ulaw(rig):
    r = rig(model={"vsm": tuple(line for line in USR_VSM if not line.startswith("133"))}).ready()
    assert r.line.compression.kind == "ulaw" and "AT+VSM=131,8000" in r.modem.received


@pytest.mark.parametrize("listing, code, kind", [
    (USR_VSM, 133, "linear16"),
    (CONEXANT_VSM, 1, "unsigned8"),
    (['0,"SIGNED PCM",8,0,8000,0,0', '4,"ULAW",8,0,8000,0,0', '5,"ALAW",8,0,8000,0,0'], 4, "ulaw"),
    (['0,"SIGNED PCM",8,0,8000,0,0', '5,"ALAW",8,0,8000,0,0'], 5, "alaw"),
    (['2,"16-BIT LINEAR",16,0,8000,0,0', '1,"8-BIT LINEAR",8,0,8000,0,0'], 2, "linear16"),
    (['0,"SIGNED PCM",8,0,8000,0,0'], 0, "signed8"),
])
def test_compression_is_chosen_by_name_and_bits_not_by_code(listing, code, kind):
    best = choose_compressions(list(listing))[0]
    assert (best.code, best.kind) == (code, kind)


def test_adpcm_only_listings_offer_nothing_usable():
    assert choose_compressions(['129,"IMA ADPCM",4,0,8000,0,0', "OK", "garbage"]) == []


@pytest.mark.parametrize("kind, bits", [("linear16", 16), ("ulaw", 8), ("alaw", 8),
                                        ("unsigned8", 8), ("signed8", 8)])
def test_every_format_carries_a_tone(kind, bits):
    fmt = Compression(1, kind.upper(), bits, kind)
    tone = (8000 * np.sin(np.arange(160) * 0.3)).astype(np.int16)
    wire = fmt.encode(tone)
    assert len(wire) == 160 * fmt.width
    assert np.max(np.abs(fmt.decode(wire).astype(int) - tone)) <= (256 if bits == 8 else 0)


def test_the_model_refuses_what_a_real_modem_refuses(tmp_path):
    modem = VoiceModemModel(path=tmp_path / "cx", flavour="conexant").start()
    port = serial.Serial(str(modem.path), 115200, timeout=0.3)
    try:
        def ask(text):
            port.write(text.encode() + b"\r")
            reply = b""
            while not reply.endswith((b"OK\r\n", b"ERROR\r\n")):
                chunk = port.read(1)
                assert chunk, f"no reply to {text}: {reply!r}"
                reply += chunk
            return reply.decode("ascii", "replace")
        assert ask("ATE0").endswith("OK\r\n")
        for text in ("AT+VTX", "AT+VRX", "AT+VTR", "AT+VSM=?"):
            assert ask(text).strip() == "ERROR", text           # not in voice mode yet
        assert ask("AT+FCLASS=8").strip() == "OK"
        assert ask("AT+VSM=133,8000").strip() == "ERROR"      # no 16-bit mode on this chip
        assert ask("AT+VSM=1,7200").strip() == "ERROR"        # 8000 Hz only
        assert ask("AT+VTR=?").strip() == "ERROR" and ask("AT+VTX").strip() == "ERROR"  # on hook
        assert ask("AT+VLS=1").strip() == "OK" and ask("AT+VTR").strip() == "ERROR"
    finally:
        port.close()
        modem.stop()


# -- inbound calls -------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour, style, number, name, caller", [
    ("usr", "spaced", "8475550001", "U.S.ROBOTICS", "8475550001"),
    ("usr", "spaced", None, None, None),                 # NMBR = P
    ("usr", "spaced", "O", None, None),                  # out of area
    ("conexant", "tight", "12345;+CFUN=0", "EVIL", None),  # NMBR=...: not a number
])
def test_caller_id_is_presented_once_and_cleaned(rig, flavour, style, number, name, caller):
    r = rig(flavour=flavour, model={"cid_style": style}).ready()
    r.modem.incoming_call(number, name)
    r.wait(lambda: r.modem.rings >= 3, what="three rings")
    assert r.of(LineRinging) == [LineRinging(LINE, caller)]
    assert r.line.state == LineState.RINGING


def test_a_caller_who_gives_up_while_ringing_hangs_up(rig):
    r = rig().ready()
    r.modem.incoming_call("5551234567")
    r.wait(lambda: r.of(LineRinging), what="LineRinging")
    r.modem.hang_up()
    r.wait_event(LineHungUp(LINE), timeout=3.0)
    assert r.line.state == LineState.IDLE


@pytest.mark.parametrize("flavour", ["usr", "conexant"])
def test_each_key_press_counts_once(rig, flavour):
    r = rig(flavour=flavour).in_call()
    r.modem.press("1#1")
    r.wait(lambda: len(r.of(DigitPressed)) >= 3, what="three keys")
    time.sleep(0.3)
    assert [e.key for e in r.of(DigitPressed)] == ["1", "#", "1"]


def test_a_prompt_reaches_the_caller_at_real_pace_in_full_duplex(rig):
    r = rig().in_call()
    pcm = r.library.pcm((("prompt", PROMPT),), "en")
    started = time.monotonic()
    r.line.execute(c.Play(LINE, 7, (("prompt", PROMPT),)))
    r.wait_event(PromptDone(LINE, 7), timeout=5)
    assert time.monotonic() - started >= len(pcm) / 16000 - 0.1
    time.sleep(0.2)
    assert_played_at_real_pace(r.modem, pcm)


def test_a_prompt_takes_turns_with_listening_in_half_duplex_and_barge_in_stops_it(rig):
    r = rig(flavour="conexant").in_call()
    pcm = r.library.pcm((("prompt", PROMPT),), "en")
    r.line.execute(c.Play(LINE, 7, (("prompt", PROMPT),)))
    r.wait_event(PromptDone(LINE, 7), timeout=5)
    r.wait(lambda: r.modem.stream == "rx", timeout=1.0, what="back to AT+VRX")
    expected = codecs.linear_to_int16(codecs.int16_to_linear(np.frombuffer(pcm, "<i2"), 1), 1)
    assert_played_at_real_pace(r.modem, expected.tobytes())
    assert r.modem.received[-2:] == ["AT+VTX", "AT+VRX"]
    r.line.execute(c.Play(LINE, 8, (("prompt", "invalid"),)))
    r.wait(lambda: r.modem.stream == "tx", what="playing")
    time.sleep(0.3)
    r.line.execute(c.StopPlayback(LINE))
    r.wait(lambda: r.modem.stream == "rx", timeout=0.5, what="barge-in back to listening")
    heard = len(r.modem.heard)
    time.sleep(0.3)
    assert len(r.modem.heard) == heard and PromptDone(LINE, 8) not in r.events


def assert_played_at_real_pace(modem, pcm: bytes):
    """``pcm`` arrived whole at the modem, spread over its own length (not in a burst)."""
    whole = pcm[:len(pcm) // 320 * 320]
    heard = bytes(modem.heard)
    at = heard.find(whole)
    assert at >= 0 and at % 2 == 0, "the prompt did not arrive intact"
    first, last = arrival(modem.heard_log, at // 2), arrival(modem.heard_log, (at + len(whole)) // 2 - 1)
    assert abs((last - first) - len(whole) / 16000) < 0.15
    assert modem.overruns == 0


def arrival(log, sample: int) -> float:
    total = 0
    for when, count in log:
        total += count
        if total > sample:
            return when
    raise AssertionError("sample never arrived")


# -- ending calls --------------------------------------------------------------------------------

def test_hangup_from_the_engine_puts_the_line_on_hook(rig):
    r = rig().in_call()
    r.line.execute(c.Hangup(LINE))
    r.wait(lambda: r.line.state == LineState.IDLE and not r.modem.off_hook, what="on hook")
    assert r.modem.received[-1] == "AT+VLS=0" and r.modem.stream is None
    assert not r.of(LineHungUp)


@pytest.mark.parametrize("signal", ["loop_break", "busy_dle", "busy_tone", "dial_tone", "silence"])
def test_every_disconnect_signal_ends_the_call_within_8_s(rig, signal):
    r = rig().in_call()
    gone = time.monotonic()
    r.modem.hang_up(signal)
    r.wait_event(LineHungUp(LINE), timeout=8.0)
    assert time.monotonic() - gone < 8.0
    r.wait(lambda: r.line.state == LineState.IDLE and not r.modem.off_hook, what="on hook")
    assert r.of(LineHungUp) == [LineHungUp(LINE)] and not r.of(LineFailed)


def test_a_busy_tone_during_hold_music_on_a_half_duplex_modem_is_heard_within_8_s(rig):
    r = rig(flavour="conexant").in_call()
    r.line.execute(c.Play(LINE, 9, (("music", "hold"),), loop=True))
    r.wait(lambda: r.modem.stream == "tx", what="music playing")
    gone = time.monotonic()
    r.modem.hang_up("busy_tone")
    r.wait_event(LineHungUp(LINE), timeout=8.0)
    assert time.monotonic() - gone < 8.0


def test_a_far_end_that_gives_no_signal_is_ended_by_the_engine(rig):
    r = rig().in_call()
    r.modem.hang_up("none")
    time.sleep(1.5)                     # longer than the modem's silence time (AT+VSD) here
    assert not r.of(LineHungUp) and r.line.state == LineState.CONNECTED   # nothing to detect
    r.line.execute(c.Hangup(LINE))
    r.wait(lambda: r.line.state == LineState.IDLE and not r.modem.off_hook, what="on hook")


def test_sms_is_refused_and_bridging_keeps_the_stream(rig):
    r = rig().in_call()
    r.line.execute(c.SendSms(LINE, "+15550001", "hello", "call-1"))
    assert r.of(SmsSent) == [SmsSent(LINE, "call-1", ok=False,
                                     detail="an analog line cannot send text messages")]
    r.line.execute(c.Bridge(LINE, 2))
    r.line.execute(c.Unbridge(LINE, 2))
    r.modem.press("5")
    r.wait(lambda: r.of(DigitPressed), what="a key after bridging")
    assert r.modem.stream == "duplex"


# -- dial-backs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", ["usr", "conexant"])
def test_a_dial_back_that_is_answered(rig, flavour):
    r = rig(flavour=flavour).ready()
    r.line.execute(c.Dial(LINE, "5550001"))
    r.wait_event(CallAnswered(LINE), timeout=5)
    assert "ATDT5550001" in r.modem.received and r.line.state == LineState.CONNECTED
    assert r.modem.state == "talking" and not r.of(DialFailed)


@pytest.mark.parametrize("flavour, number, reason", [
    ("usr", "5550002", "busy"),             # VCON, then <DLE>b in the stream
    ("conexant", "5550002", "busy"),        # ATD ends BUSY
    ("usr", "5550003", "busy"),             # busy tone heard, no report from the modem
    ("usr", "5550004", "no_answer"),        # <DLE>r ringbacks counted
    ("conexant", "5550004", "no_answer"),   # no ringback reports: answer_timeout_s
    ("usr", "5550005", "failed"),           # NO CARRIER
])
def test_a_dial_back_that_fails_says_why_and_frees_the_line(rig, flavour, number, reason):
    r = rig(flavour=flavour).ready()
    r.line.execute(c.Dial(LINE, number))
    r.wait(lambda: r.of(DialFailed), timeout=6, what="DialFailed")
    assert r.of(DialFailed) == [DialFailed(LINE, reason)] and not r.of(CallAnswered)
    r.wait(lambda: r.line.state == LineState.IDLE and not r.modem.off_hook, what="on hook")


def test_a_number_that_is_not_diallable_is_never_sent(rig):
    r = rig().ready()
    r.line.execute(c.Dial(LINE, "123;+CFUN=0"))
    assert r.of(DialFailed) == [DialFailed(LINE, "failed")]
    time.sleep(0.2)
    assert not any(text.startswith("ATD") for text in r.modem.received)


# -- failures ------------------------------------------------------------------------------------

def test_a_missing_port_at_start_is_reported_then_the_line_comes_up(tmp_path):
    path = tmp_path / "ivr-line3"
    settings = {"lines": [{"id": LINE, "driver": "v253", "port": str(path), "baud": 115200}],
                "callbacks": {"answer_timeout_s": 30}}
    events = []
    line = voicemodem_line(settings, 0, events.append, tmp_path)
    line.start(events.append)
    modem = None
    try:
        deadline = time.monotonic() + 3
        while not any(isinstance(e, LineFailed) for e in events):
            assert time.monotonic() < deadline, events
            time.sleep(0.02)
        failed = [e for e in events if isinstance(e, LineFailed)]
        assert "does not exist" in failed[0].reason and "lines[0].port" in failed[0].reason
        assert line.state == LineState.DOWN
        modem = VoiceModemModel(path=path).start()
        deadline = time.monotonic() + 5
        while LineReady(LINE) not in events:
            assert time.monotonic() < deadline, events
            time.sleep(0.02)
        assert len([e for e in events if isinstance(e, LineFailed)]) == 1
    finally:
        line.close()
        if modem is not None:
            modem.stop()


def test_a_modem_that_vanishes_during_a_call_fails_once_and_comes_back(rig):
    r = rig().in_call()
    r.modem.vanish()
    r.wait(lambda: r.of(LineFailed), what="LineFailed")
    assert "vanished" in r.of(LineFailed)[0].reason and r.line.state == LineState.DOWN
    time.sleep(0.5)
    r.modem.plug_in()
    r.wait(lambda: r.events.count(LineReady(LINE)) == 2, what="back in service")
    assert len(r.of(LineFailed)) == 1
    assert r.of(LineHealthReported)[-1].health["last_error"] is None


def test_a_stalled_modem_is_back_in_service_within_10_s(rig):
    r = rig(poll_s=0.5).ready()
    stalled = time.monotonic()
    r.modem.stall(2)
    r.wait(lambda: r.of(LineFailed), what="LineFailed")
    assert "got no final result" in r.of(LineFailed)[0].reason
    assert "got no final result" in r.of(LineHealthReported)[-1].health["last_error"]
    r.wait(lambda: r.events.count(LineReady(LINE)) == 2, timeout=10, what="back in service")
    assert time.monotonic() - stalled < 10


def test_garbled_lines_are_skipped(rig, caplog):
    r = rig().ready()
    r.modem.garble(2)
    r.modem.incoming_call("5551234567")
    r.wait(lambda: r.of(LineRinging), what="LineRinging")
    r.line.execute(c.AnswerLine(LINE))
    r.wait(lambda: r.line.state == LineState.CONNECTED and r.modem.stream, what="answered")
    assert "garbled line skipped" in caplog.text and not r.of(LineFailed)


def test_a_bug_in_the_audio_path_is_reported_and_the_line_restarts(rig, caplog):
    r = rig().in_call()
    real = r.line.audio.hear

    def broken(frame, operator=b""):
        r.line.audio.hear = real
        raise RuntimeError("boom")
    r.line.audio.hear = broken
    r.wait(lambda: r.of(LineFailed), what="LineFailed")
    assert "RuntimeError: boom" in r.of(LineFailed)[0].reason and "Traceback" in caplog.text
    r.wait(lambda: r.events.count(LineReady(LINE)) == 2, what="the line restarted")
    assert r.modem.state == "idle" and not r.modem.off_hook
