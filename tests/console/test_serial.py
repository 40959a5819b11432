"""The serial console end to end over a real pty pair made by socat, with pyserial playing the
technician's terminal: served by the appliance (settings ``console.port``) and by
``ivr-appliance console --port`` relaying to the control socket."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import pytest
import serial

from appliance.console import launch
from appliance.console.serial_link import SerialPort
from appliance.console.server import SOCKET_NAME
from appliance.console.session import BANNER
from appliance.errors import DriverError

from tests.console.rig import live_rig, stop


@pytest.fixture
def pty_pair():
    """Two linked pseudo-terminals: (appliance end, technician end)."""
    socat = shutil.which("socat")
    assert socat, "socat is missing: install it (./dev.sh setup lists it in APT_PACKAGES)"
    proc = subprocess.Popen([socat, "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
                            stderr=subprocess.PIPE, text=True)
    names = [re.search(r"PTY is (\S+)", proc.stderr.readline()).group(1) for _ in range(2)]
    yield names
    proc.terminate()
    proc.wait(10)


class Terminal:
    """The technician's side: pyserial on the far pty, reading up to the next prompt."""

    def __init__(self, device: str) -> None:
        self.port = serial.Serial(device, 115200, timeout=10)

    def until_prompt(self) -> str:
        data = self.port.read_until(b"\r\n> ")
        assert data.endswith(b"\r\n> "), f"no prompt; got {data!r}"
        return data[:-4].decode()

    def type(self, keys: bytes) -> str:
        self.port.write(keys)
        return self.until_prompt()


def settings_with_port(settings: dict, device: str) -> dict:
    return {**settings, "console": {"port": device, "baud": 115200}}


def test_the_appliance_serves_the_console_on_the_settings_port(tmp_path, pty_pair):
    ours, theirs = pty_pair
    terminal = Terminal(theirs)                 # opening flushes: open before anything is sent
    rig = live_rig(tmp_path)
    console = launch.start(rig.loop, tmp_path, settings_with_port(rig.scenario.settings, ours),
                           rig.world.lines, rig.world.handsets)
    try:
        assert terminal.until_prompt() == BANNER
        answer = terminal.type(b"stattus\x7f\x7f\x7fus\r")     # a typo mended with backspace
        assert answer.startswith("stattus\b \b\b \b\b \bus\r\nat ")
        assert "\r\n  line1      idle\r\n" in answer
        assert terminal.type(b"pause ann\r") == \
            "pause ann\r\nann paused: no calls are offered until 'unpause ann'"
        assert terminal.type(b"quit\r").endswith(f"bye\r\n{BANNER}")   # the next session
        assert "paused (manual)" in terminal.type(b"operators\r")
    finally:
        terminal.port.close()
        launch.stop(console)
        stop(rig)
    assert not console.serial.thread.is_alive()


def test_console_port_relays_a_serial_terminal_to_the_running_appliance(tmp_path, pty_pair):
    ours, theirs = pty_pair
    terminal = Terminal(theirs)
    rig = live_rig(tmp_path)
    console = launch.start(rig.loop, tmp_path, rig.scenario.settings, [], None)
    relay = subprocess.Popen([sys.executable, "-m", "appliance", "console", "--data-dir",
                              str(tmp_path), "--port", ours],
                             stderr=subprocess.PIPE, text=True)
    try:
        assert relay.stderr.readline().startswith(f"console on {ours} at 115200 8N1")
        assert terminal.until_prompt() == BANNER
        assert terminal.type(b"pause bob\r") == \
            "pause bob\r\nbob paused: no calls are offered until 'unpause bob'"
        assert "paused (manual)" in terminal.type(b"operators\r").splitlines()[3]
        assert terminal.type(b"config set queues.sales.ring_timeout_s 3\r").endswith(
            "error: Setting 'queues.sales.ring_timeout_s' must be at least 5; nothing was changed")
    finally:
        terminal.port.close()
        relay.terminate()
        relay.wait(10)
        launch.stop(console)
        stop(rig)


def test_console_port_without_a_running_appliance_says_so(tmp_path, pty_pair):
    done = subprocess.run([sys.executable, "-m", "appliance", "console", "--data-dir",
                           str(tmp_path), "--port", pty_pair[0]],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert done.stderr.strip().endswith(f"no appliance is running with data folder {tmp_path} "
                                        "(no console socket)")
    assert not (tmp_path / SOCKET_NAME).exists()


def test_a_serial_port_that_cannot_be_used_is_one_clear_line(tmp_path):
    with pytest.raises(DriverError, match="cannot open the console port /nonexistent/tty: No "
                                          "such file or directory"):
        SerialPort.open("/nonexistent/tty", 115200)
    (tmp_path / "file").write_text("")
    with pytest.raises(DriverError, match=f"{tmp_path / 'file'} is not a serial port"):
        SerialPort.open(str(tmp_path / "file"), 115200)
    with pytest.raises(DriverError, match="baud 1234 is not a serial speed; use one of 1200,"):
        SerialPort.open("/dev/null", 1234)


def test_a_missing_console_port_is_logged_once_and_retried_until_stopped(caplog, tmp_path):
    rig = live_rig(tmp_path)
    console = launch.start(rig.loop, tmp_path,
                           settings_with_port(rig.scenario.settings, "/nonexistent/tty"), [], None)
    time.sleep(0.3)
    launch.stop(console)
    stop(rig)
    assert not console.serial.thread.is_alive()
    assert [r.getMessage() for r in caplog.records if r.name == "appliance.console"] == [
        "serial console on /nonexistent/tty: cannot open the console port /nonexistent/tty: No "
        "such file or directory (check the device name, the cable, and that the user is in "
        "group dialout); trying again every 2 s"]


def test_a_port_that_vanishes_mid_read_ends_the_stream_instead_of_raising(pty_pair):
    ours, theirs = pty_pair
    port = SerialPort.open(ours, 115200)
    far = serial.Serial(theirs, 115200, timeout=1)
    far.write(b"\x00\xff garbage \x1b[A\r\n")              # line noise is only bytes
    assert port.read(64).startswith(b"\x00\xff garbage")
    far.close()
    port.port.close()                                        # the adapter is pulled out
    assert port.read(64) == b"" and port.closed.is_set()
    port.write(b"nobody hears this")                         # and writing does not raise
    port.close()
