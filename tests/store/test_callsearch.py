"""Finding calls by period, number, operator, queue and outcome; pages and the export in batches."""
from __future__ import annotations

from appliance.store.calllog import CallLog
from appliance.store.callsearch import CallFilter


def rec(n: int, **fields) -> dict:
    return {"id": f"c{n}", "direction": "inbound", "started_at": f"2026-11-{20 + n % 5}T10:00:0{n % 10}.000Z",
            "caller": f"+4416329600{n:02d}", "operator": "ann" if n % 2 else "bob",
            "queue": "sales" if n % 3 else "support", "outcome": "answered", **fields}


def test_filters_combine_and_pages_go_newest_first(tmp_path):
    with CallLog(tmp_path / "calls.sqlite3") as log:
        log.write_many(rec(n) for n in range(30))
        everything = CallFilter()
        assert log.search_count(everything) == 30
        page = log.search(everything, limit=10, offset=0)
        assert [r["started_at"] for r in page] == sorted((r["started_at"] for r in page), reverse=True)
        ann_sales = CallFilter(operator="ann", queue="sales")
        assert {(r["operator"], r["queue"]) for r in log.search(ann_sales, 50)} == {("ann", "sales")}
        day = CallFilter(since="2026-11-21T00:00:00.000Z", until="2026-11-22T00:00:00.000Z")
        assert log.search_count(day) == 6
        assert [r["id"] for r in log.search(CallFilter(number="960017"))] == ["c17"]


def test_a_number_filter_matches_callback_numbers_and_takes_wildcards_literally(tmp_path):
    with CallLog(tmp_path / "calls.sqlite3") as log:
        log.write(rec(1, caller=None, callback_number="+441632960555"))
        log.write(rec(2))
        assert [r["id"] for r in log.search(CallFilter(number="960555"))] == ["c1"]
        assert log.search_count(CallFilter(number="%")) == 2        # "%" is no wildcard: all match ""


def test_the_export_reads_every_match_in_batches_oldest_first(tmp_path):
    with CallLog(tmp_path / "calls.sqlite3") as log:
        log.write_many(rec(n) for n in range(25))
        found = list(log.search_all(CallFilter(operator="bob"), batch=4))
        assert len(found) == 13
        assert [r["started_at"] for r in found] == sorted(r["started_at"] for r in found)
        assert log.get("c3")["id"] == "c3" and log.get("nope") is None


def test_a_reader_sees_the_version_change_when_the_writer_writes(tmp_path):
    with CallLog(tmp_path / "calls.sqlite3") as writer:
        writer.write(rec(1))
        with CallLog(tmp_path / "calls.sqlite3", readonly=True) as reader:
            before = reader.data_version()
            assert reader.data_version() == before
            writer.write(rec(1, outcome="abandoned_queue"))
            assert reader.data_version() != before
