"""``ivr-appliance console`` on a terminal against a running ``ivr-appliance run`` (simulated
drivers) in a tmp data folder, as a technician uses it on the box."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from appliance.console.server import SOCKET_NAME


def ivr(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "appliance", *map(str, args)],
                          capture_output=True, text=True, timeout=60, **kwargs)


def wait_for(path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.fixture
def daemon(tmp_path):
    errors = open(tmp_path / "daemon.err", "w")
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "run", "--data-dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=errors)
    wait_for(tmp_path / SOCKET_NAME)
    yield proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
    errors.close()


def test_the_console_on_a_terminal_talks_to_the_running_daemon(tmp_path, daemon):
    typed = "status\npause ann\noperators\nconfig set queues.sales.ring_timeout_s 3\n"
    done = ivr("console", "--data-dir", tmp_path, input=typed)
    assert done.returncode == 0, done.stderr
    answers = done.stdout.split("> ")
    assert "  line1      idle" in answers[1] and "today: 0 calls" in answers[1]
    assert answers[2] == "ann paused: no calls are offered until 'unpause ann'\n"
    assert "paused (manual)" in answers[3].splitlines()[1]
    assert answers[4] == ("error: Setting 'queues.sales.ring_timeout_s' must be at least 5; "
                          "nothing was changed\n")


def test_the_daemon_removes_its_socket_when_it_stops(tmp_path, daemon):
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(15) == 0
    assert not (tmp_path / SOCKET_NAME).exists()
    done = ivr("console", "--data-dir", tmp_path, input="status\n")
    assert done.returncode == 1
    assert done.stderr == (f"ivr-appliance console: error: no appliance is running with data "
                           f"folder {tmp_path} (no console socket)\n")


def test_console_answers_help():
    done = ivr("console", "--help")
    assert done.returncode == 0 and "--port" in done.stdout and "--baud" in done.stdout


def test_a_fast_simulation_serves_no_console(tmp_path):
    scenario = tmp_path / "one.json"
    scenario.write_text(json.dumps({"callers": [{"at_s": 0, "number": "+441632960001",
                                                 "keys": "1"}]}))
    done = ivr("sim", "--fast", "--scenario", scenario, "--data-dir", tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "data" / SOCKET_NAME).exists()
    assert "no console socket" in ivr("console", "--data-dir", tmp_path / "data").stderr


def test_a_live_simulation_serves_the_console_with_its_fault_switches(tmp_path):
    scenario = tmp_path / "quiet.json"
    scenario.write_text(json.dumps({"callers": [{"at_s": 86400, "number": "+441632960001"}]}))
    data = tmp_path / "data"
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "sim", "--quiet", "--scenario",
                             str(scenario), "--data-dir", str(data), "--web-port", "18093"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(data / SOCKET_NAME)
        done = ivr("console", "--data-dir", data, input="sim fault line1 unplug\nlines\n")
        assert done.stdout.split("> ")[1:3] == ["line line1: unplug thrown\n",
                                                "Lines\n  line1      down\n    ! out of service: unplugged\n"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(15)
    assert not (data / SOCKET_NAME).exists()
