"""A voice modem's audio formats (``AT+VSM=?``), judged by name and bits because the codes
differ by vendor (line-interfaces.md section 5.1), and converted to and from int16 samples.

>>> [c.label for c in choose_compressions(['1,"UNSIGNED PCM",8,0,(7200,8000),(0),(0)',
...                                        '133,"LINEAR",16,0,(7200,8000),(0),(0)'])]
['LINEAR 16-bit', 'UNSIGNED PCM 8-bit']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from appliance.audio import codecs

@dataclass(frozen=True)
class Compression:
    """One ``AT+VSM=?`` entry the driver can carry: ``kind`` is linear16, ulaw, alaw,
    unsigned8 or signed8."""
    code: int
    name: str
    bits: int
    kind: str

    @property
    def width(self) -> int:
        """Bytes per sample on the wire."""
        return 2 if self.kind == "linear16" else 1

    @property
    def label(self) -> str:
        """How the plan names it: ``'LINEAR 16-bit'``."""
        return f"{self.name} {self.bits}-bit"

    def decode(self, data: bytes) -> np.ndarray:
        """Wire bytes (whole samples) -> int16 samples."""
        if self.kind == "linear16":
            return np.frombuffer(data, dtype="<i2").astype(np.int16)
        if self.kind == "ulaw":
            return codecs.ulaw_decode(data)
        if self.kind == "alaw":
            return codecs.alaw_decode(data)
        if self.kind == "signed8":
            return (np.frombuffer(data, dtype=np.int8).astype(np.int16) << 8).astype(np.int16)
        return codecs.linear_to_int16(data, 1)

    def encode(self, pcm: np.ndarray) -> bytes:
        """int16 samples -> wire bytes."""
        if self.kind == "linear16":
            return pcm.astype("<i2").tobytes()
        if self.kind == "ulaw":
            return codecs.ulaw_encode(pcm).tobytes()
        if self.kind == "alaw":
            return codecs.alaw_encode(pcm).tobytes()
        if self.kind == "signed8":
            return (pcm.astype(np.int16) >> 8).astype(np.int8).tobytes()
        return codecs.int16_to_linear(pcm, 1)


PREFERENCE = ("linear16", "ulaw", "alaw", "unsigned8", "signed8")
# Code 1 is 8-bit unsigned PCM in both listings of the reference (USR, Conexant) and in V.253.
FALLBACK = Compression(1, "UNSIGNED PCM", 8, "unsigned8")
_VSM_ENTRY = re.compile(r'^\s*(\d+)\s*,\s*"([^"]*)"\s*,\s*(\d+)')


def compression_kind(name: str, bits: int) -> str | None:
    """What an ``AT+VSM=?`` entry is, judged by name and bits (codes differ by vendor)."""
    n = re.sub(r"[\s_-]", "", name.upper())
    if bits == 16 and "UNSIGNED" not in n and ("LINEAR" in n or "SIGNED" in n or n == "PCM"):
        return "linear16"
    if bits != 8:
        return None
    if "ULAW" in n or "MULAW" in n or "\u039cLAW" in n:
        return "ulaw"
    if "ALAW" in n:
        return "alaw"
    if "UNSIGNED" in n:
        return "unsigned8"
    if "SIGNED" in n:
        return "signed8"
    if "LINEAR" in n or n == "PCM":
        return "unsigned8"      # mgetty: "8 bit linear" is V.253's code 1, unsigned [I]
    return None


def choose_compressions(listing: list[str]) -> list[Compression]:
    """The usable entries of an ``AT+VSM=?`` reply, best first (16-bit linear, u-law, A-law,
    8-bit unsigned, 8-bit signed; within a kind, the modem's order)."""
    found = []
    for line in listing:
        match = _VSM_ENTRY.match(line)
        if match is None:
            continue
        code, name, bits = int(match.group(1)), match.group(2).strip(), int(match.group(3))
        kind = compression_kind(name, bits)
        if kind is not None:
            found.append(Compression(code, name, bits, kind))
    return sorted(found, key=lambda entry: PREFERENCE.index(entry.kind))
