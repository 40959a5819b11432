"""Power cut at any instant: kill -9 a `sim --fast` run and the call log is whole and unharmed.

The same data folder sees 15 runs, each killed at a random (seeded) instant, each starting on a
later simulated day so that no run writes another's call ids. Long mode only (``IVR_LONG=1``):
the default suite kills the real daemon instead (tests/crash/test_power_cuts.py) and kills the
call log's writer mid-commit (tests/store). After every kill the call log must
pass SQLite's integrity check, and every record seen after an earlier kill must still be there,
unchanged. A last run, not killed, shows the log still takes a whole day of calls afterwards.
"""
from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from appliance.store.calllog import CALLLOG_NAME, CallLog

KILLS = 15
OUTCOMES = {"answered", "abandoned_menu", "abandoned_queue", "callback_requested",
            "callback_answered", "callback_failed", "voicemail", "closed", "no_operators",
            "failed"}


def scenario(day: int) -> dict:
    return {
        "start": f"2026-12-{day:02d}T08:00:00Z",
        "settings": {"lines": [{"id": f"line{n}", "driver": "sim"} for n in range(1, 5)],
                     "queues": {"sales": {"callback_offer_after_s": 30},
                                "support": {"callback_offer_after_s": 30}}},
        "traffic": {"calls_per_hour": 150, "hours": 10, "talk_s_mean": 45,
                    "patience_s_mean": 200, "callback_share": 0.5, "keys": ["1", "2"],
                    "seed": day},
    }


def run_sim(tmp_path, day: int) -> subprocess.Popen:
    path = tmp_path / f"day{day}.json"
    path.write_text(json.dumps(scenario(day)))
    return subprocess.Popen([sys.executable, "-m", "appliance", "sim", "--fast", "--quiet",
                             "--scenario", str(path), "--data-dir", str(tmp_path / "data")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def records_after_crash(data_dir) -> dict[str, dict]:
    """Open the log as the next boot would: integrity first, then every record by id."""
    path = data_dir / CALLLOG_NAME
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with CallLog(path, readonly=True) as log:
        return {record["id"]: record for record in log.iter_calls()}


def assert_well_formed(record: dict) -> None:
    if record["ended_at"] is not None:
        assert record["outcome"] in OUTCOMES
        assert record["started_at"] <= record["ended_at"]


@pytest.mark.long
def test_kill_9_at_random_instants_never_loses_or_damages_a_record(tmp_path):
    began = time.monotonic()
    assert run_sim(tmp_path, 1).wait(timeout=300) == 0
    full_run_s = time.monotonic() - began
    seen = records_after_crash(tmp_path / "data")
    first_day = len(seen)
    assert first_day > 1000

    rng = random.Random(2026)
    for day in range(2, 2 + KILLS):
        proc = run_sim(tmp_path, day)
        time.sleep(rng.uniform(0.1, 1.0) * full_run_s)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = records_after_crash(tmp_path / "data")
        for key, record in seen.items():
            assert now.get(key) == record, f"record {key} changed or vanished after a kill"
        for record in now.values():
            assert_well_formed(record)
        seen = now
    assert len(seen) > first_day + 1000, "the kills happened while records were being written"

    assert run_sim(tmp_path, 28).wait(timeout=300) == 0
    after = records_after_crash(tmp_path / "data")
    last_day = [r for r in after.values() if r["started_at"].startswith("2026-12-28")]
    assert len(last_day) > 1000 and all(r["ended_at"] for r in last_day)
