"""The shape of a dialect, and the URC rows every 27.007 module shares."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from appliance.lines import calllist, health
from appliance.lines.at import UrcRule

# URC kinds the line driver acts on:
#   ring (value None) / caller (caller ID as sent, checked by the driver) / key (DTMF key) /
#   hangup / answered / busy / no_answer / failed (dial outcomes) / reset (module rebooted) /
#   sim_gone (SIM removed or not ready) / call_list (a CallInfo: +CLCC or ccinfo report) /
#   registration (a word from appliance.lines.health) / info (logged only) /
#   garbled (matched a row but its value is nonsense; logged and skipped by the channel)
KEYS = "0123456789*#ABCD"


def _caller(match: re.Match) -> str | None:
    return match.group(1) or None


def key_from_ascii(match: re.Match) -> str:
    """Quectel's ``+QTONEDET: 49`` is the key's ASCII code; a code of no key is an error."""
    key = chr(int(match.group(1)))
    if key not in KEYS:
        raise ValueError(f"no DTMF key has code {match.group(1)}")
    return key


RING = UrcRule("ring", re.compile(r"^(?:RING|\+CRING: ?VOICE)$"))
CLIP = UrcRule("caller", re.compile(r'^\+CLIP: ?"([^"]*)",\d+(?:,.*)?$'), _caller)
NO_CARRIER = UrcRule("hangup", re.compile(r"^NO CARRIER$"))
BUSY = UrcRule("busy", re.compile(r"^BUSY$"))
NO_ANSWER = UrcRule("no_answer", re.compile(r"^NO ANSWER$"))
NO_DIALTONE = UrcRule("failed", re.compile(r"^NO DIALTONE$"))
SIM_GONE = UrcRule("sim_gone", re.compile(r"^\+CPIN: ?(?:NOT READY|NOT INSERTED)$", re.I))
CLCC = UrcRule("call_list", re.compile(r"^\+CLCC: .*$"), lambda m: calllist.parse_clcc(m.group(0)))
CREG = UrcRule("registration", re.compile(r"^\+C(?:E|G)?REG: ?\d+(?:,.*)?$"),
               lambda m: health.registration(m.group(0)))
COMMON = (RING, CLIP, NO_CARRIER, BUSY, NO_ANSWER, NO_DIALTONE, SIM_GONE, CLCC, CREG)


@dataclass(frozen=True)
class Step:
    """One init command. A required step that fails keeps the line out of service. An optional
    step decides one part of the line's plan (``feature``): ``means`` when the module accepts it,
    ``otherwise`` when it refuses (some firmware refuses commands its family documents)."""
    command: str
    feature: str | None = None
    means: str | None = None
    otherwise: str | None = None

    @property
    def required(self) -> bool:
        """No fallback: the line cannot work without it."""
        return self.otherwise is None


@dataclass(frozen=True)
class Wire:
    """What a module of this family prints (the simulated modem's script; the driver's URC table
    must recognise every line of it, and a test checks that it does)."""
    identity: str                       # reply line to the identification command
    boot: tuple[str, ...]               # power-on URC burst
    clip: str = '+CLIP: "{number}",{type},"",0,"",0'
    key: str = "+DTMF: {key}"
    answered_in: tuple[str, ...] = ()   # after ATA's OK
    answered_out: tuple[str, ...] = ()  # when a dialled number answers, besides call reports
    ended: tuple[str, ...] = ("NO CARRIER",)
    after_hangup: tuple[str, ...] = ()  # what still arrives after our own ATH's OK
    eol: str = "\r\n"
    refuses: frozenset[str] = frozenset()   # documented commands this family answers ERROR
    call_reports: str | None = None     # "clcc" (AT+CLCC=1) or "ccinfo" (+QIND ccinfo) on change


@dataclass(frozen=True)
class Dialect:
    """One module family. ``identify`` is sent at start; its reply must contain one of
    ``models``. ``steps`` are re-sent after every (re)boot; ``pcm_steps`` too, on a line with an
    ``audio_port``. ``call_state``: how the driver learns that a call it dialled answered or a
    call ended when no final URC says so: ``urc`` (this family reports every change by itself)
    or ``poll`` (``AT+CLCC`` every 500 ms while a call is up) unless a step grants ``urc``."""
    name: str
    title: str
    identify: str
    models: tuple[str, ...]
    steps: tuple[Step, ...]
    urcs: tuple[UrcRule, ...]
    wire: Wire
    answer: str = "ATA"
    hangup: str = "ATH"
    dial: str = "ATD{number};"
    reset: str = "AT+CFUN=1,1"          # restart the module (the last resort for a stuck call)
    lte: bool = False                   # also ask AT+CEREG? for registration
    call_state: str = "poll"
    key_wire: Callable[[str], str] | None = None   # key -> what ``wire.key`` prints
    # PCM over the audio port, for a line with ``audio_port``: ``pcm_steps`` with the init;
    # ``pcm_start`` once a call is up (at least 100 ms after it connects), ``pcm_stop`` after.
    pcm_steps: tuple[Step, ...] = ()
    pcm_start: str | None = None
    pcm_check: str | None = None        # read back after pcm_start: reply must end in ": 1"

    @property
    def init(self) -> tuple[str, ...]:
        """Every init command, in order (the simulated modem accepts these)."""
        return tuple(step.command for step in self.steps + self.pcm_steps)

    @property
    def pcm_stop(self) -> str | None:
        """The command that switches the PCM stream off again."""
        return self.pcm_start[:-1] + "0" if self.pcm_start else None

    def key_text(self, key: str) -> str:
        """How this module prints ``key`` in its DTMF URC."""
        return self.key_wire(key) if self.key_wire else key
