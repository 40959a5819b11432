"""On-hook caller ID: the FSK burst a desk phone's display reads between the first and second ring.

An exchange sends the caller's number, name and the date and time as a short data burst while
the phone is still on hook; the appliance does the same for its extension phones. This module
builds the message and modulates it to 8 kHz 16-bit PCM; it does no I/O (the line driver plays
the result in the ring pause).

Message: MDMF (Multiple Data Message Format): type 0x80, length of the parameters, then each
parameter as type, length, ASCII value, then a checksum byte that makes the sum of all bytes
0 mod 256. Parameters: 0x01 date and time "MMDDHHMM", 0x02 calling number, 0x04 reason for
absence of the number ("P" private, "O" unavailable), 0x07 calling name. Checked against
Asterisk main/callerid.c (``callerid_genmsg``: the same codes, order and "O"/"P" values;
``callerid_feed``: checksum ``256 - (sum & 255)``), spandsp src/adsi.c and src/spandsp/adsi.h
(``CLIP_DATETIME`` 0x01, ``CLIP_CALLER_NUMBER`` 0x02, ``CLIP_ABSENCE1`` 0x04, ``CLIP_CALLER_NAME``
0x07 from ETS 300 659-1; sumcheck ``-sum & 0xFF``; preamble of 300 alternating bits starting
with 0) and the SDMF example on melabs.com/resources/callerid.htm, whose checksum 0x51 verifies.

Signal: 1200 baud phase-continuous FSK. Bell 202 (Telcordia GR-30-CORE, North America): mark
1200 Hz, space 2200 Hz; V.23 (ETSI EN 300 659-1, Europe and UK): mark 1300 Hz, space 2100 Hz.
The burst is a channel seizure of 300 alternating bits (what Asterisk sends as thirty framed
0x55 bytes), a mark signal (180 bits for Bell 202, 80 for V.23), the bytes as 8N1 characters
(start 0, data LSB first, stop 1), and a few trailing marks.

    >>> pcm = burst("+15551234567", "Reception", now)        # int16 LE bytes, about 0.7 s
    >>> duration_s(pcm)
"""
from __future__ import annotations

import datetime

import numpy as np

from appliance.audio.tones import to_int16
from appliance.errors import AudioError

STANDARDS = ("bell202", "v23")
BAUD = 1200
# (mark Hz, space Hz, mark-signal bits) per standard.
_SPECS = {"bell202": (1200.0, 2200.0, 180), "v23": (1300.0, 2100.0, 80)}
SEIZURE_BITS = 300
TRAILING_BITS = 10
MAX_NUMBER = 20
MAX_NAME = 15

MDMF = 0x80
P_DATETIME, P_NUMBER, P_ABSENCE, P_NAME = 0x01, 0x02, 0x04, 0x07


def checksum(data: bytes) -> int:
    """The byte that makes the sum of ``data`` plus itself 0 mod 256 (two's complement)."""
    return -sum(data) & 0xFF


def _number(number: str | None) -> str:
    """Digits only, a leading '+' kept (what a display can show); '' when nothing is left."""
    text = (number or "").strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    return (("+" if text.startswith("+") and digits else "") + digits)[:MAX_NUMBER]


def _name(name: str | None) -> str:
    """Printable ASCII only (a display has no other glyphs): anything else becomes '?'."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in (name or "").strip())[:MAX_NAME]


def message(number: str | None, name: str | None, when: datetime.datetime,
            withheld: bool = False) -> bytes:
    """The MDMF caller-ID message with its checksum. ``when`` is the office's local time.

    A withheld caller is sent as "P" with neither number nor name, whatever was passed (the
    caller asked not to be shown); a missing number as "O" (unavailable). A missing name is
    left out."""
    num = "" if withheld else _number(number)
    nam = "" if withheld else _name(name)
    params = [(P_DATETIME, f"{when:%m%d%H%M}")]
    if num:
        params.append((P_NUMBER, num))
    else:
        params.append((P_ABSENCE, "P" if withheld else "O"))
    if nam:
        params.append((P_NAME, nam))
    body = b"".join(bytes((code, len(value))) + value.encode("ascii") for code, value in params)
    data = bytes((MDMF, len(body))) + body
    return data + bytes((checksum(data),))


def _bits(data: bytes, mark_bits: int) -> np.ndarray:
    """Seizure, mark signal, the bytes as 8N1 characters (LSB first), trailing marks."""
    seizure = np.arange(SEIZURE_BITS) % 2                       # 0, 1, 0, 1, ...
    chars = np.unpackbits(np.frombuffer(data, dtype=np.uint8).reshape(-1, 1), axis=1,
                          bitorder="little")
    framed = np.hstack([np.zeros((len(data), 1), np.uint8), chars, np.ones((len(data), 1), np.uint8)])
    return np.concatenate([seizure, np.ones(mark_bits), framed.reshape(-1), np.ones(TRAILING_BITS)])


def modulate(data: bytes, standard: str = "bell202", rate: int = 8000,
             level_dbfs: float = -16.0) -> bytes:
    """int16 little-endian PCM of the whole burst for ``data``.

    ``level_dbfs`` is the sine's peak against full scale (-16 dBFS is about -13 dBm0, the level
    GR-30 asks for). The phase runs on across bit edges (no clicks), and each sample belongs to
    bit ``n * 1200 // rate``, so the bit timing is exact on average (6.67 samples a bit at 8 kHz).
    """
    if standard not in _SPECS:
        raise AudioError(f"unknown caller-ID standard {standard!r}; use one of {', '.join(STANDARDS)}")
    mark, space, mark_bits = _SPECS[standard]
    bits = _bits(bytes(data), mark_bits)
    n = -(-len(bits) * rate // BAUD)                            # ceil: the last bit in full
    per_sample = bits[np.arange(n) * BAUD // rate]
    freq = np.where(per_sample > 0, mark, space)
    phase = np.concatenate(([0.0], np.cumsum(2.0 * np.pi * freq[:-1] / rate)))
    amp = 32767.0 * 10.0 ** (level_dbfs / 20.0)
    return to_int16(amp * np.sin(phase)).astype("<i2").tobytes()


def burst(number: str | None, name: str | None, when: datetime.datetime, withheld: bool = False,
          standard: str = "bell202", rate: int = 8000) -> bytes:
    """The PCM to play in the first ring pause: ``modulate(message(...))``."""
    return modulate(message(number, name, when, withheld), standard, rate)


def duration_s(pcm: bytes, rate: int = 8000) -> float:
    """Length in seconds of 16-bit mono PCM (to check a burst fits the ring pause)."""
    return len(pcm) // 2 / rate
