"""The call log writer: group commits off the caller's thread, versions in order, refused records
kept and retried, everything flushed at shutdown, nothing acknowledged lost to a kill -9.

Run as ``python tests/store/test_log_writer.py DB FIRST`` it is the child the kill test kills.
"""
from __future__ import annotations

import importlib.util
import itertools
import json
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

CHILD_PATH = Path(__file__).with_name("crash_child.py")
_spec = importlib.util.spec_from_file_location("crash_child", CHILD_PATH)
crash_child = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(crash_child)


class FakeLog:
    """Records each group it commits; can refuse, be slow, or hold a commit until released."""

    def __init__(self, fail=False, delay=0.0):
        self.fail, self.delay = fail, delay
        self.groups: list[list[dict]] = []
        self.hold: threading.Event | None = None
        self.entered = threading.Event()
        self.threads: set[int] = set()
        self.lock = threading.Lock()

    def write_many(self, records):
        records = list(records)
        self.threads.add(threading.get_ident())
        self.entered.set()
        if self.hold is not None:
            self.hold.wait(10)
        time.sleep(self.delay)
        if self.fail:
            raise OSError("disk full")
        with self.lock:
            self.groups.append(records)
        return len(records)

    def write(self, record):
        self.write_many([record])

    def stored(self) -> dict:
        out = {}
        for group in self.groups:
            for record in group:
                out[record["id"]] = record
        return out

    def versions(self, call_id) -> list:
        return [r["v"] for group in self.groups for r in group if r["id"] == call_id]


def rec(call_id, v):
    return {"id": call_id, "v": v}


@pytest.fixture
def quick_retry(monkeypatch):
    from appliance.store import log_writer
    monkeypatch.setattr(log_writer, "RETRY_FIRST_S", 0.05)
    monkeypatch.setattr(log_writer, "RETRY_MAX_S", 0.1)


def writer_for(log, **kw):
    from appliance.store.log_writer import LogWriter
    return LogWriter(log, **kw)


# -- group commit --------------------------------------------------------------------------------

def test_records_that_wait_during_a_commit_go_together_in_the_next_one():
    log = FakeLog()
    log.hold = threading.Event()
    writer = writer_for(log)
    writer.submit(rec("a", 1))
    assert log.entered.wait(2)                      # the first commit is under way ...
    began = time.perf_counter()
    for n in range(10):
        writer.submit(rec(f"b{n}", 1))              # ... and these do not wait for it
    assert time.perf_counter() - began < 0.05
    assert writer.backlog() == 11
    log.hold.set()
    assert writer.flush(2)
    assert [len(g) for g in log.groups] == [1, 10]
    assert writer.stats() == {"submitted": 11, "commits": 2, "records": 11, "max_group": 10,
                              "refusals": 0}
    assert threading.get_ident() not in log.threads
    writer.close()


def test_only_the_latest_waiting_version_of_a_record_is_written():
    log = FakeLog()
    log.hold = threading.Event()
    writer = writer_for(log)
    writer.submit(rec("x", 0))
    assert log.entered.wait(2)
    for v in range(1, 6):
        writer.submit(rec("a", v))
    log.hold.set()
    writer.close()
    assert log.versions("a") == [5]


# -- order of versions -----------------------------------------------------------------------------

def test_a_refused_group_goes_back_under_what_arrived_meanwhile():
    log, refused = FakeLog(fail=True), threading.Event()
    log.hold = threading.Event()
    writer = writer_for(log, on_refused=lambda *args: refused.set())
    writer.submit(rec("a", 1))
    assert log.entered.wait(2)
    writer.submit(rec("a", 2))                      # arrives while v1 is being refused
    writer.submit(rec("b", 1))
    log.hold.set()
    assert refused.wait(2)                          # v1's commit failed
    log.fail = False
    writer.close()
    assert log.versions("a") == [2]                 # v1 never written after (or instead of) v2
    assert log.stored() == {"a": rec("a", 2), "b": rec("b", 1)}
    assert writer.unsaved() == []


def test_versions_stay_in_order_through_random_refusals_and_commits(quick_retry):
    rng = random.Random(20261123)
    log = FakeLog()
    refusals = iter([rng.random() < 0.3 for _ in range(10_000)])
    real = log.write_many

    def flaky(records):
        records = list(records)
        if next(refusals, False):
            raise OSError("locked")
        return real(records)
    log.write_many = flaky
    writer = writer_for(log)
    latest = {}
    for _ in range(3000):
        call_id = f"c{rng.randrange(40)}"
        latest[call_id] = latest.get(call_id, 0) + 1
        writer.submit(rec(call_id, latest[call_id]))
        if rng.random() < 0.05:
            time.sleep(0.001)
    writer.close()
    kept = {r["id"]: r for r in writer.unsaved()}
    for call_id, v in latest.items():
        versions = log.versions(call_id)
        assert versions == sorted(set(versions)), f"{call_id} went back: {versions}"
        final = kept.get(call_id) or log.stored()[call_id]
        assert final == rec(call_id, v)
    assert writer.stats()["commits"] < 3000


# -- a log that refuses, then takes records again ------------------------------------------------

def test_a_refused_record_is_kept_retried_after_a_back_off_and_reported_once(quick_retry):
    log, told = FakeLog(fail=True), []
    writer = writer_for(log, on_recovered=lambda n: told.append(("recovered", n)),
                        on_refused=lambda exc, kept, first: told.append((str(exc), kept, first)))
    writer.submit(rec("a", 1))
    assert writer.flush(2)
    assert writer.unsaved() == [rec("a", 1)]
    writer.submit(rec("b", 1))                      # tried again with the next record
    assert writer.flush(2)
    assert sorted(r["id"] for r in writer.unsaved()) == ["a", "b"]
    log.fail = False                                # room on the disk again: no new record
    deadline = time.monotonic() + 2
    while writer.unsaved() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writer.unsaved() == []
    assert log.stored() == {"a": rec("a", 1), "b": rec("b", 1)}
    assert told[:2] == [("disk full", 1, True), ("disk full", 2, False)]
    assert ("recovered", 2) in told
    writer.close()


def test_a_log_without_write_many_gets_one_write_per_record_and_stops_at_a_refusal():
    class OneByOne:
        def __init__(self):
            self.records, self.refuse = [], {"b"}

        def write(self, record):
            if record["id"] in self.refuse:
                raise OSError("no")
            self.records.append(record)

    log = OneByOne()
    writer = writer_for(log, threaded=False)
    writer.submit(rec("a", 1))
    writer.submit(rec("b", 1))
    writer.submit(rec("c", 1))                      # waits behind b, as before
    assert log.records == [rec("a", 1)]
    assert writer.unsaved() == [rec("b", 1), rec("c", 1)]
    log.refuse = set()
    writer.submit(rec("d", 1))
    assert log.records == [rec("a", 1), rec("b", 1), rec("c", 1), rec("d", 1)]
    assert writer.unsaved() == []


def test_unthreaded_writes_happen_at_once_on_the_callers_thread():
    log = FakeLog()
    writer = writer_for(log, threaded=False)
    writer.submit(rec("a", 1))
    assert log.stored() == {"a": rec("a", 1)} and log.threads == {threading.get_ident()}
    assert writer.flush(0)


# -- shutdown --------------------------------------------------------------------------------------

def test_close_commits_everything_waiting_and_ends_the_thread():
    log = FakeLog(delay=0.02)
    writer = writer_for(log)
    for n in range(50):
        writer.submit(rec(f"c{n}", 1))
    assert writer.close()
    assert len(log.stored()) == 50 and writer.unsaved() == []
    assert not writer._thread.is_alive()
    assert writer.stats()["commits"] < 50


def test_close_with_a_hung_commit_counts_what_it_holds_as_unsaved():
    log = FakeLog()
    log.hold = threading.Event()
    writer = writer_for(log)
    writer.submit(rec("a", 1))
    assert log.entered.wait(2)
    writer.submit(rec("b", 1))
    assert not writer.close(timeout=0.1)
    assert sorted(r["id"] for r in writer.unsaved()) == ["a", "b"]
    writer.submit(rec("c", 1))                      # too late: kept, not written
    assert "c" in {r["id"] for r in writer.unsaved()}
    log.hold.set()


def test_the_daemon_keeps_what_the_log_refused_to_the_end_and_takes_it_back(tmp_path):
    from appliance import commands as c
    from appliance import daemon
    from appliance.clock import RealClock
    from appliance.loop import Loop
    from appliance.store import schema
    from appliance.store.calllog import CallLog

    class Engine:
        def handle(self, event, now):
            return []

        def is_idle(self):
            return True

    class Refusing(FakeLog):
        def close(self):
            pass

    final = crash_child.record_for(1)
    loop = Loop(Engine(), RealClock())
    loop.connect(calllog=Refusing(fail=True))
    loop.start()
    loop.call_soon(lambda: loop.execute(c.WriteCallRecord(crash_child.record_for(1, final=False))))
    loop.call_soon(lambda: loop.execute(c.WriteCallRecord(final)))
    daemon._shut_down_threaded(daemon.Appliance(loop, None, loop._calllog, tmp_path))
    lines = (tmp_path / daemon.UNSAVED_FILE).read_text().splitlines()
    assert [json.loads(line) for line in lines] == [final]
    with CallLog(tmp_path / "calls.sqlite3") as log:
        daemon.recover(log, schema.defaults(), 0.0, tmp_path)
        assert log.calls() == [final]


def test_the_daemon_commits_every_waiting_record_before_it_closes_the_log(tmp_path):
    from appliance import commands as c
    from appliance import daemon
    from appliance.clock import RealClock
    from appliance.events import ShutdownRequested
    from appliance.loop import Loop

    class Engine:                   # every live call gets its final record at shutdown
        def handle(self, event, now):
            if isinstance(event, ShutdownRequested):
                return [c.WriteCallRecord(crash_child.record_for(n)) for n in range(30)]
            return []

        def is_idle(self):
            return True

    class SlowLog(FakeLog):
        closed_with = None

        def close(self):
            self.closed_with = len(self.stored())

    log = SlowLog(delay=0.05)
    loop = Loop(Engine(), RealClock())
    loop.connect(calllog=log)
    loop.start()
    daemon._shut_down_threaded(daemon.Appliance(loop, None, log, tmp_path))
    assert log.closed_with == 30
    assert not (tmp_path / daemon.UNSAVED_FILE).exists()


def test_a_real_call_log_gets_group_commits(tmp_path):
    from appliance.store.calllog import CallLog
    with CallLog(tmp_path / "calls.sqlite3") as log:
        writer = writer_for(log)
        for n in range(200):
            writer.submit(crash_child.record_for(n, final=False))
            writer.submit(crash_child.record_for(n))
        assert writer.close()
        assert log.count() == 200
        assert all(r == crash_child.record_for(int(r["id"][5:])) for r in log.calls())
        stats = writer.stats()
    assert stats["records"] <= 400 and stats["commits"] < 200


# -- kill -9 in the middle of group commits -------------------------------------------------------

def run_and_kill(target: Path, first: int, rng: random.Random) -> list[tuple[str, int]]:
    proc = subprocess.Popen([sys.executable, __file__, str(target), str(first)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = proc.stdout.readline()
    time.sleep(rng.uniform(0.0, 0.05))
    proc.kill()
    rest, errors = proc.communicate()
    assert started, f"the child failed before its first commit: {errors}"
    assert proc.returncode == -9
    lines = (started + rest).split("\n")[:-1]       # a line the kill cut short is no report
    return [(kind, int(n)) for kind, n in (line.split() for line in lines)]


def test_a_kill_during_group_commits_loses_nothing_acknowledged(tmp_path):
    from appliance.store.calllog import CallLog
    rng, db, first, acked = random.Random(7), tmp_path / "calls.sqlite3", 0, 0
    for _ in range(15):
        reported = run_and_kill(db, first, rng)
        assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)
        with CallLog(db) as log:
            stored = {record["id"]: record for record in log.calls()}
        for kind, n in reported:
            if kind == "final":
                assert stored[f"call-{n}"] == crash_child.record_for(n)
            else:
                assert stored[f"call-{n}"] in (crash_child.record_for(n),
                                               crash_child.record_for(n, final=False))
        for call_id, record in stored.items():
            n = int(call_id.split("-")[1])
            assert record in (crash_child.record_for(n), crash_child.record_for(n, final=False))
        first = max(n for _, n in reported) + 1
        acked += len(reported)
    assert acked >= 15


def _child(db: str, first: int) -> None:
    """Submit a provisional and a final version of call after call, as fast as the writer takes
    them; print each record once its group's commit has returned."""
    from appliance.store.calllog import CallLog
    from appliance.store.log_writer import LogWriter

    def acknowledged(records):
        for record in records:
            kind = "final" if record["outcome"] else "provisional"
            sys.stdout.write(f"{kind} {record['id'].split('-')[1]}\n")
            sys.stdout.flush()

    writer = LogWriter(CallLog(Path(db)), on_written=acknowledged)
    for n in itertools.count(first):
        writer.submit(crash_child.record_for(n, final=False))
        if n % 4 == 0:
            time.sleep(0.001)           # now and then the provisional version commits alone
        writer.submit(crash_child.record_for(n))
        while writer.backlog() > 40:
            time.sleep(0.0002)


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
