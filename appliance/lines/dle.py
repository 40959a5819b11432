"""The V.253 / IS-101 DLE stream: shielded voice bytes and ``<DLE>``-coded events, parsed purely.

Inside ``AT+VRX`` / ``AT+VTX`` / ``AT+VTR`` a voice modem sends audio bytes with every data byte
0x10 doubled, and reports events as ``<DLE><code>`` (``<DLE>5`` a DTMF key, ``<DLE>b`` busy,
``<DLE>l`` loop current break, ``<DLE><ETX>`` end of the stream ...); ``<DLE><SUB>`` stands for
two data bytes 0x10 (line-interfaces.md 5.2, 5.3). In the command state a voice modem uses the
same coding (``<DLE>R`` for a ring), so one parser serves both states: what is not an event
comes out as bytes (audio in a stream, text in the command state).

``DleParser.feed`` takes chunks cut anywhere (a ``<DLE>`` may end one read and its code start
the next) and returns the audio and events in stream order; no I/O, no clock. ``KeyFolder``
turns IS-101's repeated key reports (``<DLE>5`` every ~70 ms while the tone lasts, framed by
``<DLE>/`` ... ``<DLE>~``) into one key per press.

    >>> parser = DleParser()
    >>> parser.feed(b"ab\\x10\\x10c\\x10")
    [b'ab\\x10c']
    >>> parser.feed(b"/\\x105\\x105\\x10~\\x10\\x03")
    [DleEvent(code='/'), DleEvent(code='5'), DleEvent(code='5'), DleEvent(code='~'), DleEvent(code='\\x03')]
    >>> shield(b"\\x01\\x10\\x02")
    b'\\x01\\x10\\x10\\x02'
    >>> folder = KeyFolder()
    >>> [folder.feed(code, 0.0) for code in "/55~"]
    [None, '5', None, None]
"""
from __future__ import annotations

from dataclasses import dataclass

DLE, ETX, SUB, CAN = 0x10, 0x03, 0x1A, 0x18
_DLE = bytes([DLE])

# What the host sends inside a stream (line-interfaces.md 5.2).
END_TX = bytes([DLE, ETX])                        # end of AT+VTX data: the modem drains, then OK
INTERRUPT_TX = bytes([DLE, CAN, DLE, ETX])        # barge-in: clear the buffer, then end
ABORT_RX = bytes([DLE]) + b"!"                    # end AT+VRX: <DLE><ETX>, then OK
END_DUPLEX = bytes([DLE]) + b"^"                  # end AT+VTR: <DLE><ETX>, then OK

END_OF_STREAM = chr(ETX)
KEYS = frozenset("0123456789*#ABCD")
KEY_START, KEY_END = "/", "~"
# What each event code means (mgetty IS_101.c, USR table 6-2); codes not listed are logged.
MEANING = {
    "b": "busy tone", "K": "busy tone", "d": "dial tone", "i": "dial tone",
    "s": "silence (presumed hang-up)", "q": "quiet (end of message)", "l": "loop current break",
    "L": "loop polarity reversal", "R": "ring", "r": "ringback", "c": "fax calling tone",
    "m": "fax calling tone", "e": "data calling tone", "f": "data answer tone",
    "a": "fax or data answer tone", "h": "local handset on hook", "p": "local handset on hook",
    "H": "local handset off hook", "P": "local handset off hook", "J": "SIT tone",
    "$": "bong tone", "o": "receive buffer overrun", "u": "transmit buffer underrun",
    "v": "voice detected", "V": "voice detected", "w": "call waiting beep", "t": "TDD detected",
    "T": "timing mark", "Y": "lost data", "E": "invalid voice format", "Q": "XON", "S": "XOFF",
    END_OF_STREAM: "end of stream", KEY_START: "key tone starts", KEY_END: "key tone ends",
}


@dataclass(frozen=True, slots=True)
class DleEvent:
    """One ``<DLE><code>`` event from the modem; ``code`` is the character after the DLE."""
    code: str

    @property
    def meaning(self) -> str:
        """Words for the event, for logs (``'busy tone'``, ``'key 5'``)."""
        if self.code in KEYS:
            return f"key {self.code}"
        return MEANING.get(self.code, f"unknown code {self.code!r}")


def shield(audio: bytes) -> bytes:
    """``audio`` ready to send inside a stream: every data byte 0x10 doubled."""
    return audio.replace(_DLE, _DLE + _DLE)


class DleParser:
    """Splits a modem's byte stream into data bytes and ``DleEvent`` s, chunk by chunk.

    The result of ``feed`` lists data (``bytes``, consecutive data merged) and events in the
    order they arrived. A chunk that ends on a lone ``<DLE>`` keeps it until the next chunk, so
    the output does not depend on how the stream was cut into reads.
    """

    def __init__(self):
        self._dle_pending = False

    def reset(self) -> None:
        """Forget a half-received ``<DLE>`` (the port was reopened or flushed)."""
        self._dle_pending = False

    def feed(self, chunk: bytes) -> list[bytes | DleEvent]:
        """Parse the next piece of the stream."""
        out: list[bytes | DleEvent] = []
        data = bytearray()
        pos = 0
        if self._dle_pending and chunk:
            self._dle_pending = False
            self._code(chunk[0], data, out)
            pos = 1
        while pos < len(chunk):
            found = chunk.find(_DLE, pos)
            if found < 0:
                data += chunk[pos:]
                break
            data += chunk[pos:found]
            if found + 1 == len(chunk):
                self._dle_pending = True
                break
            self._code(chunk[found + 1], data, out)
            pos = found + 2
        if data:
            out.append(bytes(data))
        return out

    @staticmethod
    def _code(code: int, data: bytearray, out: list) -> None:
        if code == DLE:
            data.append(DLE)
        elif code == SUB:
            data += _DLE + _DLE
        else:
            if data:
                out.append(bytes(data))
                data.clear()
            out.append(DleEvent(chr(code)))


class KeyFolder:
    """One key per press from a voice modem's key reports.

    Inside ``<DLE>/`` ... ``<DLE>~`` a repeated digit is the same press (mgetty's
    "hearing_dtmf" rule); a different digit is a new press. A modem that does not frame its
    reports repeats the digit about every 70 ms, so a repeat within ``repeat_gap_s`` of the last
    report of the same digit is the same press.
    """

    def __init__(self, repeat_gap_s: float = 0.2):
        self.repeat_gap_s = repeat_gap_s
        self._framed = False
        self._held: str | None = None
        self._last: tuple[str, float] | None = None

    def feed(self, code: str, now: float) -> str | None:
        """Account one event code at time ``now`` (seconds); returns a key on a new press."""
        if code == KEY_START:
            self._framed, self._held = True, None
            return None
        if code == KEY_END:
            self._framed, self._held = False, None
            return None
        if code not in KEYS:
            return None
        last, self._last = self._last, (code, now)
        if self._framed:
            new = code != self._held
            self._held = code
            return code if new else None
        if last is not None and last[0] == code and now - last[1] < self.repeat_gap_s:
            return None
        return code
