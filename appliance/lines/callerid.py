"""Caller ID as it enters from a line: checked before anything stores it or dials it.

Whatever a module or an analog line reports as the caller's number ends up in the call log, on
the web page and, for a callback, inside ``ATD<number>;``. A caller ID of ``12345;+CFUN=0`` would
otherwise send a second AT command. So a number is accepted only as digits with an optional
leading ``+`` (at most 32); anything else is treated as withheld and the raw text is logged.
Names (a V.253 ``NAME =`` listing, a phone-book alpha) are cleaned and cut to a sane length.

>>> clean_number('+447700900123'), clean_number('12345;+CFUN=0'), clean_number('P')
('+447700900123', None, None)
>>> clean_name('JOHN\\x07  DOE')
'JOHN DOE'
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger("appliance.lines.callerid")

MAX_DIGITS = 32
MAX_NAME = 64
_NUMBER = re.compile(r"\+?[0-9]{1,%d}" % MAX_DIGITS)
# What lines say instead of a number: V.253 "P" (private) and "O" (out of area), network words.
WITHHELD = frozenset({"P", "O", "PRIVATE", "ANONYMOUS", "UNAVAILABLE", "UNKNOWN", "RESTRICTED",
                      "OUT OF AREA"})


def clean_number(raw: str | None, line: str = "?") -> str | None:
    """``raw`` if it is a phone number (digits, optional leading ``+``), else None (withheld).

    Empty text means withheld without comment; anything else that is not a number is logged
    with its raw text so a technician can see what the line sent.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text or text.upper() in WITHHELD:
        return None
    if _NUMBER.fullmatch(text):
        return text
    log.warning("line %s: caller ID %r is not a phone number; kept as withheld", line, raw[:80])
    return None


def clean_name(raw: str | None) -> str | None:
    """A display name with control characters removed, spaces folded, at most 64 characters."""
    if raw is None:
        return None
    text = " ".join("".join(ch for ch in raw if ch.isprintable()).split())
    return text[:MAX_NAME].rstrip() or None


def diallable(number: str) -> bool:
    """True if ``number`` may go into a dial command: digits with an optional leading ``+``."""
    return bool(_NUMBER.fullmatch(number or ""))
