"""The reports page: figures of the period, SVG charts, the missed-rings flag, period errors."""
from __future__ import annotations

import csv
import io

from appliance.web import charts
from tests.web.conftest import record


def csv_table(owner, key: str, query: str) -> list[list[str]]:
    """The reports page's table ``key`` as its CSV download gives it (header first)."""
    reply = owner.get(f"/reports.csv?table={key}&{query}")
    assert reply.status == 200 and "attachment" in reply.header("Content-Disposition")
    return list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff"))))


def by_label(rows: list[list[str]]) -> dict[str, str]:
    return {row[0]: row[1] for row in rows[1:]}


def missed(n: int) -> list[dict]:
    return [{"operator": "bob", "handset": 2, "started_at": "2026-11-23T08:00:00.000Z",
             "ended_at": "2026-11-23T08:00:15.000Z", "result": "no_answer"}] * n


def test_the_report_shows_figures_and_charts(owner, web):
    web[4].write_many([record("a", "2026-11-23T08:00:00.000Z", ring_attempts=missed(6)),
                       record("b", "2026-11-22T10:00:00.000Z", outcome="abandoned_queue",
                              operator=None, wait_s=95.0),
                       record("c", "2026-11-01T10:00:00.000Z")])
    page = owner.get("/reports?since=2026-11-20&until=2026-11-23")
    assert page.status == 200
    assert '<span id="calls-total">2</span>' in page.text
    assert page.text.count("<svg") == 4 and "Calls per hour" in page.text    # + ann's two
    assert "50%" in page.text                              # one of two answered within 20 s
    assert "1:35" in page.text                             # longest wait
    assert "many missed rings" in page.text and 'class="flagged"' in page.text


def test_presets_choose_the_period(owner):
    page = owner.get("/reports?preset=today")
    assert 'value="2026-11-23"' in page.text and "No calls in this period" in page.text


def test_a_backwards_period_is_refused_with_a_reason(owner):
    page = owner.get("/reports?since=2026-11-23&until=2026-11-01")
    assert page.status == 400 and "must not be after its end" in page.text
    assert owner.get("/reports?since=soon").status == 400


def test_charts_are_plain_svg_with_escaped_labels():
    svg = charts.bar_chart([1, 0, 4], ["<a>", "b", "c"], "T & U")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="bar"') == 3 and "&lt;a&gt;" in svg and "T &amp; U" in svg
    assert charts.hours_chart([0] * 24).count('class="bar"') == 24
    assert "No calls in this period" in charts.days_chart({})


def test_a_report_is_reused_until_the_log_is_written_again(owner, web):
    writer = web[4]
    writer.write(record("a", "2026-11-23T08:00:00.000Z"))
    url = "/reports?since=2026-11-23&until=2026-11-23"
    assert '<span id="calls-total">1</span>' in owner.get(url).text
    assert '<span id="calls-total">1</span>' in owner.get(url).text
    writer.write(record("b", "2026-11-23T08:30:00.000Z"))
    assert '<span id="calls-total">2</span>' in owner.get(url).text
    writer.write(record("b", "2026-11-23T08:30:00.000Z", outcome="abandoned_queue"))
    assert by_label(csv_table(owner, "outcomes", url.split("?")[1]))["Gave up in the queue"] == "1"


def test_the_report_shows_speed_of_answer_abandons_handle_time_and_occupancy(owner, web):
    web[4].write_many([
        record("a", "2026-11-23T08:00:00.000Z", wait_s=10.0, ended_at="2026-11-23T08:02:00.000Z"),
        record("b", "2026-11-23T08:10:00.000Z", wait_s=30.0, ended_at="2026-11-23T08:12:00.000Z"),
        record("c", "2026-11-23T08:20:00.000Z", outcome="abandoned_queue", operator=None,
               wait_s=60.0, ring_attempts=[]),
        record("d", "2026-11-23T08:30:00.000Z", outcome="abandoned_queue", operator=None,
               wait_s=2.0, ring_attempts=[]),
        record("e", "2026-11-23T08:40:00.000Z", outcome="abandoned_menu", operator=None,
               queue=None, queued_at=None, wait_s=None, ring_attempts=[], menu_path="9",
               menu_actions=["message"]),
        record("f", "2026-11-23T08:50:00.000Z", transfers=[
            {"at": "2026-11-23T08:51:00.000Z", "from_queue": "sales", "to_queue": "support",
             "by": "ann"}]),
    ])
    page = owner.get("/reports?since=2026-11-23&until=2026-11-23")
    assert '<span id="asa">0:17</span>' in page.text           # (10 + 30 + 12) / 3 answered
    assert '<span id="abandon-rate">25%</span>' in page.text    # c of a b c f; d was short
    query = "since=2026-11-23&until=2026-11-23"
    outcomes = by_label(csv_table(owner, "outcomes", query))
    assert outcomes["of them within 5 s (short, not in the abandon rate)"] == "1"
    assert outcomes["of them self-service (heard a message, then left)"] == "1"
    summary = by_label(csv_table(owner, "summary", query))
    assert summary["Average ring before answer (not in handle time)"] == "4.0"
    assert (summary["Transferred calls"], summary["Transfers"]) == ("1", "1")
    assert 'id="per-queue"' in page.text and "<td>sales</td>" in page.text
    assert "Occupancy" in page.text


def test_days_and_hours_are_the_owners(owner, web):
    _, _, store, clock, writer = web
    store.update({"hours": {"timezone": "Europe/Berlin"}})
    clock.now -= 10 * 3600                      # 2026-11-22T23:00Z: already the 23rd in Berlin
    writer.write_many([record("late", "2026-11-22T23:30:00.000Z"),     # 00:30 on the 23rd
                       record("early", "2026-11-22T22:30:00.000Z")])   # 23:30 on the 22nd
    page = owner.get("/reports?preset=today")
    assert 'value="2026-11-23"' in page.text and '<span id="calls-total">1</span>' in page.text
    assert "Calls per hour (Europe/Berlin)" in page.text and "Europe/Berlin" in page.text
    page = owner.get("/reports?since=2026-11-22&until=2026-11-22")
    assert '<span id="calls-total">1</span>' in page.text


def test_a_report_is_recomputed_when_the_time_zone_changes(owner, web):
    _, _, store, _, writer = web
    writer.write(record("late", "2026-11-22T23:30:00.000Z"))
    url = "/reports?since=2026-11-23&until=2026-11-23"
    assert '<span id="calls-total">0</span>' in owner.get(url).text
    store.update({"hours": {"timezone": "Europe/Berlin"}})
    assert '<span id="calls-total">1</span>' in owner.get(url).text
