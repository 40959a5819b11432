"""AtChannel over a real pty: one command in flight, timeouts with the partial reply, CME codes
with meanings, garbage skipped, a vanished port reported once."""
from __future__ import annotations

import os
import select
import threading
import time

import pytest
import serial

from appliance.errors import AtTimeout, CmeError, CommandRejected, ModemGone, SimPinRequired
from appliance.lines import cme
from appliance.lines.at import AtChannel
from appliance.lines.dialects import SIM800
from hwsim.pty import PtyPair


@pytest.fixture
def rig(tmp_path):
    pair = PtyPair(tmp_path / "modem")
    urcs, lost = [], []
    port = serial.Serial(str(pair.path), 115200, timeout=0.05)
    channel = AtChannel(port, SIM800.urcs, urcs.append, lost.append, name="t")
    channel.start()
    yield pair, channel, urcs, lost
    channel.close()
    if pair.is_open:
        pair.close()


def modem_says(pair, data: bytes, after: float = 0.05) -> None:
    threading.Timer(after, os.write, args=(pair.master, data)).start()


def wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_reply_returns_its_lines_and_a_urc_in_the_middle_is_dispatched(rig):
    pair, channel, urcs, _ = rig
    modem_says(pair, b"\r\n+CSQ: 16,99\r\n\r\nRING\r\n\r\nOK\r\n")
    assert channel.command("AT+CSQ", 2.0) == ["+CSQ: 16,99"]
    assert [u.kind for u in urcs] == ["ring"]
    assert os.read(pair.master, 100) == b"AT+CSQ\r"


def test_a_reply_split_across_reads_is_joined(rig):
    pair, channel, _, _ = rig
    modem_says(pair, b"\r\n+CSQ: 1")
    modem_says(pair, b"6,99\r\n\r\nO", after=0.15)
    modem_says(pair, b"K\r\n", after=0.25)
    assert channel.command("AT+CSQ", 2.0) == ["+CSQ: 16,99"]


def test_a_timeout_carries_the_partial_reply(rig):
    pair, channel, _, _ = rig
    modem_says(pair, b"\r\n+CPIN: READY\r\n")
    with pytest.raises(AtTimeout) as caught:
        channel.command("AT+CPIN?", 0.4)
    assert caught.value.partial == ["+CPIN: READY"]


def test_cme_codes_carry_their_meaning_and_narrow_class(rig):
    pair, channel, _, _ = rig
    modem_says(pair, b"\r\n+CME ERROR: 11\r\n")
    with pytest.raises(SimPinRequired) as caught:
        channel.command("ATD123;", 2.0)
    assert caught.value.code == 11 and "lines[].pin" in caught.value.meaning
    modem_says(pair, b"\r\n+CME ERROR: 30\r\n")
    with pytest.raises(CmeError, match="no network service"):
        channel.command("AT+VTS=1", 2.0)


def test_error_and_call_outcomes_are_rejections_naming_the_final_code(rig):
    pair, channel, _, _ = rig
    modem_says(pair, b"\r\nERROR\r\n")
    with pytest.raises(CommandRejected, match="'AT\\+FOO' was answered 'ERROR'"):
        channel.command("AT+FOO", 2.0)


def test_garbage_is_skipped_and_the_reply_still_arrives(rig, caplog):
    pair, channel, urcs, _ = rig
    modem_says(pair, b"\xff\xfe\x00\x9c~~\x07garble\r\n\r\nOK\r\n")
    assert channel.command("AT", 2.0) == []
    assert "garbled line skipped" in caplog.text and urcs == []


def test_commands_are_sent_one_at_a_time(rig):
    pair, channel, _, _ = rig
    done = []
    threading.Thread(target=lambda: done.append(channel.command("AT+CSQ", 2.0))).start()
    time.sleep(0.1)
    threading.Thread(target=lambda: done.append(channel.command("AT", 2.0))).start()
    time.sleep(0.1)
    assert os.read(pair.master, 100) == b"AT+CSQ\r"      # the second waits its turn
    os.write(pair.master, b"\r\nOK\r\n")
    wait_for(lambda: len(done) == 1)
    ready, _, _ = select.select([pair.master], [], [], 2.0)     # the second goes out now, soon
    assert ready and os.read(pair.master, 100) == b"AT\r"
    os.write(pair.master, b"\r\nOK\r\n")
    wait_for(lambda: len(done) == 2)


def test_a_vanished_port_is_reported_once_and_commands_then_fail(rig):
    pair, channel, _, lost = rig
    pair.close()
    wait_for(lambda: lost)
    with pytest.raises(ModemGone):
        channel.command("AT", 1.0)
    time.sleep(0.2)
    assert len(lost) == 1


@pytest.mark.parametrize("text, code", [("+CME ERROR: 14", 14), ("+CME ERROR: 1 3", 13),
                                        ("+CME ERROR: SIM busy", 14), ("+CME ERROR: ", None)])
def test_cme_codes_parse_in_numeric_and_text_form(text, code):
    assert cme.parse_code(text) == code
