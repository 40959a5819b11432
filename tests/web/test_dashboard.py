"""The dashboard: lines, queue, callbacks, operators with pause buttons, today; live fragment."""
from __future__ import annotations

from appliance.events import LineRinging, OperatorPaused, OperatorUnpaused


def test_the_dashboard_shows_lines_operators_and_today(owner):
    page = owner.get("/")
    assert page.status == 200
    for text in ("line1", "Idle", "Ann", "Bob", "Cat", "Available", "calls today",
                 "Nobody is waiting", "None pending", "ann was paused after 3 missed rings"):
        assert text in page.text, text
    assert page.text.count(">Pause<") == 3


def test_without_javascript_the_dashboard_refreshes_itself(owner):
    page = owner.get("/").text
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in page
    assert '<script src="/static/live.js" defer></script>' in page


def test_the_live_fragment_shows_a_ringing_line_and_the_waiting_caller(owner, web):
    loop = web[1]
    loop.engine.handle(LineRinging("line1", "+441632960077"), 1_795_424_400.0)
    fragment = owner.get("/live")
    assert fragment.status == 200 and "<html" not in fragment.text
    assert "+441632960077" in fragment.text
    assert fragment.header("Cache-Control") == "no-store"


def test_pause_and_unpause_post_events_to_the_loop(owner, web):
    loop = web[1]
    owner.get("/")
    reply = owner.post("/operators/bob/pause")
    assert reply.status == 303 and reply.header("Location").endswith("/")
    assert "bob is paused" in owner.get("/").text
    assert "bob is paused" not in owner.get("/").text                # shown once
    owner.get("/")
    owner.post("/operators/bob/unpause")
    assert loop.posted == [OperatorPaused("bob"), OperatorUnpaused("bob")]


def test_a_paused_operator_gets_an_unpause_button(owner, web):
    loop = web[1]
    loop.engine.handle(OperatorPaused("cat"), 1_795_424_400.0)
    page = owner.get("/").text
    assert "Paused" in page and 'action="/operators/cat/unpause"' in page


def test_a_loop_that_does_not_answer_is_said_plainly(owner, web):
    loop = web[1]

    def stuck(timeout=5.0):
        raise TimeoutError("no answer")
    loop.snapshot = stuck
    page = owner.get("/")
    assert page.status == 200 and "not answering right now" in page.text


def test_a_lines_health_and_warning_are_on_the_dashboard_and_the_system_page(owner, web):
    from appliance.events import LineFailed, LineHealthReported
    loop = web[1]
    loop.engine.handle(LineHealthReported("line1", {
        "registration": "home", "network": "Vodafone UK", "signal_dbm": -81, "bars": 4,
        "sim": "ready", "plan": "line1 sim7600: keys by +RXDTMF", "model": "SIM7600",
        "last_error": None}), 1_795_424_400.0)
    fragment = owner.get("/live").text
    assert "registered, Vodafone UK, -81 dBm (4/5)" in fragment
    system = owner.get("/system").text
    assert "-81 dBm (4/5)" in system and "line1 sim7600: keys by +RXDTMF" in system
    loop.engine.handle(LineFailed("line1", "Setting 'lines[0].port' names /dev/ivr-line0, "
                                           "which does not exist"), 1_795_424_401.0)
    fragment = owner.get("/live").text
    assert "Out of service" in fragment
    assert "line1: out of service: Setting &#039;lines[0].port&#039; names /dev/ivr-line0" in fragment


# ---- today from the call log, and the warnings ------------------------------------------------

def test_today_comes_from_the_call_log_so_a_restart_changes_nothing(web, tmp_path):
    from appliance.store.calllog import CALLLOG_NAME, CallLog
    from appliance.web.app import make_app
    from tests.web.conftest import Clock, FakeLoop, owner_of, record
    _, _, store, _, writer = web
    writer.write_many([
        record("a", "2026-11-23T08:00:00.000Z"),
        record("b", "2026-11-23T08:10:00.000Z", outcome="abandoned_queue", operator=None),
        record("c", "2026-11-23T08:20:00.000Z", outcome="callback_requested", operator=None),
        record("d", "2026-11-23T08:25:00.000Z", outcome=None, operator=None),        # live
        record("cb", "2026-11-23T08:30:00.000Z", direction="callback", parent_id="c",
               outcome="callback_answered", operator="bob", line="line1"),
        record("old", "2026-11-22T08:00:00.000Z")])                                  # yesterday
    reader = CallLog(tmp_path / CALLLOG_NAME, readonly=True)
    fresh = make_app(FakeLoop(store.load()), store, reader, tmp_path, clock=Clock())  # restarted
    try:
        fragment = owner_of(fresh).get("/live").text
    finally:
        reader.close()
    for figure, label in ((4, "calls today"), (2, "answered"), (1, "gave up"),
                          (1, "callbacks asked")):
        assert f"<span>{figure}</span>{label}" in fragment, label
    assert "<td>5 today</td>" in fragment                  # line1: four inbound + the dial-back
    assert "<td>1</td>" in fragment                        # ann and bob took one each


def test_today_is_the_offices_date_and_follows_new_records(owner, web):
    _, _, store, clock, writer = web
    store.update({"hours": {"timezone": "America/New_York"}})
    writer.write(record_at("2026-11-23T04:30:00.000Z"))   # 23:30 on the 22nd in New York
    assert "<span>0</span>calls today" in owner.get("/live").text
    writer.write(record_at("2026-11-23T05:30:00.000Z"))   # 00:30 on the 23rd
    assert "<span>1</span>calls today" in owner.get("/live").text


def record_at(started_at: str) -> dict:
    from tests.web.conftest import record
    return record(started_at, started_at)


def fake_snapshot(loop, operators=None, lines=None):
    """Replace the loop's picture with a hand-made one."""
    snap = loop.engine.snapshot(1_795_424_400.0)
    if operators is not None:
        snap["operators"] = [{**snap["operators"][0], "id": op_id, "name": op_id, "state": state}
                             for op_id, state in operators]
    if lines is not None:
        snap["lines"] = [{**snap["lines"][0], **line} for line in lines]
    loop.snapshot = lambda timeout=5.0: snap
    return snap


def warnings_of(owner) -> str:
    page = owner.get("/live").text
    start = page.find('<ul class="warnings"')
    return "" if start < 0 else page[start:page.index("</ul>", start)]


def test_no_warnings_when_all_is_well(owner, monkeypatch):
    from appliance.web import routes_live
    monkeypatch.setattr(routes_live, "disk_usage", lambda path: _usage(free=20 * 1024 ** 3))
    assert warnings_of(owner) == ""


def test_nobody_present_is_said_in_words(owner, web):
    loop = web[1]
    fake_snapshot(loop, operators=[("ann", "paused"), ("bob", "paused")])
    assert "Every operator is paused" in warnings_of(owner)
    fake_snapshot(loop, operators=[("ann", "disabled")])
    assert "No operator is enabled" in warnings_of(owner)
    fake_snapshot(loop, operators=[("ann", "disabled"), ("bob", "paused")])
    assert "No operator is present" in warnings_of(owner)
    fake_snapshot(loop, operators=[("ann", "disabled"), ("bob", "talking")])
    assert "operator" not in warnings_of(owner)


def test_a_closed_office_is_said_with_when_it_opens(owner, web):
    store = web[2]
    week = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    store.update({"hours": {"timezone": "Europe/London", "weekly": week}})
    assert "closed" not in warnings_of(owner)               # Monday 09:00 in London
    web[3].now -= 3600                                      # 08:00
    text = warnings_of(owner)
    assert "The office is closed now" in text and "It opens today at 09:00" in text


def test_a_line_down_or_unregistered_is_warned(owner, web):
    loop = web[1]
    fake_snapshot(loop, lines=[{"id": "line1", "state": "down", "warning": None, "health": {}}])
    assert "Line line1 is out of service" in warnings_of(owner)
    fake_snapshot(loop, lines=[{"id": "line1", "state": "idle", "warning": None,
                                "health": {"registration": "searching"}}])
    assert "Line line1 is not registered on the mobile network (searching)" in warnings_of(owner)
    fake_snapshot(loop, lines=[{"id": "line1", "state": "down", "health": {},
                                "warning": "out of service: no SIM"}])
    assert "Line line1: out of service: no SIM." in warnings_of(owner)
    fake_snapshot(loop, lines=[{"id": "line1", "state": "idle", "warning": None,
                                "health": {"registration": "roaming"}}])
    assert "line1" not in warnings_of(owner)


def test_a_nearly_full_disk_is_warned(owner, monkeypatch):
    from appliance.web import routes_live
    monkeypatch.setattr(routes_live, "disk_usage", lambda path: _usage(free=300 * 1024 ** 2))
    text = warnings_of(owner)
    assert "The disk is nearly full: 300 MB free of 16.0 GB" in text
    assert owner.get("/").status == 200
    monkeypatch.setattr(routes_live, "disk_usage", lambda path: _usage(free=2 * 1024 ** 3))
    assert "disk" not in warnings_of(owner)


def _usage(free: int):
    from collections import namedtuple
    total = 16 * 1024 ** 3
    return namedtuple("usage", "total used free")(total, total - free, free)


def test_a_call_log_that_cannot_be_read_leaves_the_engines_count(owner, web):
    from appliance.events import LineRinging
    loop = web[1]
    loop.engine.handle(LineRinging("line1", "+441632960077"), 1_795_424_400.0)
    calllog = web[0].config["ivr.context"].calllog

    def broken():
        raise OSError("disk I/O error")
    calllog.data_version = broken
    fragment = owner.get("/live")
    assert fragment.status == 200 and "<span>1</span>calls today" in fragment.text
