"""What the engine keeps of each line besides its calls: health, why it is down, warnings."""
from appliance import events as ev
from appliance.console import views
from tests.engine.rig import Rig

HOME = {"registration": "home", "network": "SimNet", "signal_dbm": -73, "bars": 5, "sim": "ready",
        "plan": "line1 sim800: call state by +CLCC reports", "model": "SIM800", "last_error": None}


def line_row(rig: Rig) -> dict:
    return rig.engine.snapshot(rig.now)["lines"][0]


def test_a_failed_call_records_the_lines_reason():
    rig = Rig()
    rig.call_in()
    rig.send(ev.LineFailed("line1", "the module restarted during the call"))
    assert rig.record()["failure"] == "the module restarted during the call"


def test_health_is_in_the_snapshot_and_on_the_console():
    rig = Rig()
    rig.send(ev.LineHealthReported("line1", HOME))
    row = line_row(rig)
    assert row["health"] == HOME and row["warning"] is None and row["label"] == "Idle"
    assert "registered, SimNet, -73 dBm (5/5), 0 calls today" in views.lines(
        rig.engine.snapshot(rig.now))


def test_two_minutes_unregistered_is_a_warning_and_registering_clears_it():
    rig = Rig()
    rig.send(ev.LineHealthReported("line1", {**HOME, "registration": "searching"}))
    rig.advance(119)
    assert line_row(rig)["warning"] is None              # a short loss is no alarm
    rig.advance(2)
    assert line_row(rig)["warning"] == "not registered on the network for 2 min (searching)"
    assert "! not registered on the network" in views.lines(rig.engine.snapshot(rig.now))
    rig.send(ev.LineHealthReported("line1", HOME))
    assert line_row(rig)["warning"] is None


def test_a_line_down_says_why_until_it_is_back():
    rig = Rig()
    rig.send(ev.LineFailed("line1", "Setting 'lines[0].port' names /dev/ivr-line0, which does not exist"))
    assert line_row(rig)["warning"].startswith("out of service: Setting 'lines[0].port'")
    assert line_row(rig)["state"] == "down"
    rig.send(ev.LineReady("line1"))
    assert line_row(rig)["warning"] is None and line_row(rig)["state"] == "idle"


def test_calls_today_count_inbound_calls_per_line():
    rig = Rig()
    rig.call_in()
    rig.send(ev.LineHungUp("line1"))
    rig.call_in()
    assert line_row(rig)["calls_today"] == 2
