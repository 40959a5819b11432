"""A simulated module on a pty and a GsmLine driving it through pyserial, with the events the
line posted: the shared test rig of the line tests."""
from __future__ import annotations

import time

import serial

from pathlib import Path

from appliance import commands as c
from appliance.audio.line_audio import LineAudio
from appliance.audio.outbox import FrameOutbox
from appliance.audio.prompts import PromptLibrary
from appliance.events import LineReady, LineRinging
from appliance.lines.dialects import DIALECTS
from appliance.lines.gsm import GsmLine
from appliance.lines.pcm import PcmLink
from hwsim.modems import ModemModel

CALLER = "+447700900123"
CALLEES = {"+15550001": "answer", "+15550002": "busy", "+15550003": "no_answer",
           "+15550004": "unreachable"}


def wait_until(predicate, what: str, timeout: float = 5.0, events=None) -> float:
    """Wait for ``predicate``; returns the seconds it took."""
    start = time.monotonic()
    while not predicate():
        assert time.monotonic() - start < timeout, f"no {what} within {timeout} s; events: {events}"
        time.sleep(0.02)
    return time.monotonic() - start


class Rig:
    """A simulated module (``modem``: one already running), a GsmLine on its pty, and the
    events the line posted."""

    def __init__(self, path, name, line_dialect=None, model_pin=None, line_pin=None,
                 model=None, line_id="gsm1", modem=None, audio=False, **line):
        self.modem = modem or ModemModel(DIALECTS[name], path=path, pin=model_pin,
                                         callees=CALLEES, ring_every_s=0.5, reboot_s=0.5,
                                         **(model or {})).start()
        self.id = line_id
        self.events = []
        options = dict(timeout_s=1.0, backoff_s=(0.2,), prompt_length=lambda play: 0.2)
        if audio:                                 # the module's PCM port, as on a real line
            link = PcmLink(lambda: serial.Serial(str(self.modem.audio_path), 115200,
                                                 timeout=0.05, write_timeout=0.5))
            folder = Path(self.modem.path).parent
            options.update(pcm=link, audio=LineAudio(line_id, self.events.append, FrameOutbox(),
                                                     PromptLibrary(data_dir=folder), folder))
        options.update(line)
        self.line = GsmLine(line_id, lambda: serial.Serial(str(self.modem.path), 115200,
                                                           timeout=0.05),
                            DIALECTS[line_dialect or name], pin=line_pin, **options)
        self.line.start(self.events.append)

    def wait(self, predicate, timeout=5.0, what="event"):
        return wait_until(predicate, what, timeout, self.events)

    def wait_event(self, event, timeout=5.0):
        self.wait(lambda: event in self.events, timeout, repr(event))

    def count(self, kind) -> int:
        return sum(isinstance(e, kind) for e in self.events)

    def of(self, kind) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def ready(self) -> "Rig":
        self.wait_event(LineReady(self.id))
        return self

    def in_call(self, caller: str = CALLER) -> "Rig":
        self.ready()
        rings = self.count(LineRinging)
        self.modem.incoming_call(caller)
        self.wait(lambda: self.count(LineRinging) > rings, what="LineRinging")
        self.line.execute(c.AnswerLine(self.id))
        self.wait(lambda: self.modem.state == "active" and self.line.state == "connected",
                  what="answered call")
        return self

    def close(self):
        self.line.close()
        self.modem.stop()
