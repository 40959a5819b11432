"""A GSM line's health from the module's own answers: registration, network, signal and SIM.

Pure parsing (3GPP TS 27.007): the driver sends ``AT+CPIN?``, ``AT+CREG?`` (``AT+CEREG?`` on
LTE modules), ``AT+COPS?`` and ``AT+CSQ`` while the line is idle and hands the replies here.

>>> registration('+CREG: 0,5', reply=True), registration('+CREG: 2'), signal('+CSQ: 16,99')
('roaming', 'searching', (-81, 4))
>>> network('+COPS: 0,0,"Vodafone UK",7'), sim('+CPIN: SIM PIN')
('Vodafone UK', 'pin')
"""
from __future__ import annotations

import re

REGISTRATION = {0: "not_registered", 1: "home", 2: "searching", 3: "denied", 4: "unknown",
                5: "roaming", 6: "home", 7: "roaming", 8: "unknown", 9: "home", 10: "roaming"}
REGISTERED = ("home", "roaming")
_REG = re.compile(r"^\+C(?:E|G)?REG: ?(\d+)(?:,(\d+))?")
_CSQ = re.compile(r"^\+CSQ: ?(\d+),(\d+)")
_COPS = re.compile(r'^\+COPS: ?\d+(?:,\d+,"([^"]*)")?')


def registration(line: str, reply: bool = False) -> str:
    """A registration state as a word: the reply to ``AT+CREG?`` is ``+CREG: <n>,<stat>[,...]``,
    the report the module sends by itself (``AT+CREG=1``/``2``) is ``+CREG: <stat>[,...]``."""
    match = _REG.match(line)
    if match is None or (reply and match.group(2) is None):
        raise ValueError(f"not a registration line: {line!r}")
    stat = int(match.group(2) if reply else match.group(1))
    return REGISTRATION.get(stat, "unknown")


def signal(line: str) -> tuple[int | None, int]:
    """``+CSQ: <rssi>,<ber>`` as (dBm, bars 0-5); rssi 99 is unknown: (None, 0)."""
    match = _CSQ.match(line)
    if match is None:
        raise ValueError(f"not a +CSQ line: {line!r}")
    rssi = int(match.group(1))
    if rssi == 99 or rssi > 31:
        return None, 0
    dbm = -113 + 2 * rssi
    return dbm, bars(dbm)


def bars(dbm: int) -> int:
    """Signal bars as phones show them: -75 dBm or better is 5, worse than -105 is 0."""
    return sum(dbm >= edge for edge in (-105, -99, -91, -83, -75))


def network(line: str) -> str | None:
    """The operator's name in ``+COPS: <mode>,<format>,"<name>"[,<act>]``; None if unregistered."""
    match = _COPS.match(line)
    if match is None:
        raise ValueError(f"not a +COPS line: {line!r}")
    return match.group(1) or None


def sim(line: str) -> str:
    """``+CPIN: READY`` -> ready; SIM PIN -> pin; SIM PUK -> puk; anything else -> failure."""
    state = line.split(":", 1)[1].strip().upper() if ":" in line else ""
    if state == "READY":
        return "ready"
    if "PUK" in state:
        return "puk"
    if "PIN" in state:
        return "pin"
    if "NOT INSERTED" in state:
        return "absent"
    return "failure"
