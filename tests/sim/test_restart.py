"""A restart after a power cut: open records are closed, promised callbacks keep their place,
and systemd hears that the daemon is ready and alive."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys

from appliance.store.calllog import CallLog
from tests.sim.test_daemon import wait_for_file_text
from tests.store.test_recovery import record


def test_run_closes_open_records_restores_callbacks_and_notifies_systemd(tmp_path):
    data = tmp_path / "data"
    with CallLog(data / "calls.sqlite3") as log:
        log.write(record("cut", "2026-11-23T09:00:00.000Z"))          # provisional: power cut
        log.write(record("owed", "2030-01-01T09:00:00.000Z", outcome="callback_requested",
                         callback_number="+441632960077", ended_at="2030-01-01T09:01:00.000Z"))
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(20)
    env = {"NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "2000000",
           "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "run", "--data-dir", str(data)],
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "err.txt", "w"), env=env)
    try:
        assert notify.recv(100) == b"READY=1"
        assert notify.recv(100) == b"WATCHDOG=1"
        wait_for_file_text(tmp_path / "err.txt", "1 callback(s) promised before the restart")
    finally:
        proc.send_signal(signal.SIGTERM)
        said = []
        while b"STOPPING=1" not in said:                  # watchdog pings may come first
            said.append(notify.recv(100))
        assert proc.wait(timeout=15) == 0
        notify.close()
    err = (tmp_path / "err.txt").read_text()
    assert "closed 1 call record(s) left open by a power cut or crash (outcome failed): cut" in err
    with CallLog(data / "calls.sqlite3") as log:
        cut = next(r for r in log.calls() if r["id"] == "cut")
    assert (cut["outcome"], cut["hangup_by"]) == ("failed", "system")


def test_records_the_log_refused_to_the_end_are_kept_aside_and_taken_back(tmp_path):
    from types import SimpleNamespace

    from appliance import daemon
    from appliance.store import schema
    kept = SimpleNamespace(unsaved_records=lambda: [record("late", "2026-11-23T09:00:00.000Z",
                                                           ended_at="2026-11-23T09:03:00.000Z",
                                                           outcome="answered")])
    daemon._keep_unsaved(daemon.Appliance(kept, None, None, tmp_path))
    assert (tmp_path / daemon.UNSAVED_FILE).exists()
    with CallLog(tmp_path / "calls.sqlite3") as log:
        daemon.recover(log, schema.defaults(), 0.0, tmp_path)
        assert [r["id"] for r in log.calls()] == ["late"]
    assert not (tmp_path / daemon.UNSAVED_FILE).exists()


def test_a_torn_line_in_the_kept_records_is_set_aside_and_the_rest_taken_back(tmp_path):
    import json

    from appliance import daemon
    from appliance.store import schema
    good = record("late", "2026-11-23T09:00:00.000Z", ended_at="2026-11-23T09:03:00.000Z",
                  outcome="answered")
    (tmp_path / daemon.UNSAVED_FILE).write_bytes(
        json.dumps(good).encode() + b'\n{"id": "torn", "outc\n[1, 2]\n\xff\xfe\n')
    with CallLog(tmp_path / "calls.sqlite3") as log:
        daemon.recover(log, schema.defaults(), 0.0, tmp_path)      # starts: no exception
        assert [r["id"] for r in log.calls()] == ["late"]
    bad = (tmp_path / (daemon.UNSAVED_FILE + ".bad")).read_bytes()
    assert b'"torn"' in bad and b"[1, 2]" in bad
    assert not (tmp_path / daemon.UNSAVED_FILE).exists()


def test_a_stuck_event_loop_gets_no_watchdog_ping(tmp_path, monkeypatch):
    """systemd restarts a daemon whose loop stopped answering only if the pings stop too."""
    from appliance import daemon, systemd

    class Stuck:
        def snapshot(self, timeout):
            raise TimeoutError("the loop is busy")

    class Alive:
        def snapshot(self, timeout):
            return {}

    sent = []
    monkeypatch.setattr(systemd, "notify", lambda state: sent.append(state) or True)
    monkeypatch.setenv("WATCHDOG_USEC", "2000000")
    daemon.Watchdog(Stuck()).tick()
    assert sent == []
    daemon.Watchdog(Alive()).tick()
    assert sent == ["WATCHDOG=1"]
