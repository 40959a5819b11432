"""Properties of the AT stream: however the bytes are cut into reads, and whatever noise comes
between lines, the same URCs come out in the same order; classify never fails."""
from __future__ import annotations

import threading
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.lines.at import AtChannel, Partial, Response, Urc, classify
from appliance.lines.dialects import SIM800, SIM7600

SESSION = (b"\r\nRING\r\n\r\n+CLIP: \"+447700900123\",145,\"\",0,\"\",0\r\n"
           b"\r\r\n+RXDTMF: 5\r\r\n\r\n+DTMF:7,160\r\n\r\nVOICE CALL: END: 000041\r\n\r\nNO CARRIER\r\n")
EXPECTED = [("ring", None), ("caller", "+447700900123"), ("key", "5"), ("key", "7"),
            ("hangup", None), ("hangup", None)]
URCS = SIM800.urcs + SIM7600.urcs


class ChunkPort:
    """Hands out ``data`` in the given chunks, then nothing."""

    def __init__(self, chunks: list[bytes]):
        self.chunks, self.in_waiting, self.done = list(chunks), 0, threading.Event()

    def read(self, size: int = 1) -> bytes:
        if not self.chunks:
            self.done.set()
            time.sleep(0.005)
            return b""
        return self.chunks.pop(0)

    def write(self, data: bytes) -> int:
        return len(data)

    def close(self) -> None:
        pass


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:])]


def urcs_from(chunks: list[bytes]) -> list[tuple[str, object]]:
    seen, port = [], ChunkPort(chunks)
    channel = AtChannel(port, URCS, lambda urc: seen.append((urc.kind, urc.value)))
    channel.start()
    port.done.wait(5)
    channel.close()
    return seen


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0), max_size=12))
def test_urcs_survive_any_cut_into_reads(cuts):
    assert urcs_from(chunked(SESSION, cuts)) == EXPECTED


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=8).filter(
    lambda b: b"\n" not in b and any(x > 127 for x in b)), max_size=4))
def test_noise_lines_between_urcs_are_skipped(noise):
    lines = SESSION.split(b"\r\n\r\n")
    mixed = b"".join(line + b"\r\n" + (noise[i] + b"\r\n" if i < len(noise) else b"")
                     for i, line in enumerate(lines))
    assert urcs_from([mixed]) == EXPECTED


@given(st.text(min_size=1, max_size=40), st.sampled_from([None, "ATA", "AT+CLCC", "AT+CSQ"]))
def test_classify_always_answers_one_of_three(line, pending):
    assert isinstance(classify(line, pending, URCS), (Response, Urc, Partial))
