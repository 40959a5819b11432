"""The shape of a dialect, and the URC rows every 27.007 module shares."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from appliance.lines.at import UrcRule

# URC kinds the line driver acts on:
#   ring (value None) / caller (caller ID or None if withheld) / key (DTMF key) /
#   hangup / answered / busy / no_answer / failed (dial outcomes) / reset (module rebooted) /
#   sim_gone (SIM removed or not ready) / info (logged only)


def _caller(match: re.Match) -> str | None:
    return match.group(1) or None


RING = UrcRule("ring", re.compile(r"^(?:RING|\+CRING: ?VOICE)$"))
CLIP = UrcRule("caller", re.compile(r'^\+CLIP: ?"([^"]*)",\d+(?:,.*)?$'), _caller)
NO_CARRIER = UrcRule("hangup", re.compile(r"^NO CARRIER$"))
BUSY = UrcRule("busy", re.compile(r"^BUSY$"))
NO_ANSWER = UrcRule("no_answer", re.compile(r"^NO ANSWER$"))
NO_DIALTONE = UrcRule("failed", re.compile(r"^NO DIALTONE$"))
SIM_GONE = UrcRule("sim_gone", re.compile(r"^\+CPIN: ?(?:NOT READY|NOT INSERTED)$", re.I))
CLCC_ACTIVE_MO = UrcRule("answered", re.compile(r"^\+CLCC: ?\d+,0,0,0,\d+(?:,.*)?$"))
CLCC_OTHER = UrcRule("info", re.compile(r"^\+CLCC: .*$"))
COMMON = (RING, CLIP, NO_CARRIER, BUSY, NO_ANSWER, NO_DIALTONE, SIM_GONE)


@dataclass(frozen=True)
class Wire:
    """What a module of this family prints (the simulated modem's script; the driver's URC table
    must recognise every line of it, and a test checks that it does)."""
    identity: str                       # reply line to the identification command
    boot: tuple[str, ...]               # power-on URC burst
    clip: str = '+CLIP: "{number}",{type},"",0,"",0'
    key: str = "+DTMF: {key}"
    answered_in: tuple[str, ...] = ()   # after ATA's OK
    answered_out: tuple[str, ...] = ('+CLCC: 1,0,0,0,0,"{number}",129,""',)
    ended: tuple[str, ...] = ("NO CARRIER",)
    after_hangup: tuple[str, ...] = ()  # what still arrives after our own ATH's OK
    eol: str = "\r\n"


@dataclass(frozen=True)
class Dialect:
    """One module family. ``identify`` is sent at start; its reply must contain one of
    ``models``. ``init`` is re-sent after every (re)boot."""
    name: str
    title: str
    identify: str
    models: tuple[str, ...]
    init: tuple[str, ...]
    urcs: tuple[UrcRule, ...]
    wire: Wire
    answer: str = "ATA"
    hangup: str = "ATH"
    dial: str = "ATD{number};"
    key_wire: Callable[[str], str] | None = None   # key -> what ``wire.key`` prints
    # PCM over the audio port, sent only for a line with ``audio_port``: armed with the init,
    # switched on once a call is up (after a 100 ms pause), off when it ends.
    pcm_init: tuple[str, ...] = ()
    pcm_start: tuple[str, ...] = ()
    pcm_stop: tuple[str, ...] = ()

    def key_text(self, key: str) -> str:
        """How this module prints ``key`` in its DTMF URC."""
        return self.key_wire(key) if self.key_wire else key
