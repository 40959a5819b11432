"""The daemon builds GSM lines from settings, and `ivr-appliance run` takes a call end to end on a
simulated SIM800 behind a pty."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import pytest

from appliance import drivers
from appliance.events import LineFailed
from appliance.lines.gsm import GsmLine
from appliance.store import schema
from appliance.store.settings import SettingsStore
from hwsim.modems import simulated

CALLER = "+447700900123"


def settings_with(**patch):
    return schema.validate(schema.merge(schema.defaults(), patch))


@pytest.mark.parametrize("driver", ["sim800", "sim7600", "ec25"])
def test_build_line_makes_a_gsm_line_for_the_driver(driver, tmp_path):
    modem = simulated(driver, path=tmp_path / "modem")
    try:
        settings = settings_with(lines=[{"id": "gsm", "driver": driver, "port": str(modem.path),
                                         "pin": "1234"}])
        line = drivers.build_line(settings, 0, scheduler=None)
        assert isinstance(line, GsmLine)
        assert (line.id, line.dialect.name, line.pin) == ("gsm", driver, "1234")
    finally:
        modem.stop()


def started(line):
    events = []
    line.start(events.append)
    return events


def test_a_missing_port_starts_the_line_down_naming_the_setting_and_the_device():
    settings = settings_with(lines=[{"id": "gsm", "driver": "sim800", "port": "/dev/ttyUSB9"}])
    line = drivers.build_line(settings, 0, scheduler=None)
    try:
        events = started(line)
        wait_for(lambda: any(isinstance(e, LineFailed) for e in events), "LineFailed")
        (failed,) = [e for e in events if isinstance(e, LineFailed)]
        assert "Setting 'lines[0].port' names /dev/ttyUSB9, which does not exist" in failed.reason
        assert "\n" not in failed.reason and line.state == "down"
    finally:
        line.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def test_run_takes_a_call_on_a_simulated_sim800_through_to_an_operator(tmp_path):
    modem = simulated("sim800", path=tmp_path / "modem", ring_every_s=3.0)
    data = tmp_path / "data"
    data.mkdir()
    SettingsStore(data).save(schema.merge(schema.defaults(), {
        "lines": [{"id": "line1", "driver": "sim800", "port": str(modem.path)}],
        "handsets": {"sim_answer_after_s": 1.0, "sim_talk_s": 2.0},
        "web": {"host": "127.0.0.1", "port": free_port()}}))
    err = open(tmp_path / "err.txt", "w")
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "run", "--data-dir", str(data)],
                            stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        wait_for(lambda: "AT+DDET=1" in modem.received, "the modem initialised")
        modem.incoming_call(CALLER)
        wait_for(lambda: modem.state == "active", "the call answered (ATA)")
        time.sleep(2.0)                              # the greeting, then the menu
        modem.press("1")
        wait_for(lambda: modem.state == "idle", "the call ended by the appliance", timeout=60)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        modem.stop()
    assert proc.returncode == 0, (tmp_path / "err.txt").read_text()
    calls = subprocess.run([sys.executable, "-m", "appliance", "calls", "--data-dir", str(data)],
                           capture_output=True, text=True, check=True)
    (record,) = json.loads(calls.stdout)
    assert record["caller"] == CALLER and record["line"] == "line1"
    assert record["outcome"] == "answered" and record["operator"] == "ann"
    assert record["menu_path"] == "1" and record["queue"] == "sales"


@pytest.mark.parametrize("driver", ["sim7600", "ec25"])
def test_an_audio_port_gives_the_line_its_pcm_audio_half(driver, tmp_path):
    modem = simulated(driver, path=tmp_path / "modem")
    try:
        settings = settings_with(lines=[{"id": "gsm", "driver": driver, "port": str(modem.path),
                                         "audio_port": str(modem.audio_path)}])
        line = drivers.build_line(settings, 0, scheduler=None, data_dir=tmp_path)
        assert line.audio is not None and line.pcm is not None and line.pcm.port is None
    finally:
        modem.stop()


def test_a_missing_audio_port_names_its_setting(tmp_path):
    modem = simulated("sim7600", path=tmp_path / "modem")
    settings = settings_with(lines=[{"id": "gsm", "driver": "sim7600", "port": str(modem.path),
                                     "audio_port": "/dev/ttyUSB7"}])
    line = drivers.build_line(settings, 0, scheduler=None)
    try:
        events = started(line)
        wait_for(lambda: any(isinstance(e, LineFailed) for e in events), "LineFailed")
        assert "Setting 'lines[0].audio_port' names /dev/ttyUSB7" in events[0].reason
    finally:
        line.close()
        modem.stop()


def test_a_sim800_ignores_an_audio_port_its_analog_module_does_not_have(tmp_path):
    modem = simulated("sim800", path=tmp_path / "modem")
    try:
        settings = settings_with(lines=[{"id": "gsm", "driver": "sim800", "port": str(modem.path),
                                         "audio_port": "/dev/ttyUSB7"}])
        assert drivers.build_line(settings, 0, scheduler=None).audio is None
    finally:
        modem.stop()


def test_run_with_four_lines_one_missing_serves_three_and_takes_the_fourth_when_it_appears(
        tmp_path):
    drivers = ["sim800", "sim7600", "ec25", "sim800"]
    modems = [simulated(driver, path=tmp_path / f"modem{i}", ring_every_s=3.0)
              for i, driver in enumerate(drivers[:3])]
    data = tmp_path / "data"
    data.mkdir()
    SettingsStore(data).save(schema.merge(schema.defaults(), {
        "lines": [{"id": f"line{i + 1}", "driver": driver, "port": str(tmp_path / f"modem{i}")}
                  for i, driver in enumerate(drivers)],
        "handsets": {"sim_answer_after_s": 1.0, "sim_talk_s": 1.0},
        "web": {"host": "127.0.0.1", "port": free_port()}}))
    err = open(tmp_path / "err.txt", "w")
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "run", "--data-dir", str(data)],
                            stdout=subprocess.PIPE, stderr=err, text=True)
    late = None
    try:
        for modem in modems:
            wait_for(lambda m=modem: "AT+CLIP=1" in m.received, "three lines initialised")
        assert proc.poll() is None, (tmp_path / "err.txt").read_text()
        late = simulated("sim800", path=tmp_path / "modem3", ring_every_s=3.0)
        wait_for(lambda: "AT+CLIP=1" in late.received, "the fourth line initialising",
                 timeout=70)
        # In service once it has checked for calls left from before (AT+CLCC after the init);
        # a call ringing in sooner is answered at its next RING once the line is in service.
        wait_for(lambda: "AT+CLCC" in late.received[late.received.index("AT+CLIP=1"):],
                 "the fourth line taken into service")
        time.sleep(0.2)
        late.incoming_call(CALLER)
        wait_for(lambda: late.state == "active", "the fourth line answers a call")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        for modem in modems + ([late] if late else []):
            modem.stop()
    log = (tmp_path / "err.txt").read_text()
    assert proc.returncode == 0, log
    assert "Setting 'lines[3].port' names" in log and "does not exist" in log
    assert "line4 sim800: " in log                 # its plan, once it came
