"""The V.253 DLE stream: shielding, events, and one key per press, however the reads cut it."""
from __future__ import annotations

import doctest

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.lines import dle
from appliance.lines.dle import (ABORT_RX, END_DUPLEX, END_TX, INTERRUPT_TX, DleEvent,
                                 DleParser, KeyFolder, shield)

DLE = b"\x10"
# line-interfaces.md V5: audio, the caller pressing 1 (repeated, framed), '#', then busy.
SESSION = (b"\x7f\x80" + DLE + b"/" + DLE + b"1" + DLE + b"1" + DLE + b"1" + DLE + b"~"
           + b"\x10\x10\x01" + DLE + b"#" + b"\x02" + DLE + b"b" + DLE + b"b" + DLE + b"\x03"
           + b"\r\nOK\r\n")


def merged(items) -> list:
    """Adjacent data pieces joined: the parser's output with the read boundaries taken out."""
    out: list = []
    for item in items:
        if isinstance(item, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += item
        elif not (isinstance(item, bytes) and not item):
            out.append(item)
    return out


def parse(chunks) -> list:
    parser = DleParser()
    return merged([item for chunk in chunks for item in parser.feed(chunk)])


def test_the_docstring_example_runs_and_says_what_it_shows():
    result = doctest.testmod(dle)
    assert result.attempted > 0 and result.failed == 0


def test_data_bytes_and_events_come_out_in_stream_order():
    assert parse([SESSION]) == [
        b"\x7f\x80", DleEvent("/"), DleEvent("1"), DleEvent("1"), DleEvent("1"), DleEvent("~"),
        b"\x10\x01", DleEvent("#"), b"\x02", DleEvent("b"), DleEvent("b"), DleEvent("\x03"),
        b"\r\nOK\r\n"]


def test_dle_sub_stands_for_two_data_dles():
    assert parse([b"a\x10\x1ab"]) == [b"a\x10\x10b"]


def test_a_dle_at_the_end_of_a_read_waits_for_its_code():
    parser = DleParser()
    assert parser.feed(b"ab\x10") == [b"ab"]
    assert parser.feed(b"\x10cd\x10") == [b"\x10cd"]
    assert parser.feed(b"s") == [DleEvent("s")]


def test_reset_forgets_a_half_received_dle():
    parser = DleParser()
    parser.feed(b"\x10")
    parser.reset()
    assert parser.feed(b"R") == [b"R"]


def test_voice_mode_ring_in_the_command_state():
    # mgetty t_ring.c: "\020R\n\020R\n" is two rings
    assert parse([b"\x10R\n\x10R\n"]) == [DleEvent("R"), b"\n", DleEvent("R"), b"\n"]


def test_events_have_meanings_for_the_log():
    assert DleEvent("l").meaning == "loop current break"
    assert DleEvent("5").meaning == "key 5"
    assert DleEvent("\x03").meaning == "end of stream"
    assert "unknown" in DleEvent("z").meaning


def test_shield_doubles_every_dle_and_nothing_else():
    assert shield(b"\x00\x10\x10\xff") == b"\x00\x10\x10\x10\x10\xff"
    assert shield(b"") == b""


def test_host_control_sequences_are_the_ones_the_reference_names():
    assert END_TX == b"\x10\x03" and INTERRUPT_TX == b"\x10\x18\x10\x03"
    assert ABORT_RX == b"\x10!" and END_DUPLEX == b"\x10^"


def test_one_key_per_press_inside_the_framing():
    folder = KeyFolder()
    codes = "/111~/1~/22~"
    assert [k for k in (folder.feed(code, 0.0) for code in codes) if k] == ["1", "1", "2"]


def test_a_different_key_inside_one_frame_is_a_new_press():
    folder = KeyFolder()
    assert [folder.feed(code, 0.0) for code in "/1122~"] == [None, "1", None, "2", None, None]


def test_unframed_repeats_70_ms_apart_are_one_press_and_a_pause_makes_two():
    folder = KeyFolder(repeat_gap_s=0.2)
    times = [0.0, 0.07, 0.14, 0.21, 0.6, 0.67]
    assert [folder.feed("5", t) for t in times] == ["5", None, None, None, "5", None]


def test_other_codes_are_not_keys():
    folder = KeyFolder()
    assert [folder.feed(code, 0.0) for code in "bdslR"] == [None] * 5


# -- properties ---------------------------------------------------------------------------------

PIECES = st.one_of(
    st.binary(min_size=1, max_size=40),                                  # audio, shielded below
    st.sampled_from("0123456789*#ABCD/~bdslqRr!^u").map(DleEvent),       # events
    st.just(DleEvent("\x03")),
)


def wire(pieces) -> bytes:
    return b"".join(shield(p) if isinstance(p, bytes) else DLE + p.code.encode("latin-1")
                    for p in pieces)


@st.composite
def cut(draw, data: bytes):
    points = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    edges = [0] + points + [len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:])]


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=25), st.data())
def test_any_cut_of_the_stream_gives_the_same_result(pieces, data):
    stream = wire(pieces)
    whole = parse([stream])
    assert parse(data.draw(cut(stream))) == whole
    assert parse([bytes([b]) for b in stream]) == whole
    assert whole == merged(pieces)          # and it is what was sent


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.data())
def test_shielded_audio_round_trips_through_the_parser(audio, data):
    assert parse(data.draw(cut(shield(audio)))) == ([audio] if audio else [])
