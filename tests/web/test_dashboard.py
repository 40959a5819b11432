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
