"""The composition root: drivers from settings, clean stops on signals, records for live calls."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from appliance import drivers
from appliance.cli import sim as sim_cmd
from appliance.events import LineFailed
from appliance.store import schema
from appliance.store.settings import SettingsStore
from hwsim.handsets import SimHandsets
from hwsim.lines import SimLine


def settings_with(**patch):
    return schema.validate(schema.merge(schema.defaults(), patch))


@pytest.mark.parametrize("driver", ["sim800", "sim7600", "ec25", "v253"])
def test_every_line_driver_is_built_and_a_missing_device_starts_it_out_of_service(driver):
    settings = settings_with(lines=[{"id": "line1", "driver": "sim"},
                                    {"id": "gsm", "driver": driver, "port": "/dev/ttyUSB9"}])
    assert isinstance(drivers.build_line(settings, 0, scheduler=None), SimLine)
    line = drivers.build_line(settings, 1, scheduler=None)
    events = []
    line.start(events.append)
    try:
        deadline = time.monotonic() + 10
        while not any(isinstance(e, LineFailed) for e in events):
            assert time.monotonic() < deadline, events
            time.sleep(0.02)
        failed = next(e for e in events if isinstance(e, LineFailed))
        assert "Setting 'lines[1].port' names /dev/ttyUSB9, which does not exist" in failed.reason
    finally:
        line.close()


def test_the_sim_handset_driver_is_built_by_default():
    assert isinstance(drivers.build_handsets(settings_with(), scheduler=None), SimHandsets)
    # the gpio driver's building: tests/handsets/test_daemon_gpio.py


def ivr(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "appliance", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_file_text(path, text, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not (path.exists() and text in path.read_text()):
        assert time.monotonic() < deadline, f"{text!r} never appeared in {path}"
        time.sleep(0.05)


def test_run_on_sim_hardware_stops_cleanly_on_sigterm(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "run", "--data-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=open(tmp_path / "err.txt", "w"),
                            text=True)
    wait_for_file_text(tmp_path / "err.txt", "running: lines line1 (sim)")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    assert "engine stopped" in (tmp_path / "err.txt").read_text()


def test_a_live_sim_stopped_by_ctrl_c_writes_the_record_of_the_call_in_progress(tmp_path):
    scenario = tmp_path / "one.json"
    scenario.write_text(json.dumps({"callers": [{"at_s": 0, "number": "+441632960001",
                                                 "keys": "1"}]}))
    data = tmp_path / "data"
    proc = ivr("sim", "--quiet", "--scenario", scenario, "--data-dir", data)
    assert "Simulated appliance running" in proc.stdout.readline()
    time.sleep(1.5)                                  # the caller is in the menu by now
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert f"see it with: ivr-appliance calls --data-dir {data}" in out
    calls = subprocess.run([sys.executable, "-m", "appliance", "calls", "--data-dir", str(data)],
                           capture_output=True, text=True, check=True)
    (record,) = json.loads(calls.stdout)
    assert record["caller"] == "+441632960001" and record["ended_at"] is not None
    assert record["hangup_by"] == "system"


def test_the_simulator_never_writes_into_a_real_appliances_data_folder(tmp_path):
    SettingsStore(tmp_path).save(schema.defaults())            # a real appliance lives here
    scenario = tmp_path / "one.json"
    scenario.write_text(json.dumps({"callers": [{"at_s": 0, "keys": "1"}]}))
    out, err = ivr("sim", "--fast", "--scenario", scenario, "--data-dir", tmp_path).communicate(timeout=60)
    assert "holds a real appliance's settings or call log" in err
    assert not (tmp_path / "calls.sqlite3").exists()


def test_a_folder_the_simulator_made_is_its_own_to_reuse(tmp_path):
    assert sim_cmd.sim_data_dir(tmp_path / "demo") == tmp_path / "demo"
    (tmp_path / "demo" / "settings.json").write_text("{}")
    assert sim_cmd.sim_data_dir(tmp_path / "demo") == tmp_path / "demo"
