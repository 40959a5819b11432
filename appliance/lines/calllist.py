"""The module's own list of calls (``+CLCC`` lines and Quectel's ``+QIND: "ccinfo"`` reports),
parsed into ``CallInfo``: how the driver checks that a hang-up really happened, that a number it
dialled answered, and that no call is left up after a restart (line-interfaces.md section 1.8).

>>> parse_clcc('+CLCC: 1,1,4,0,0,"+447700900123",145')
CallInfo(index=1, outgoing=False, stat=4, voice=True, number='+447700900123')
>>> parse_ccinfo('+QIND: "ccinfo",2,0,-1,0,0,"0161",129').ended
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ACTIVE, HELD, DIALING, ALERTING, INCOMING, WAITING, TERMINATED = 0, 1, 2, 3, 4, 5, 6
_FIELDS = re.compile(r'^(\d+),([01]),(-?\d+),(\d+),([01])(?:,"([^"]*)"(?:,\d+)?(?:,.*)?)?$')


@dataclass(frozen=True)
class CallInfo:
    """One call the module carries. ``stat``: 0 active, 1 held, 2 dialling, 3 alerting (the far
    end rings), 4 incoming, 5 waiting, 6 or -1 ended (SimTech / Quectel URC forms)."""
    index: int
    outgoing: bool
    stat: int
    voice: bool
    number: str | None

    @property
    def ended(self) -> bool:
        """The report says this call is over."""
        return self.stat in (TERMINATED, -1)

    @property
    def answered(self) -> bool:
        """A call we dialled is connected."""
        return self.outgoing and self.stat == ACTIVE


def _parse(body: str, line: str) -> CallInfo:
    match = _FIELDS.match(body.strip())
    if match is None:
        raise ValueError(f"not a call list entry: {line!r}")
    index, direction, stat, mode, _mpty, number = match.groups()
    return CallInfo(int(index), direction == "0", int(stat), mode == "0", number or None)


def parse_clcc(line: str) -> CallInfo:
    """``+CLCC: <id>,<dir>,<stat>,<mode>,<mpty>[,"<number>",<type>...]``; ValueError if not."""
    if not line.startswith("+CLCC:"):
        raise ValueError(f"not a +CLCC line: {line!r}")
    return _parse(line.split(":", 1)[1], line)


def parse_ccinfo(line: str) -> CallInfo:
    """Quectel ``+QIND: "ccinfo",<id>,<dir>,<state>,<mode>,<mpty>,"<number>",<type>``."""
    prefix = '+QIND: "ccinfo",'
    if not line.startswith(prefix):
        raise ValueError(f"not a ccinfo report: {line!r}")
    return _parse(line[len(prefix):], line)


def voice_calls(lines: list[str]) -> list[CallInfo]:
    """The live voice calls in an ``AT+CLCC`` reply (data bearers and ended calls left out)."""
    found = []
    for line in lines:
        if line.startswith("+CLCC:"):
            call = parse_clcc(line)
            if call.voice and not call.ended:
                found.append(call)
    return found
