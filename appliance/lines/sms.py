"""One text message as the AT commands of text mode (3GPP TS 27.005) send it: pure, no I/O.

The GSM driver asks ``plan(number, text)`` for the steps, and the simulated modem checks what
arrived with ``decode_body``::

    >>> p = plan("+441632960001", "We will call you back at about 14:20.")
    >>> p.setup
    ('AT+CMGF=1', 'AT+CSCS="GSM"', 'AT+CSMP=17,167,0,0')
    >>> p.send, p.body[:7]
    ('AT+CMGS="+441632960001"', 'We will')
    >>> plan("+79161234567", "Перезвоним").body[:8]
    '041F0435'

The driver sends each of ``setup`` (waiting for OK), then ``send``, waits for the ``> ``
prompt, types ``body`` and ends it with Ctrl-Z (0x1A). ``body`` and every command are plain
ASCII, so the driver may encode them as ASCII.

Which way a text goes:

* **GSM 7-bit** (``AT+CSCS="GSM"``, data coding 0): when every character is one that text mode
  can take typed as itself. With ``CSCS="GSM"`` each byte typed after the prompt *is* a code of
  the GSM default alphabet (TS 23.038), not ASCII; so the body carries each character's GSM
  code. Only codes 0x20-0x7E and line feed are typed: the other codes below 0x20 are control
  characters on the serial line (0x1A sends the message early, 0x1B cancels it, 0x11/0x13 are
  XON/XOFF, 0x08 deletes on some modules) and 0x7F is DEL. So ASCII letters, digits, space and
  ``!"#%&'()*+,-./:;<=>?`` go as themselves, and the GSM letters ``¡¤ÄÖÑÜ§¿äöñü`` go as the
  printable byte that is their GSM code (``ä`` is typed as ``{``). Everything else of the GSM
  alphabet (``@ $ _ £ ¥ è é ù ì ò à Ç Ø ø Å å Æ æ ß É`` and the Greek capitals, whose codes are
  control bytes) and the whole extension table (``^ { } \\ [ ~ ] | €`` and form feed, which need
  the ESC byte that cancels a message in text mode) send the message as UCS2 instead. A
  carriage return also goes as UCS2 (in text mode it starts a new prompt line).
* **UCS2** (``AT+CSCS="UCS2"``, data coding 8) otherwise: the body is the text in UTF-16BE as
  uppercase hex, and the number in ``AT+CMGS`` is hex-encoded the same way, as SIMCom and
  Quectel modules require while the character set is UCS2.

One message only: at most 160 septets in GSM 7-bit (an extension character would count two,
see ``septets``), 70 UTF-16 units in UCS2 (a character outside the BMP counts two). A longer
text raises ValueError; concatenated messages are not sent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SEPTETS = 160
MAX_UCS2 = 70

# 3GPP TS 23.038 section 6.2.1: the default alphabet in code order (0x1B is the escape to the
# extension table, shown here as the ESC character itself).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
ESC = 0x1B
# Section 6.2.1.1: the extension table, character -> code after ESC.
GSM_EXTENSION = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D,
                 "]": 0x3E, "|": 0x40, "€": 0x65}

_CODE = {char: code for code, char in enumerate(GSM_BASIC) if code != ESC}
_FROM_EXTENSION = {code: char for char, code in GSM_EXTENSION.items()}
# Characters text mode can take as one typed byte: (char -> the byte typed for it).
_TYPED = {char: chr(code) for char, code in _CODE.items() if 0x20 <= code <= 0x7E or code == 0x0A}
_NUMBER = re.compile(r"\+?[0-9]{1,20}")

assert len(GSM_BASIC) == 128


@dataclass(frozen=True)
class SmsPlan:
    """The AT steps for one message: ``setup`` commands (each answered OK), ``send`` (the
    AT+CMGS command, answered by the ``> `` prompt), ``body`` (typed after the prompt, without
    the Ctrl-Z that ends it). ``cscs`` names the character set the body is in."""
    setup: tuple[str, ...]
    send: str
    body: str
    cscs: str = "GSM"


def septets(text: str) -> int | None:
    """The length of ``text`` in GSM 7-bit septets (an extension character counts two), or None
    when a character is not in the GSM alphabet at all."""
    total = 0
    for char in text:
        if char in _CODE:
            total += 1
        elif char in GSM_EXTENSION:
            total += 2
        else:
            return None
    return total


def typeable(text: str) -> bool:
    """True when text mode with ``CSCS="GSM"`` can carry ``text`` (see the module docstring)."""
    return all(char in _TYPED for char in text)


def ucs2_units(text: str) -> int:
    """The length of ``text`` in UCS2 / UTF-16 units (a character outside the BMP counts two)."""
    return len(text.encode("utf-16-be")) // 2


def ucs2_hex(text: str) -> str:
    """``text`` as UTF-16BE in uppercase hex, four digits a unit: ``"+1"`` -> ``"002B0031"``."""
    return text.encode("utf-16-be").hex().upper()


def plan(number: str, text: str) -> SmsPlan:
    """The steps that send ``text`` to ``number`` as one message; ValueError if it cannot be
    one (empty, too long) or the number is not digits with an optional leading +."""
    if not isinstance(number, str) or not _NUMBER.fullmatch(number):
        raise ValueError(f"cannot send a text message to {number!r}: a number is 1 to 20 digits "
                         "with an optional leading +")
    if not text:
        raise ValueError("a text message must not be empty")
    if typeable(text):
        count = septets(text)
        if count > MAX_SEPTETS:
            raise ValueError(f"the text is {count} characters; one text message holds "
                             f"{MAX_SEPTETS} in the GSM alphabet (longer texts are not sent "
                             "as several messages)")
        return SmsPlan(("AT+CMGF=1", 'AT+CSCS="GSM"', "AT+CSMP=17,167,0,0"),
                       f'AT+CMGS="{number}"', "".join(_TYPED[char] for char in text), "GSM")
    units = ucs2_units(text)
    if units > MAX_UCS2:
        raise ValueError(f"the text is {units} characters; one text message holds {MAX_UCS2} "
                         "when it has characters outside the GSM alphabet (such as Cyrillic; "
                         "longer texts are not sent as several messages)")
    return SmsPlan(("AT+CMGF=1", 'AT+CSCS="UCS2"', "AT+CSMP=17,167,0,8"),
                   f'AT+CMGS="{ucs2_hex(number)}"', ucs2_hex(text), "UCS2")


def decode_body(cscs: str, body: str) -> str:
    """The text a body typed after the prompt stands for, in character set ``cscs`` ("GSM":
    GSM codes, an ESC byte taking the next from the extension table; "UCS2": UTF-16BE hex).
    ValueError for a body that is not valid in that character set."""
    if cscs.upper() == "UCS2":
        if len(body) % 4 or not re.fullmatch(r"[0-9A-Fa-f]*", body):
            raise ValueError("a UCS2 body is hex digits, four for each character")
        try:
            return bytes.fromhex(body).decode("utf-16-be")
        except UnicodeDecodeError as exc:
            raise ValueError(f"the UCS2 body is not valid UTF-16: {exc}") from None
    if cscs.upper() != "GSM":
        raise ValueError(f"unknown character set {cscs!r} (GSM or UCS2)")
    return _decode_gsm(body)


def _decode_gsm(body: str) -> str:
    out, escaped = [], False
    for char in body:
        code = ord(char)
        if code > 0x7F:
            raise ValueError(f"byte {code:#x} is not a GSM 7-bit code")
        if escaped:
            # 23.038: an unknown extension code shows as the basic table's character
            out.append(_FROM_EXTENSION.get(code, GSM_BASIC[code] if code != ESC else " "))
            escaped = False
        elif code == ESC:
            escaped = True
        else:
            out.append(GSM_BASIC[code])
    if escaped:
        raise ValueError("the GSM body ends in the middle of an escape")
    return "".join(out)
