"""`python -m hwsim.modems`: a technician's simulated module on a pty, driven from stdin."""
from __future__ import annotations

import contextlib
import subprocess
import sys

import serial


@contextlib.contextmanager
def technicians_modem(port, *options):
    """The simulated module as a technician starts it; yields the process after its first line
    (returned with it) and ends it with ``quit``, which must exit 0."""
    proc = subprocess.Popen([sys.executable, "-m", "hwsim.modems", "--port", str(port), *options],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield proc, proc.stdout.readline().strip()
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()


def say(proc, text: str) -> str:
    proc.stdin.write(text + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def test_the_simulated_modem_prints_its_port_and_takes_calls_from_stdin(tmp_path):
    with technicians_modem(tmp_path / "modem0", "--dialect", "ec25") as (proc, first):
        assert first == (f"Quectel EC25 simulated on {tmp_path / 'modem0'} "
                         f"(audio port {tmp_path / 'modem0-audio'})")
        port = serial.Serial(str(tmp_path / "modem0"), 115200, timeout=0.5)
        port.write(b"ATE0\r")
        assert port.read_until(b"OK\r\n").endswith(b"OK\r\n")
        assert say(proc, "call +4915112345678") == "ok"
        assert say(proc, "bogus").startswith("? bogus (commands: call, press")
        assert b'+CLIP: "+4915112345678",145' in port.read_until(b",,,,0\r\n")
        port.close()


def test_a_refused_command_and_a_restart_from_the_technicians_modem(tmp_path):
    with technicians_modem(tmp_path / "modem0", "--dialect", "sim800",
                           "--refuse", "AT+DDET=1") as (proc, first):
        port = serial.Serial(str(tmp_path / "modem0"), 115200, timeout=0.5)
        port.write(b"ATE0\r")
        port.read_until(b"OK\r\n")
        port.write(b"AT+DDET=1\r")
        assert port.read_until(b"ERROR\r\n").endswith(b"ERROR\r\n")
        assert say(proc, "restart") == "ok"
        port.timeout = 3.0
        assert b"SMS Ready" in port.read_until(b"SMS Ready\r\n")   # a UART module reboots in place
        port.close()


def test_the_technicians_analog_modem_rings_with_caller_id(tmp_path):
    with technicians_modem(tmp_path / "modem0", "--dialect", "v253") as (proc, first):
        assert first.startswith("V.253 voice modem (usr) simulated on")
        port = serial.Serial(str(tmp_path / "modem0"), 115200, timeout=3.0)
        for command in (b"AT+FCLASS=8\r", b"AT+VCID=1\r"):    # caller ID only when asked for
            port.write(command)
            assert port.read_until(b"OK\r\n").endswith(b"OK\r\n")
        assert say(proc, "call 5551234567 JOHN DOE") == "ok"
        block = port.read_until(b"NAME = JOHN DOE\r\n")
        assert b"RING" in block and b"NMBR = 5551234567" in block
        port.close()
