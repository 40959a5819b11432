"""The call log: upserts, time ranges, durability settings, read-only use and damaged files."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from appliance.errors import StoreError
from appliance.store.calllog import CALLLOG_NAME, CallLog, SCHEMA_VERSION


@pytest.fixture
def log(tmp_path):
    with CallLog(tmp_path / "log" / CALLLOG_NAME) as opened:
        yield opened


def ids(records: list[dict]) -> list[str]:
    return [record["id"] for record in records]


def test_constructor_creates_the_folder_and_the_file(tmp_path):
    path = tmp_path / "a" / "b" / "calls.db"
    CallLog(path).close()
    assert path.exists()


def test_a_record_reads_back_equal(log, make_record, make_attempt):
    record = make_record("c1", "2026-11-23T09:15:02.125Z", caller="+441632960001", outcome="answered",
                         ring_attempts=[make_attempt("ann", 1, "2026-11-23T09:15:10.000Z",
                                                     "2026-11-23T09:15:14.500Z", "answered")],
                         callback_offered=True, talk_s=61.25)
    log.write(record)
    assert log.calls() == [record]


def test_a_later_write_of_the_same_id_replaces_the_earlier(log, make_record, make_attempt):
    ring = make_attempt("bob", 2, "2026-11-23T09:00:05.000Z", "2026-11-23T09:00:20.000Z", "no_answer")
    log.write(make_record("c1", "2026-11-23T09:00:00.000Z", ring_attempts=[ring, ring]))
    final = make_record("c1", "2026-11-23T09:00:00.000Z", outcome="abandoned_queue", ring_attempts=[ring])
    log.write(final)
    assert log.calls() == [final] and log.count() == 1
    assert log.stats()["per_operator"][0]["rings_missed"] == 1


def test_calls_are_ordered_by_start_whatever_the_write_order(log, make_record):
    for call_id, start in (("b", "2026-11-23T10:00:00.000Z"), ("a", "2026-11-23T09:00:00.000Z"),
                           ("c", "2026-11-24T08:00:00.000Z")):
        log.write(make_record(call_id, start))
    assert ids(log.calls()) == ["a", "b", "c"]


@pytest.fixture
def day(log, make_record):
    """Calls at the edges of 2026-11-23 (UTC)."""
    starts = {"before": "2026-11-22T23:59:59.999Z", "first": "2026-11-23T00:00:00.000Z",
              "noon": "2026-11-23T12:00:00.000Z", "last": "2026-11-23T23:59:59.999Z",
              "next": "2026-11-24T00:00:00.000Z"}
    for call_id, start in starts.items():
        log.write(make_record(call_id, start))
    return log


def test_since_is_inclusive_and_until_exclusive(day):
    assert ids(day.calls("2026-11-23T00:00:00.000Z", "2026-11-24T00:00:00.000Z")) == \
        ["first", "noon", "last"]


def test_dates_mean_utc_midnight_and_other_forms_are_understood(day):
    assert ids(day.calls(since="2026-11-23", until="2026-11-24")) == ["first", "noon", "last"]
    assert ids(day.calls(since="2026-11-23T13:00+01:00", until="2026-11-23T23:00Z")) == ["noon"]
    assert ids(day.calls(since=1795478400.0)) == ["next"]  # 2026-11-24T00:00Z as epoch seconds


def test_open_ended_ranges(day):
    assert ids(day.calls(until="2026-11-23")) == ["before"]
    assert ids(day.calls(since="2026-11-24")) == ["next"]
    assert day.count() == 5 and day.count("2026-11-23", "2026-11-24") == 3


def test_limit_and_offset_page_through_the_range(day):
    assert ids(day.calls(limit=2)) == ["before", "first"]
    assert ids(day.calls(limit=2, offset=2)) == ["noon", "last"]
    assert ids(day.calls(since="2026-11-23", offset=1)) == ["noon", "last", "next"]


def test_iter_calls_pages_through_equal_start_times(log, make_record):
    for n in range(7):
        log.write(make_record(f"c{n}", "2026-11-23T09:00:00.000Z"))
    log.write(make_record("later", "2026-11-23T09:00:00.001Z"))
    assert ids(log.iter_calls(batch=3)) == [f"c{n}" for n in range(7)] + ["later"]
    assert list(log.iter_calls(batch=2)) == log.calls()


def test_times_with_offsets_are_stored_in_utc_for_ranges(log, make_record):
    record = make_record("tz", "2026-11-23T10:15:00+01:00")
    log.write(record)
    assert log.calls(since="2026-11-23T09:15:00Z", until="2026-11-23T09:15:00.001Z") == [record]


def test_write_many_stores_all_in_one_go_and_keeps_the_last_of_an_id(log, make_record):
    records = [make_record(f"c{n}", f"2026-11-23T09:00:0{n}.000Z") for n in range(5)]
    final = make_record("c0", "2026-11-23T09:00:00.000Z", outcome="answered")
    assert log.write_many(records + [final]) == 5
    assert log.calls() == [final] + records[1:]


@pytest.mark.parametrize("record, message", [
    ({"started_at": "2026-11-23T09:00:00.000Z"}, "non-empty text 'id'"),
    ({"id": "", "started_at": "2026-11-23T09:00:00.000Z"}, "non-empty text 'id'"),
    ({"id": "x"}, "call x: started_at is required"),
    ({"id": "x", "started_at": "noon"}, "call x: started_at 'noon' is not an ISO 8601 time"),
    ({"id": "x", "started_at": "2026-11-23", "ring_attempts": ["ann"]}, "ring_attempts[0] must be a map"),
    ({"id": "x", "started_at": "2026-11-23", "wait_s": float("nan")}, "cannot be stored as JSON"),
])
def test_bad_records_are_refused_and_nothing_is_written(log, record, message):
    with pytest.raises(StoreError, match=message.replace("[", r"\[").replace("]", r"\]")):
        log.write(record)
    assert log.count() == 0


def test_durability_settings_and_schema_version(tmp_path):
    path = tmp_path / "calls.db"
    CallLog(path).close()
    with CallLog(path) as log:
        conn = log._conn
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"calls_started_at", "calls_started_at_operator",
            "ring_attempts_started_at_operator"} <= indexes


def test_records_survive_reopening(tmp_path, make_record):
    path = tmp_path / "calls.db"
    with CallLog(path) as log:
        log.write(make_record("c1", "2026-11-23T09:00:00.000Z"))
    with CallLog(path) as log:
        assert ids(log.calls()) == ["c1"]


def test_shared_between_threads(log, make_record):
    def writer(prefix):
        for n in range(100):
            log.write(make_record(f"{prefix}{n}", f"2026-11-23T09:00:{n % 60:02d}.000Z"))
    threads = [threading.Thread(target=writer, args=(p,)) for p in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log.count() == 300


# ---- read-only use, alongside the daemon ----------------------------------------------------------

def test_reader_sees_what_the_writer_committed_while_both_are_open(tmp_path, make_record):
    path = tmp_path / "calls.db"
    with CallLog(path) as writer, CallLog(path, readonly=True) as reader:
        writer.write(make_record("c1", "2026-11-23T09:00:00.000Z"))
        assert ids(reader.calls()) == ["c1"]
        writer.write(make_record("c2", "2026-11-23T09:01:00.000Z"))
        assert reader.count() == 2 and reader.stats()["calls"] == 2


def test_reader_cannot_write(tmp_path, make_record):
    path = tmp_path / "calls.db"
    CallLog(path).close()
    with CallLog(path, readonly=True) as reader:
        with pytest.raises(StoreError, match="readonly"):
            reader.write(make_record("c1", "2026-11-23T09:00:00.000Z"))


def test_missing_log_reads_as_no_calls_and_is_not_created(tmp_path):
    path = tmp_path / "none" / "calls.db"
    with CallLog(path, readonly=True) as reader:
        assert reader.calls() == [] and reader.count() == 0
        assert reader.stats()["calls"] == 0
    assert not path.parent.exists()


# ---- damaged files -----------------------------------------------------------------------------

@pytest.mark.parametrize("readonly", [False, True])
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path, readonly):
    path = tmp_path / "calls.db"
    path.write_bytes(b"these are not the records you are looking for\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        CallLog(path, readonly=readonly)
    message = str(caught.value)
    assert str(path) in message and "file is not a database" in message
    assert f"mv {path} {path}.damaged" in message and "\n" not in message
    assert path.read_bytes() == before


def test_another_programs_sqlite_file_is_not_taken_over(tmp_path):
    path = tmp_path / "calls.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    with pytest.raises(StoreError, match="not a call log"):
        CallLog(path)
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("recipes",)]


def test_a_log_from_newer_firmware_is_refused(tmp_path):
    path = tmp_path / "calls.db"
    CallLog(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer firmware .* update the firmware"):
        CallLog(path)


def test_damage_inside_the_file_is_reported_when_read(tmp_path, make_record):
    path = tmp_path / "calls.db"
    with CallLog(path) as log:
        log.write_many(make_record(f"c{n}", "2026-11-23T09:00:00.000Z", caller="x" * 500)
                       for n in range(200))
    data = bytearray(path.read_bytes())
    data[4096 * 2: 4096 * 6] = b"\xff" * (4096 * 4)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="malformed|not a database") as caught:
        with CallLog(path, readonly=True) as log:
            log.calls()
    assert "docs/troubleshooting.md" in str(caught.value)


def test_reader_of_a_log_created_without_tables_sees_no_calls(tmp_path):
    path = tmp_path / "calls.db"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.close()
    with CallLog(path, readonly=True) as reader:
        assert reader.calls() == [] and reader.stats()["calls"] == 0
