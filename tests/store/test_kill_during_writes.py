"""Kill a writing process with SIGKILL at random instants: every write it reported must be intact."""
from __future__ import annotations

import importlib.util
import logging
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from appliance.store.calllog import CallLog
from appliance.store.settings import SettingsStore

CHILD_PATH = Path(__file__).with_name("crash_child.py")
_spec = importlib.util.spec_from_file_location("crash_child", CHILD_PATH)
child = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(child)


def run_and_kill(mode: str, target: Path, first: int, rng: random.Random) -> list[int]:
    """Start the child, let it write for a random moment after its first step, SIGKILL it."""
    proc = subprocess.Popen([sys.executable, str(CHILD_PATH), mode, str(target), str(first)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = proc.stdout.readline()
    time.sleep(rng.uniform(0.0, 0.05))
    proc.kill()
    rest, errors = proc.communicate()
    assert started, f"the child failed before its first write: {errors}"
    assert proc.returncode == -9
    return [int(line) for line in (started + rest).split()]


def check_calllog(db: Path, reported: list[int]) -> None:
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with CallLog(db) as log:
        stored = {record["id"]: record for record in log.calls()}
    for n in reported:
        assert stored[f"call-{n}"] == child.record_for(n)
    for call_id, record in stored.items():
        n = int(call_id.split("-")[1])
        assert record in (child.record_for(n), child.record_for(n, final=False))


def test_call_log_keeps_every_reported_record_through_kills(tmp_path):
    rng, db, first, total = random.Random(20261123), tmp_path / "calls.db", 0, 0
    for _ in range(22):
        reported = run_and_kill("calllog", db, first, rng)
        check_calllog(db, reported)
        first, total = max(reported) + 1, total + len(reported)
    assert total >= 22


def test_settings_file_is_never_torn_by_kills(tmp_path, caplog):
    rng, folder, first = random.Random(7), tmp_path / "data", 0
    for _ in range(12):
        reported = run_and_kill("settings", folder, first, rng)
        with caplog.at_level(logging.WARNING):
            timeout = SettingsStore(folder).load()["queues"]["sales"]["ring_timeout_s"]
        last = max(reported)
        assert timeout in (child.timeout_for(last), child.timeout_for(last + 1))
        assert "damaged" not in caplog.text
        first = last + 2
