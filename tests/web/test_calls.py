"""The call log page: filters, paging, detail with timeline and players, CSV export."""
from __future__ import annotations

import csv
import io

from appliance.store.calllog import CALL_FIELDS
from tests.web.conftest import record


def fill(writer, count=60):
    records = [record(f"c{n:03d}", f"2026-11-{20 + n % 4}T09:{n % 60:02d}:00.000Z",
                      caller=f"+4416329600{n:02d}", operator="ann" if n % 2 else "bob",
                      outcome="answered" if n % 3 else "abandoned_queue")
               for n in range(count)]
    writer.write_many(records)
    return records


def test_the_log_pages_newest_first(owner, web):
    fill(web[4])
    page = owner.get("/calls")
    assert page.status == 200 and "60 calls" in page.text
    assert "Page 1 of 2" in page.text and page.text.count('href="/calls/c') == 50
    second = owner.get("/calls?page=2")
    assert second.text.count('href="/calls/c') == 10


def test_filters_narrow_the_log(owner, web):
    fill(web[4])
    page = owner.get("/calls?operator=bob&outcome=abandoned_queue&since=2026-11-20&until=2026-11-21")
    rows = page.text.count('href="/calls/c')
    assert rows > 0
    assert "bob" in page.text and "abandoned queue" in page.text
    assert owner.get("/calls?number=960007").text.count('href="/calls/c') == 1


def test_a_bad_date_filter_is_explained(owner):
    page = owner.get("/calls?since=yesterday")
    assert page.status == 400 and "is not a date" in page.text


def test_the_detail_page_tells_the_story_of_the_call(owner, web):
    web[4].write(record("c1", "2026-11-23T09:00:00.000Z", menu_path="12",
                        recording="recordings/c1.wav",
                        ring_attempts=[{"operator": "bob", "handset": 2,
                                        "started_at": "2026-11-23T09:00:10.000Z",
                                        "ended_at": "2026-11-23T09:00:25.000Z",
                                        "result": "no_answer"}]))
    page = owner.get("/calls/c1")
    assert page.status == 200
    for text in ("Pressed 1 then 2", "Joined queue sales", "Rang bob (handset 2): not answered",
                 "Talked with ann for 2:00", "Ended: answered", '<audio controls'):
        assert text in page.text, text
    assert owner.get("/calls/nope").status == 404


def test_recordings_are_served_only_from_the_data_folder(owner, web, tmp_path):
    (tmp_path / "recordings").mkdir()
    (tmp_path / "recordings" / "c1.wav").write_bytes(b"RIFF....")
    assert owner.get("/media/recordings/c1.wav").status == 200
    assert owner.get("/media/../auth.json").status == 404
    assert owner.get("/media/settings.json").status == 404


def test_csv_export_holds_the_filtered_set_with_the_cli_columns(owner, web):
    records = fill(web[4])
    reply = owner.get("/calls.csv?operator=ann")
    assert reply.status == 200 and "attachment" in reply.header("Content-Disposition")
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0] == list(CALL_FIELDS)
    assert len(rows) - 1 == sum(1 for r in records if r["operator"] == "ann")
    assert all(row[CALL_FIELDS.index("operator")] == "ann" for row in rows[1:])
