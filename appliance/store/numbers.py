"""One rule for matching the phone numbers people type with the caller IDs lines deliver.

A caller ID reaches the appliance as digits with an optional leading ``+`` (see
``appliance.lines.callerid``); people type ``+44 (0)1632 960-001`` or ``0044 1632 960001``. So:

1. ``tidy`` drops spaces, ``-``, ``.``, ``/`` and brackets (and the ``(0)`` some people write after a
   country code), turns a leading ``00`` into ``+``, and then accepts only what a caller ID may
   be: digits with an optional leading ``+``, at most 32 digits.
2. ``same`` says two tidy numbers are one number when they are equal, or when one is
   international (``+``, country code, rest) and the other is national and equals the rest with
   or without one leading ``0`` (the trunk prefix most countries dial at home). Two international
   numbers match only when equal, and so do two national ones. The appliance does not know which
   country it is in, so a number written without its country code matches that number from any
   country (``01632 960001`` matches ``+44 1632 960001`` and ``+33 1632 960001``); write the
   country code where that matters.

>>> tidy('+44 (0)1632 960-001'), tidy('0044 1632 960001')
('+441632960001', '+441632960001')
>>> same('+441632960001', '01632960001'), same('+390612345678', '0612345678')
(True, True)
>>> same('+441632960001', '+331632960001'), key('+441632960001') == key('01632960001')
(False, True)
"""
from __future__ import annotations

import re

from appliance.audio.sentences.common import country_code
from appliance.lines.callerid import diallable

_LAYOUT = re.compile(r"[\s\-./()]")
_DROPPED_ZERO = re.compile(r"^(\+\d{1,3})\s*\(0\)")


def tidy(raw: str) -> str:
    """``raw`` as a caller ID would be written; ValueError saying why if it is not a number."""
    text = (raw or "").strip()
    text = "+" + text[2:] if text.startswith("00") else text
    text = _LAYOUT.sub("", _DROPPED_ZERO.sub(r"\1", text))
    if not text:
        raise ValueError("the number is empty")
    if not diallable(text):
        raise ValueError(f"'{raw.strip()[:40]}' is not a phone number (digits, with + or 00 in "
                         "front for another country; spaces, dashes, dots and brackets are ignored)")
    return text


def _rest(number: str) -> str:
    """The digits after the country code of an international number."""
    digits = number[1:]
    return digits[len(country_code(digits)):]


def key(number: str) -> str:
    """The digits every form of ``number`` shares (no country code, no trunk ``0``): what the
    phone book indexes by and what a call log search looks for."""
    digits = _rest(number) if number.startswith("+") else number
    return digits[1:] if digits.startswith("0") and len(digits) > 1 else digits


def same(a: str | None, b: str | None) -> bool:
    """Whether tidy numbers ``a`` and ``b`` reach the same phone (rule 2 above)."""
    if not a or not b:
        return False
    if a == b:
        return True
    if a.startswith("+") == b.startswith("+"):
        return False
    international, national = (a, b) if a.startswith("+") else (b, a)
    rest = _rest(international)
    return national in (rest, "0" + rest)
