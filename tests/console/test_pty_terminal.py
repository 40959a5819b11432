"""The serial console driven over a real pseudo-terminal the way a terminal program drives it
(screen, minicom, PuTTY on the master side; the appliance's pyserial on the slave side): every
command of the console's table (iterated, so a new command is covered by itself), bad input and
line noise, a live ``tail`` ended by Ctrl-C, and the terminal going away in the middle of
``tail``, which must leave the console serving the next session with no traceback and no thread
left behind."""
from __future__ import annotations

import fcntl
import logging
import os
import random
import select
import subprocess
import sys
import termios
import threading
import time
from types import SimpleNamespace

import pytest

from appliance.console import launch
from appliance.console.follow import HINT
from appliance.console.server import SOCKET_NAME
from appliance.console.session import BANNER
from hwsim.pty import PtyPair

from tests.console.rig import Client, live_rig, stop

PROMPT = b"\r\n> "
LIVE_WAIT_S = 2.0           # a live command still going this long gets a Ctrl-C
# What is typed for each command besides its bare name: never ``reboot now`` or
# ``factory-reset erase`` (they would really restart the test's own process).
SAMPLES = {
    "help": ["help tail"],
    "pause": ["pause ann", "pause nobody"],
    "unpause": ["unpause ann"],
    "notices": ["notices 3", "notices x"],
    "calls": ["calls 2"],
    "stats": ["stats week", "stats year"],
    "test": ["test line 1", "test line 9", "test dtmf 1 1", "test handset 1"],
    "config": ["config get console.baud", "config get no.such.key"],
    "log": ["log level", "log level loud"],
    "password": ["password forget"],
    "reboot": ["reboot later"],
    "tail": ["tail 3", "tail -f 2"],
}
FORBIDDEN = ("reboot now", "factory-reset erase")


class Terminal:
    """The terminal program's side: the pty's master, read and written as raw bytes."""

    def __init__(self, pair: PtyPair) -> None:
        self.pair, self.seen = pair, b""

    def type(self, keys: bytes) -> None:
        while keys:
            try:
                keys = keys[os.write(self.pair.master, keys):]
            except BlockingIOError:
                time.sleep(0.01)                # the tty's buffer is full: the appliance reads

    def _read(self, wait_s: float) -> None:
        ready, _, _ = select.select([self.pair.master], [], [], wait_s)
        if ready:
            try:
                self.seen += os.read(self.pair.master, 65536)
            except (BlockingIOError, OSError):
                pass

    def until(self, marker: bytes, timeout: float = 15.0) -> bytes:
        """Everything up to ``marker`` (which is consumed); AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {marker!r}; last bytes {self.seen[-300:]!r}"
            self._read(min(left, 0.1))
        before, _, self.seen = self.seen.partition(marker)
        return before

    def drain(self, quiet_s: float = 0.5, limit_s: float = 20.0) -> bytes:
        """Read until the appliance has said nothing for ``quiet_s``; forget it all."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            before = len(self.seen)
            self._read(quiet_s)
            if len(self.seen) == before:
                break
        seen, self.seen = self.seen, b""
        return seen

    def ask(self, line: str, timeout: float = 15.0) -> str:
        """Type ``line`` and Enter; the answer after the echoed line, up to the next prompt. A
        live command (it says ``HINT`` first) still going after ``LIVE_WAIT_S`` gets a Ctrl-C."""
        self.type(line.encode() + b"\r")
        deadline, live_since = time.monotonic() + timeout, None
        while PROMPT not in self.seen:
            now = time.monotonic()
            assert now < deadline, f"{line!r}: no prompt; last bytes {self.seen[-300:]!r}"
            if live_since is None and HINT.encode() in self.seen:
                live_since = now
            if live_since is not None and now - live_since > LIVE_WAIT_S:
                self.type(b"\x03")
                live_since = float("inf")
            self._read(0.1)
        text = self.until(PROMPT)
        echo, _, answer = text.decode("utf-8", "replace").partition("\r\n")
        assert echo == line
        return answer


@pytest.fixture
def console(tmp_path, caplog):
    """A running appliance serving its console on a pty, and the terminal on the other end."""
    caplog.set_level(logging.INFO)
    failures: list = []
    previous, threading.excepthook = threading.excepthook, failures.append
    pair = PtyPair(tmp_path / "console-tty")
    terminal = Terminal(pair)
    rig = live_rig(tmp_path)
    settings = {**rig.scenario.settings, "console": {"port": str(pair.path), "baud": 115200}}
    running = launch.start(rig.loop, tmp_path, settings, rig.world.lines, rig.world.handsets)
    try:
        assert terminal.until(PROMPT).decode().endswith(BANNER)
        yield terminal, running, rig
    finally:
        launch.stop(running)
        stop(rig)
        pair.close()
        threading.excepthook = previous
    assert not failures, f"a thread died: {failures}"
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def live_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "console-live" and t.is_alive()]


def test_every_command_of_the_table_answers_and_the_prompt_comes_back(console):
    terminal, running, _ = console
    table = running.serial.table
    assert table.commands, "the console has no commands"
    for name in table.commands:
        if name == "quit":
            continue
        for line in [name, *SAMPLES.get(name, [])]:
            assert not line.startswith(FORBIDDEN)
            answer = terminal.ask(line)
            assert answer.strip(), f"{line!r} got no answer"
            assert "failed inside the appliance" not in answer, f"{line!r}: {answer}"
    terminal.type(b"quit\r")
    assert terminal.until(PROMPT).decode().endswith(f"quit\r\nbye\r\n{BANNER}")
    assert terminal.ask("version").startswith("ivr-appliance ")          # the next session
    assert not live_threads()


def test_bad_input_is_one_clear_line_and_the_session_goes_on(console):
    terminal, _, _ = console
    cases = {
        b"\x00\xff\xfe garbage\x1b[A\x1b[31m": "error: unknown command '\ufffd\ufffd'",
        b"x" * 5000: "error: unknown command '" + "x" * 40 + "...'",
        b'pause "ann': "error: cannot read the line: No closing quotation (close the quote)",
        b"stat\x1b[D\x1b[Cus": None,                      # arrow keys inside a word: skipped
    }
    for keys, expected in cases.items():
        terminal.type(keys + b"\r")
        answer = terminal.until(PROMPT).split(b"\r\n", 1)[1].decode("utf-8", "replace")
        if expected is None:
            assert answer.startswith("at "), answer      # ``status`` was understood
            continue
        assert len(answer.splitlines()) == 1 and answer.startswith(expected), answer
    terminal.type(b"\x03")                                # Ctrl-C at the prompt: a fresh one
    assert terminal.until(PROMPT) == b"^C"
    noise = random.Random(9)
    for _ in range(20):                                   # line noise: any byte at all
        terminal.type(bytes(noise.randrange(256) for _ in range(300)))
    terminal.type(b"\x03\r")
    said = terminal.drain()
    assert said.endswith(PROMPT) and b"failed inside the appliance" not in said
    assert terminal.ask("version").startswith("ivr-appliance ")


def test_tail_follows_the_log_live_and_ctrl_c_gives_the_prompt_back(console):
    terminal, _, _ = console
    logging.getLogger("appliance.lines").warning("before the tail")
    terminal.type(b"tail\r")
    head = terminal.until(f"live {HINT} --\r\n".encode())
    assert head == b"tail\r\n-- the daemon's log, "
    assert terminal.until(b"before the tail\r\n").endswith(b"WARNING appliance.lines: ")
    terminal.type(b"status\r")                            # typing during tail is dropped
    logging.getLogger("appliance.engine").warning("logged while tail runs")
    shown = terminal.until(b"logged while tail runs\r\n")
    assert shown.endswith(b"WARNING appliance.engine: ")
    terminal.type(b"\x03")
    assert terminal.until(PROMPT) == b"^C\r\n-- tail stopped --"
    assert terminal.ask("version").startswith("ivr-appliance ")
    assert not live_threads()


def test_the_terminal_gone_in_the_middle_of_tail_leaves_the_console_serving(console, caplog):
    terminal, running, _ = console
    terminal.type(b"tail\r")
    terminal.until(f"live {HINT} --\r\n".encode())
    assert len(live_threads()) == 1
    terminal.pair.close()                                 # the USB-serial adapter is pulled
    deadline = time.monotonic() + 5
    while live_threads():
        assert time.monotonic() < deadline, "the live tail outlived its terminal"
        time.sleep(0.05)
    logging.getLogger("appliance.lines").warning("nobody is watching")   # nothing to write to
    terminal.pair.open()                                  # plugged in again: a new session
    terminal.seen = b""
    assert terminal.until(PROMPT, timeout=20).decode().endswith(BANNER)
    assert terminal.ask("version").startswith("ivr-appliance ")
    assert running.serial.thread.is_alive()


def test_a_socket_client_gone_in_the_middle_of_tail_ends_quietly(console, tmp_path):
    client = Client(tmp_path / SOCKET_NAME)
    client.sock.sendall(b"tail\n")
    data = b""
    while HINT.encode() not in data:
        data += client.sock.recv(4096)
    client.close()                                        # the technician's terminal closed
    deadline = time.monotonic() + 5
    while live_threads():
        assert time.monotonic() < deadline, "the live tail outlived its socket"
        time.sleep(0.05)
    logging.getLogger("appliance.lines").warning("after the socket went")
    again = Client(tmp_path / SOCKET_NAME)
    again.sock.sendall(b"tail\n")
    data = b""
    while b"after the socket went" not in data:
        data += again.sock.recv(4096)
    again.sock.sendall(b"\x03")                           # Ctrl-C over the socket too
    assert again.read_answer().endswith("-- tail stopped --")
    assert again.ask("version").startswith("ivr-appliance ")
    again.close()


def test_ctrl_c_through_the_serial_relay_ends_a_live_tail(tmp_path):
    """``ivr-appliance console --port`` on a pty: Ctrl-C is passed on, not taken as a blank line."""
    pair = PtyPair(tmp_path / "relay-tty")
    terminal = Terminal(pair)
    rig = live_rig(tmp_path)
    running = launch.start(rig.loop, tmp_path, rig.scenario.settings, [], None)
    relay = subprocess.Popen([sys.executable, "-m", "appliance", "console", "--data-dir",
                              str(tmp_path), "--port", str(pair.path)],
                             stderr=subprocess.PIPE, text=True)
    try:
        assert terminal.until(PROMPT).decode().endswith(BANNER)
        terminal.type(b"tail\r")
        terminal.until(f"live {HINT} --\r\n".encode())
        logging.getLogger("appliance.lines").warning("through the relay")
        terminal.until(b"through the relay\r\n")
        terminal.type(b"\x03")
        assert terminal.until(PROMPT).endswith(b"^C\r\n-- tail stopped --")
        assert terminal.ask("version").startswith("ivr-appliance ")
    finally:
        relay.terminate()
        relay.wait(10)
        launch.stop(running)
        stop(rig)
        pair.close()


def test_ctrl_c_on_the_box_s_own_terminal_stops_tail_not_the_program(tmp_path):
    """``ivr-appliance console`` on a terminal (a pty in its usual cooked mode, the program's
    controlling terminal): Ctrl-C is SIGINT there, and it is passed on to the appliance."""
    rig = live_rig(tmp_path)
    running = launch.start(rig.loop, tmp_path, rig.scenario.settings, [], None)
    master, slave = os.openpty()

    def controlling_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    program = subprocess.Popen([sys.executable, "-m", "appliance", "console", "--data-dir",
                                str(tmp_path)], stdin=slave, stdout=slave, stderr=slave,
                               start_new_session=True, preexec_fn=controlling_terminal)
    os.close(slave)
    os.set_blocking(master, False)
    terminal = Terminal(SimpleNamespace(master=master))
    try:
        assert terminal.until(b"\n> ").decode().replace("\r", "").endswith(BANNER)
        terminal.type(b"tail\r")
        terminal.until(f"live {HINT} --".encode())
        terminal.type(b"\x03")                            # the tty turns it into SIGINT
        assert terminal.until(b"-- tail stopped --", timeout=10)
        terminal.type(b"version\r")
        terminal.until(b"\nivr-appliance ")                # the appliance still answers
        assert program.poll() is None                     # still running: quit or Ctrl-D leaves
        terminal.type(b"quit\r")
        assert program.wait(10) == 0
    finally:
        if program.poll() is None:
            program.kill()
            program.wait(10)
        os.close(master)
        launch.stop(running)
        stop(rig)
