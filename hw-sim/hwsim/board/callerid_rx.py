"""The caller-ID display chip of a simulated desk phone: an FSK receiver like an HT9032 or MT88E43.

The appliance sends on-hook caller ID as a 1200 baud FSK burst in the first ring pause
(appliance/audio/callerid.py). This receiver is what a desk phone with a display would make of
that audio, written from the standards rather than from the sender, so that tests check what
the appliance puts on the line, not its own idea of it. It does not import the appliance.

Demodulator, as such chips do it in analog: the audio is correlated with the mark and space
tones over one bit (a matched filter: complex mixing, then a one-bit moving sum), and the
decision is ``(|mark|^2 - |space|^2) / (|mark|^2 + |space|^2)``, which does not depend on the
level. Below ``CARRIER_DBFS`` there is no carrier. A UART then waits for ``MIN_MARK_BITS`` of
steady mark (the mark signal after the channel seizure), takes the next mark-to-space edge as a
start bit, samples each bit in its middle (three samples summed), and needs a mark stop bit.
The bytes form a message: MDMF (0x80) or SDMF (0x04) type, length, body, checksum. A message
whose checksum, framing or parameters are bad, or whose carrier drops or pauses for more than
``MAX_GAP_BITS`` half way, is dropped and counted in ``errors``. Bad audio never raises.

    >>> rx = CallerIdReceiver("v23")
    >>> for block in blocks:                   # int16 LE bytes, any size
    ...     for msg in rx.feed(block):
    ...         show(msg["number"], msg["name"], msg["when"])
"""
from __future__ import annotations

import numpy as np

BAUD = 1200
TONES = {"bell202": (1200.0, 2200.0), "v23": (1300.0, 2100.0)}
CARRIER_DBFS = -40.0            # peak of the weakest sine taken as a carrier
MIN_MARK_BITS = 20              # steady mark needed before a message may start
MAX_GAP_BITS = 60               # marks allowed between two characters of one message
MESSAGE_TYPES = (0x80, 0x04)    # MDMF call setup, SDMF number delivery
SCAN = 4096                     # samples the UART looks ahead at a time


class CallerIdReceiver:
    """Streaming receiver for one phone: ``feed`` PCM in chunks of any size, get messages."""

    def __init__(self, standard: str = "bell202", rate: int = 8000):
        if standard not in TONES:
            raise ValueError(f"unknown caller-ID standard {standard!r}; use one of "
                             f"{', '.join(TONES)}")
        self.standard, self.rate = standard, rate
        self.errors = 0
        self.spb = rate / BAUD                               # samples a bit
        self._win = max(2, int(self.spb))                    # a whole bit or just under
        mark, space = TONES[standard]
        self._w = 2.0 * np.pi * np.array([mark, space]) / rate
        amp = 32767.0 * 10.0 ** (CARRIER_DBFS / 20.0)
        self._floor = (amp * self._win / 2.0) ** 2
        self._tail = np.zeros(0)                             # raw samples the window still needs
        self._fed = 0                                        # samples fed so far
        self._d = np.zeros(0)                                # decisions, -1 space .. +1 mark
        self._on = np.zeros(0, dtype=bool)                   # carrier present
        self._base = 0                                       # sample index of _d[0]
        self._pos = 0                                        # next sample the UART looks at
        self._marks = 0                                      # steady mark samples so far
        self._msg: bytearray | None = None
        self._odd = b""                                      # half a sample from the last chunk

    def feed(self, pcm: bytes) -> list[dict]:
        """Demodulate more audio; returns the messages it completed (usually none)."""
        raw = self._odd + bytes(pcm)
        cut = len(raw) - len(raw) % 2
        self._odd = raw[cut:]
        x = np.frombuffer(raw[:cut], dtype="<i2").astype(float)
        self._demodulate(x)
        out = self._uart()
        keep = max(0, self._pos - 1 - self._base)
        self._d, self._on, self._base = self._d[keep:], self._on[keep:], self._base + keep
        return out

    def _demodulate(self, x: np.ndarray) -> None:
        start = self._fed - len(self._tail)
        y = np.concatenate((self._tail, x))
        self._fed += len(x)
        self._tail = y[-(self._win - 1):] if self._win > 1 else y[:0]
        if len(y) < self._win:
            return
        n = np.arange(start, start + len(y))
        mixed = y[:, None] * np.exp(-1j * np.outer(n % self.rate, self._w))
        csum = np.concatenate((np.zeros((1, 2)), np.cumsum(mixed, axis=0)))
        power = np.abs(csum[self._win:] - csum[:-self._win]) ** 2   # one-bit moving sums
        total = power.sum(axis=1)
        d = (power[:, 0] - power[:, 1]) / np.maximum(total, 1e-9)
        self._d = np.concatenate((self._d, d))
        self._on = np.concatenate((self._on, total > self._floor))

    def _uart(self) -> list[dict]:
        out: list[dict] = []
        end = self._base + len(self._d)
        while self._pos < end:
            i = self._pos - self._base
            d, on = self._d[i:i + SCAN], self._on[i:i + SCAN]
            stop = np.flatnonzero(~on | (d < 0))
            k = int(stop[0]) if len(stop) else len(d)
            self._marks += k                                  # steady mark up to here
            self._check_gap()
            edge = self._pos + k
            if k == len(d):
                self._pos = edge
            elif not on[k]:                                   # carrier gone: skip the silence
                self._lost()
                self._pos = edge + _first(on[k:], len(d) - k)
            elif self._msg is None and self._marks < MIN_MARK_BITS * self.spb:
                self._marks = 0                               # seizure or noise, not a start
                self._pos = edge + _first(on[k:] & (d[k:] >= 0), len(d) - k)
            elif edge + 10 * self.spb + 2 > end:
                self._pos = edge                              # wait for the whole character
                break
            else:
                self._pos, byte = self._character(edge)
                msg = self._byte(byte) if byte is not None else None
                if msg is not None:
                    out.append(msg)
        return out

    def _character(self, edge: int) -> tuple[int, int | None]:
        """Sample one 8N1 character whose start edge is at sample ``edge`` (interpolated)."""
        i = edge - self._base
        a, b = (self._d[i - 1] if i else 1.0), self._d[i]
        t = edge - 1 + min(1.0, max(0.0, a / (a - b))) if a > b else float(edge)
        centres = np.rint(t + (np.arange(10) + 0.5) * self.spb).astype(int) - self._base
        bits = self._d[centres - 1] + self._d[centres] + self._d[centres + 1] > 0
        on = self._on[centres]
        if bits[0] or not on.all():
            return edge + 1, None                             # a glitch, not a start bit
        if not bits[9]:
            self._lost()                                      # framing error
            return edge + 1, None
        value = int(np.packbits(bits[1:9], bitorder="little")[0])
        return int(centres[9]) + self._base, value

    def _byte(self, byte: int) -> dict | None:
        self._marks = 0
        if self._msg is None:
            if byte in MESSAGE_TYPES:
                self._msg = bytearray((byte,))
            return None
        self._msg.append(byte)
        if len(self._msg) < 2 or len(self._msg) < self._msg[1] + 3:
            return None
        data, self._msg = bytes(self._msg), None
        parsed = parse(data) if sum(data) % 256 == 0 else None
        if parsed is None:
            self.errors += 1
        return parsed

    def _check_gap(self) -> None:
        if self._msg is not None and self._marks > MAX_GAP_BITS * self.spb:
            self._lost()

    def _lost(self) -> None:
        """Carrier or framing lost: a message under way is dropped and counted."""
        if self._msg is not None:
            self._msg = None
            self.errors += 1
        self._marks = 0


def _first(mask: np.ndarray, default: int) -> int:
    """Index of the first true entry of ``mask``, else ``default``."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else default


def parse(data: bytes) -> dict | None:
    """A checked message (type, length, body, checksum) as a dict; None if it is malformed."""
    kind, body = data[0], data[2:-1]
    msg = {"number": None, "name": None, "when": None, "absent": None}
    if kind == 0x04:                                          # SDMF: date and time, then number
        if len(body) < 9:
            return None
        rest = body[8:].decode("ascii", "replace")
        msg["when"] = body[:8].decode("ascii", "replace")
        if rest in ("P", "O"):
            msg["absent"] = rest
        else:
            msg["number"] = rest
        return msg
    pos = 0
    while pos < len(body):
        if pos + 2 > len(body) or pos + 2 + body[pos + 1] > len(body):
            return None
        code, value = body[pos], body[pos + 2:pos + 2 + body[pos + 1]].decode("ascii", "replace")
        pos += 2 + body[pos + 1]
        key = {0x01: "when", 0x02: "number", 0x04: "absent", 0x07: "name"}.get(code)
        if key:
            msg[key] = value
    return msg


def decode(pcm: bytes, standard: str = "bell202", rate: int = 8000) -> list[dict]:
    """Every caller-ID message in a recording."""
    rx = CallerIdReceiver(standard, rate)
    return rx.feed(pcm) + rx.feed(b"\0\0" * 2 * rx._win)
