"""The console PIN (settings ``console.pin``): asked before any command on the control socket and
on the serial port, never echoed, three misses end the session (the serial port then waits), and
never shown by ``config``."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from appliance.console import launch, session
from appliance.console.server import SOCKET_NAME
from appliance.console.session import BANNER, LOCKED_OUT
from appliance.store.settings import SettingsStore

from tests.console import test_serial
from tests.console.rig import live_rig, stop
from tests.console.test_serial import Terminal

PIN = "0427"
pty_pair = test_serial.pty_pair


def with_pin(data_dir, pin: str | None, port: str | None = None) -> dict:
    """Save ``console.pin`` (and ``console.port``) in the store; the saved settings."""
    store = SettingsStore(data_dir)
    doc = store.load()
    doc["console"].update(pin=pin, port=port)
    return store.save(doc)


class Raw:
    """A technician on the socket who reads exactly what the appliance sends."""

    def __init__(self, path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(str(path))
        self.buffer = b""

    def until(self, end: str) -> str:
        while not self.buffer.endswith(end.encode()):
            data = self.sock.recv(65536)
            assert data, f"the console closed the connection; got {self.buffer!r}"
            self.buffer += data
        text, self.buffer = self.buffer.decode(), b""
        return text

    def send(self, text: str) -> None:
        self.sock.sendall(text.encode())

    def closed(self) -> bool:
        return self.sock.recv(100) == b""


@pytest.fixture
def served(tmp_path):
    rig = live_rig(tmp_path)
    settings = with_pin(tmp_path, PIN)
    console = launch.start(rig.loop, tmp_path, settings, rig.world.lines, rig.world.handsets)
    yield rig
    launch.stop(console)
    stop(rig)


def test_the_socket_asks_for_the_pin_before_any_command(served, tmp_path):
    client = Raw(tmp_path / SOCKET_NAME)
    assert client.until("PIN: ") == BANNER + "\nPIN: "
    client.send("\n")                                    # Enter alone only asks again
    assert client.until("PIN: ") == "PIN: "
    client.send("status\n")                              # not a PIN: not a command either
    assert client.until("PIN: ") == "wrong PIN\nPIN: "
    client.send(PIN + "\n")
    assert client.until("> ") == "> "
    client.send("pause ann\n")
    assert client.until("> ") == "ann paused: no calls are offered until 'unpause ann'\n> "
    assert "paused (manual)" in served.run("operators").splitlines()[1]


def test_the_pin_and_commands_may_come_in_one_write(served, tmp_path):
    client = Raw(tmp_path / SOCKET_NAME)
    client.until("PIN: ")
    client.send(f"{PIN}\nversion\n")
    assert client.until("\n> ").startswith("> ivr-appliance ")


def test_three_wrong_pins_end_the_socket_session(served, tmp_path):
    client = Raw(tmp_path / SOCKET_NAME)
    client.until("PIN: ")
    for guess in ("1111", "2222"):
        client.send(guess + "\n")
        assert client.until("PIN: ") == "wrong PIN\nPIN: "
    client.send("3333\npause ann\n")
    assert client.until("\n") == LOCKED_OUT + "\n"
    assert client.closed()
    assert "available" in served.run("operators").splitlines()[1]   # nothing got through


def test_config_never_shows_the_pin_and_a_new_one_holds_from_the_next_session(served, tmp_path):
    client = Raw(tmp_path / SOCKET_NAME)
    client.until("PIN: ")
    client.send(PIN + "\n")
    client.until("> ")
    client.send("config get console.pin\n")
    assert client.until("> ") == "console.pin = (set)\n> "
    client.send("config get console\n")
    assert client.until("> ") == 'console = {"port": null, "baud": 115200, "pin": "(set)"}\n> '
    client.send("config set console.pin 12345\n")
    assert client.until("> ") == "console.pin = (set) (in effect now)\n> "
    client.send("config set console.pin 12\n")
    answer = client.until("> ")
    assert answer.startswith("error: Setting 'console.pin' must be 4 to 8 digits")
    assert "12 " not in answer and "12)" not in answer
    client.send("config show console.pin\n")
    assert client.until("> ").startswith("console.pin  [4 to 8 digits, or null; default null]")
    again = Raw(tmp_path / SOCKET_NAME)
    again.until("PIN: ")
    again.send(PIN + "\n")
    assert again.until("PIN: ") == "wrong PIN\nPIN: "
    again.send("12345\n")
    assert again.until("> ") == "> "
    client.send("config set console.pin null\n")
    assert client.until("> ") == "console.pin = null (in effect now)\n> "
    assert Raw(tmp_path / SOCKET_NAME).until("> ") == BANNER + "\n> "


def test_the_pin_is_kept_as_text_with_its_leading_zero(tmp_path):
    from appliance.errors import SettingsError
    from appliance.store import schema
    assert schema.validate({"console": {"pin": "0427"}})["console"]["pin"] == "0427"
    assert schema.validate({"console": {"pin": 12345678}})["console"]["pin"] == "12345678"
    for wrong in ("123", "123456789", "12a4", 1.5, True, ""):
        with pytest.raises(SettingsError, match="'console.pin' must be 4 to 8 digits"):
            schema.validate({"console": {"pin": wrong}})


def test_the_serial_console_hides_the_pin_and_waits_after_three_misses(tmp_path, pty_pair,
                                                                      monkeypatch):
    monkeypatch.setattr(session, "LOCKOUT_S", 1.5)         # 10 s on a box
    ours, theirs = pty_pair
    terminal = Terminal(theirs)
    rig = live_rig(tmp_path)
    console = launch.start(rig.loop, tmp_path, with_pin(tmp_path, PIN, ours), [], None)
    port = terminal.port
    try:
        assert port.read_until(b"PIN: ") == f"{BANNER}\r\nPIN: ".encode()
        port.write(PIN.encode() + b"\r")
        assert terminal.until_prompt() == ""            # only the line end: no PIN echoed
        assert terminal.type(b"pause ann\r").startswith("pause ann\r\nann paused")
        port.write(b"quit\r")
        assert port.read_until(b"PIN: ").endswith(f"bye\r\n{BANNER}\r\nPIN: ".encode())
        for guess in (b"9\x7f1111\r", b"2222\r"):                 # nor is an erase
            port.write(guess)
            assert port.read_until(b"PIN: ") == b"\r\nwrong PIN\r\nPIN: "
        port.write(b"3333\r")
        assert port.read_until(b" s\r\n") == (b"\r\n" + LOCKED_OUT.encode()
                                               + b"; the console answers again in 2 s\r\n")
        locked = time.monotonic()
        port.write(PIN.encode() + b"\r")                         # typed while locked out: dropped
        assert port.read_until(b"PIN: ") == f"{BANNER}\r\nPIN: ".encode()
        assert time.monotonic() - locked >= 1.4
        port.write(PIN.encode() + b"\r")
        assert terminal.until_prompt() == ""
    finally:
        port.close()
        launch.stop(console)
        stop(rig)


def test_the_serial_relay_hides_the_pin_too(tmp_path, pty_pair):
    ours, theirs = pty_pair
    terminal = Terminal(theirs)
    rig = live_rig(tmp_path)
    console = launch.start(rig.loop, tmp_path, with_pin(tmp_path, PIN), [], None)
    relay = subprocess.Popen([sys.executable, "-m", "appliance", "console", "--data-dir",
                              str(tmp_path), "--port", ours], stderr=subprocess.PIPE, text=True)
    port = terminal.port
    try:
        assert relay.stderr.readline().startswith(f"console on {ours}")
        assert port.read_until(b"PIN: ") == f"{BANNER}\r\nPIN: ".encode()
        port.write(b"1111\r")
        assert port.read_until(b"PIN: ") == b"\r\nwrong PIN\r\nPIN: "
        port.write(PIN.encode() + b"\r")
        assert terminal.until_prompt() == ""
        assert terminal.type(b"pause bob\r").startswith("pause bob\r\nbob paused")
    finally:
        port.close()
        relay.terminate()
        relay.wait(10)
        launch.stop(console)
        stop(rig)
