"""PCM over the module's audio port (SIM7600, EC25): prompts reach the caller, the caller's
in-band keys and audio reach LineAudio, and the PCM switch follows the call."""
from __future__ import annotations

import time

import numpy as np
import pytest
import serial

from appliance import commands as c
from appliance.audio.line_audio import LineAudio
from appliance.audio.outbox import FrameOutbox
from appliance.audio.prompts import PromptLibrary
from appliance.audio.tones import dtmf_sequence
from appliance.events import DigitPressed, LineReady, LineRinging, PromptDone
from appliance.lines.dialects import DIALECTS
from appliance.lines.gsm import GsmLine
from appliance.lines.pcm import PcmLink
from hwsim.modems import simulated

CALLER = "+447700900123"


def wait_for(predicate, what, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.02)


@pytest.fixture(params=["sim7600", "ec25"])
def call(request, tmp_path):
    modem = simulated(request.param, path=tmp_path / "modem")
    events = []
    link = PcmLink(lambda: serial.Serial(str(modem.audio_path), 115200, timeout=0.05))
    audio = LineAudio("gsm1", events.append, FrameOutbox(), PromptLibrary(data_dir=tmp_path),
                      tmp_path)
    line = GsmLine("gsm1", lambda: serial.Serial(str(modem.path), 115200, timeout=0.05),
                   DIALECTS[request.param], audio=audio, pcm=link, timeout_s=1.0)
    line.start(events.append)
    wait_for(lambda: LineReady("gsm1") in events, "LineReady")
    modem.incoming_call(CALLER)
    wait_for(lambda: LineRinging("gsm1", CALLER) in events, "LineRinging")
    line.execute(c.AnswerLine("gsm1"))
    wait_for(lambda: modem.pcm_on and modem.state == "active", "PCM on in the call")
    yield modem, line, events
    line.close()
    modem.stop()


def test_the_pcm_switch_follows_the_call(call):
    modem, line, events = call
    sent = {step.command for step in line.dialect.pcm_steps} | {line.dialect.pcm_start} - {None}
    assert sent <= set(modem.received)
    line.execute(c.Hangup("gsm1"))
    if line.dialect.pcm_stop:
        wait_for(lambda: not modem.pcm_on, "PCM off after the call")


def test_a_prompt_is_streamed_to_the_caller_and_then_done(call):
    modem, line, events = call
    line.execute(c.Play("gsm1", 3, (("prompt", "invalid"),)))
    wait_for(lambda: PromptDone("gsm1", 3) in events, "PromptDone", timeout=15)
    time.sleep(0.1)
    played = np.frombuffer(bytes(modem.heard[:len(modem.heard) // 2 * 2]), dtype="<i2")
    assert len(played) > 8000 * 0.5 and np.abs(played).max() > 1000


def test_keys_pressed_in_band_reach_the_engine(call):
    modem, line, events = call
    modem.say(dtmf_sequence("47", on_s=0.1, off_s=0.1).astype("<i2").tobytes())
    wait_for(lambda: [e.key for e in events if isinstance(e, DigitPressed)] == ["4", "7"],
             "in-band keys")
