"""The reports an owner reads at a glance: outcomes that add up, a CSV of every table, each
operator's work charted, and every date and hour on the office's clock (calls list included)."""
from __future__ import annotations

import csv
import io

from appliance.store.callstats import OUTCOMES
from appliance.web.routes_reports import OUTCOME_WORDS
from tests.web.conftest import record

DAY = "since=2026-11-23&until=2026-11-23"
TABLES = ("summary", "outcomes", "queues", "operators", "hours", "days", "operator-days",
          "operator-hours")


def csv_rows(owner, key: str, query: str = DAY) -> list[list[str]]:
    reply = owner.get(f"/reports.csv?table={key}&{query}")
    assert reply.status == 200, reply.text
    assert reply.header("Content-Type").startswith("text/csv")
    return list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff"))))


def every_outcome(writer) -> int:
    """One call of each contract outcome at 08:MM on the 23rd, two answered, and a live call."""
    calls = [record(f"o{n}", f"2026-11-23T08:{n:02d}:00.000Z", outcome=outcome,
                    operator="ann" if outcome in ("answered", "callback_answered") else None,
                    direction="callback" if outcome.startswith("callback_a") or
                    outcome == "callback_failed" else "inbound")
             for n, outcome in enumerate(OUTCOMES)]
    calls += [record("extra", "2026-11-23T09:00:00.000Z", operator="bob"),
              record("live", "2026-11-23T09:05:00.000Z", outcome=None, operator=None,
                     ended_at=None)]
    writer.write_many(calls)
    return len(calls)


def test_outcome_rows_add_up_to_the_total_with_every_outcome_and_live_calls(owner, web):
    total = every_outcome(web[4])
    rows = csv_rows(owner, "outcomes")
    assert rows[0] == ["Outcome", "Calls"]
    counted = [row for row in rows[1:] if not row[0].startswith("of them") and row[0] != "Total"]
    assert [row[0] for row in counted] == list(OUTCOME_WORDS.values())     # all ten, and live
    assert sum(int(row[1]) for row in counted) == total == 12
    assert rows[-1] == ["Total", str(total)]
    assert dict(counted)["Still going on (live calls)"] == "1"
    page = owner.get(f"/reports?{DAY}").text
    assert '<span id="calls-total">12</span>' in page
    for words in OUTCOME_WORDS.values():
        assert f">{words}</td>" in page, words
    assert '<tr class="total">' in page and '<tr class="sub">' in page


def test_live_calls_are_left_out_when_there_are_none(owner, web):
    web[4].write(record("a", "2026-11-23T08:00:00.000Z"))
    labels = [row[0] for row in csv_rows(owner, "outcomes")]
    assert "Still going on (live calls)" not in labels and "Failed (a line or appliance fault)" in labels


def test_every_table_on_the_page_has_a_csv_download(owner, web):
    every_outcome(web[4])
    page = owner.get(f"/reports?{DAY}").text
    for key in TABLES:
        assert f'href="/reports.csv?table={key}&amp;{DAY.replace("&", "&amp;")}"' in page, key
        rows = csv_rows(owner, key)
        assert rows and rows[0], key
    assert csv_rows(owner, "queues")[0][:6] == ["Queue", "Queued", "Answered", "Within 20 s",
                                                "Service level (%)", "Speed of answer (s)"]
    summary = {row[0]: row[1:] for row in csv_rows(owner, "summary")}
    assert summary["Average speed of answer"] == ["12.0", "s"]
    assert summary["Calls"] == ["12", ""]
    assert owner.get(f"/reports.csv?table=nope&{DAY}").status == 404
    assert owner.get("/reports.csv?table=queues&since=2026-11-23&until=2026-11-01").status == 400


def test_csv_cells_cannot_run_as_formulas(owner, web):
    web[4].write(record("a", "2026-11-23T08:00:00.000Z", queue="=HYPERLINK(\"x\")",
                        caller="+441632960001"))
    queues = csv_rows(owner, "queues")
    assert queues[1][0] == "'=HYPERLINK(\"x\")"
    calls = list(csv.reader(io.StringIO(owner.get("/calls.csv").text)))
    header = calls[0]
    assert calls[1][header.index("queue")] == "'=HYPERLINK(\"x\")"
    assert calls[1][header.index("caller")] == "'+441632960001"          # text, + kept
    assert calls[1][header.index("wait_s")] == "12.0"


def test_per_queue_and_per_operator_tables_with_rates(owner, web):
    web[4].write_many([
        record("a", "2026-11-23T08:00:00.000Z", wait_s=10.0),
        record("b", "2026-11-23T08:10:00.000Z", wait_s=30.0, queue="support", operator="bob"),
        record("c", "2026-11-23T08:20:00.000Z", outcome="abandoned_queue", operator=None,
               wait_s=60.0, queue="support"),
        record("d", "2026-11-23T08:30:00.000Z", outcome="abandoned_queue", operator=None,
               wait_s=2.0, queue="support")])
    queues = {row[0]: row for row in csv_rows(owner, "queues")[1:]}
    # support: b answered after 30 s (not within 20), c gave up, d short (left out of the rate)
    assert queues["support"][1:10] == ["3", "1", "0", "0.0", "30.0", "1", "1", "50.0", "0"]
    assert queues["sales"][4] == "100.0"
    operators = {row[0]: row for row in csv_rows(owner, "operators")[1:]}
    assert operators["ann"][1] == "1" and operators["bob"][3] == "120.0"       # talk seconds
    page = owner.get(f"/reports?{DAY}").text
    assert "Pause time cannot be shown" in page


def test_each_operators_work_is_charted_by_day_and_hour_on_the_offices_clock(owner, web):
    _, _, store, _, writer = web
    store.update({"hours": {"timezone": "Europe/Berlin"}})
    writer.write_many([record("a", "2026-11-22T23:30:00.000Z"),              # 00:30 on the 23rd
                       record("b", "2026-11-23T08:00:00.000Z", operator="bob")])
    page = owner.get(f"/reports?{DAY}").text
    assert 'id="operator-charts"' in page
    for text in ("ann: calls taken per day", "ann: calls taken per hour (Europe/Berlin)",
                 "bob: calls taken per day", "bob: calls taken per hour (Europe/Berlin)"):
        assert text in page, text
    hours = csv_rows(owner, "operator-hours")
    assert ["ann", "00:00", "1"] in hours and ["bob", "09:00", "1"] in hours
    assert ["ann", "2026-11-23", "1", "130.0"] in csv_rows(owner, "operator-days")
    assert ["00:00", "1"] in csv_rows(owner, "hours")


def test_the_calls_list_its_filters_and_a_calls_page_use_the_offices_clock(owner, web):
    _, _, store, _, writer = web
    store.update({"hours": {"timezone": "Europe/Berlin"}})
    writer.write_many([
        record("late", "2026-11-22T23:30:00.000Z", ended_at="2026-11-22T23:32:00.000Z"),
        record("early", "2026-11-22T22:30:00.000Z"),
        # summer time starts at 2026-03-29T01:00Z: 01:30Z is 03:30 in Berlin
        record("spring", "2026-03-29T01:30:00.000Z")])
    page = owner.get("/calls?since=2026-11-23&until=2026-11-23").text
    assert "Started (Europe/Berlin)" in page
    assert 'href="/calls/late">2026-11-23 00:30:00</a>' in page and "/calls/early" not in page
    assert "1 call," in page
    assert "/calls/early" in owner.get("/calls?until=2026-11-22").text
    spring = owner.get("/calls?since=2026-03-29&until=2026-03-29").text
    assert 'href="/calls/spring">2026-03-29 03:30:00</a>' in spring
    assert "/calls/spring" not in owner.get("/calls?until=2026-03-28").text
    exported = owner.get("/calls.csv?since=2026-11-23&until=2026-11-23").text
    assert "late" in exported and "early" not in exported
    call = owner.get("/calls/late").text
    assert "Times are the office's (Europe/Berlin)" in call
    assert '<dd id="started">2026-11-23 00:30:00</dd>' in call
    assert "<time>00:32:00</time> Ended: answered" in call


def test_a_long_period_charts_each_operator_by_month(owner, web):
    web[4].write_many([record("a", "2026-09-10T08:00:00.000Z"),
                       record("b", "2026-11-20T08:00:00.000Z")])
    page = owner.get("/reports?preset=365d").text
    assert "ann: calls taken per month" in page and "ann: calls taken per day" not in page
    assert "<title>2026-09: 1</title>" in page
    assert "ann: calls taken per day" in owner.get("/reports?preset=30d").text
