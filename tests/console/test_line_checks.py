"""``test line N`` (one verdict on whether a line can take calls) and ``test dtmf N`` (the keys
heard on a line, as they arrive)."""
from __future__ import annotations

import threading
import time

from appliance.console.line_checks import verdict
from appliance.events import DigitPressed
from tests.console.rig import live_rig, stop


def row(**patch) -> dict:
    return {"id": "line1", "state": "idle", "caller": None, **patch}


def test_the_verdict_names_what_to_fix():
    assert verdict(row()).endswith("OK: ready for calls")
    good = {"registration": "home", "network": "SimNet", "signal_dbm": -73, "bars": 5, "sim": "ready"}
    assert verdict(row(health=good)) == \
        "line line1 (idle, registered, SimNet, -73 dBm (5/5)): OK: ready for calls"
    assert "FAILED: not registered" in verdict(row(health={**good, "registration": "searching"}))
    assert "FAILED: SIM asks for its PIN: check the SIM" in verdict(row(health={**good, "sim": "pin"}))
    assert "WEAK: signal -105 dBm" in verdict(row(health={**good, "signal_dbm": -105}))
    assert verdict(row(state="down", warning="the module does not answer")).endswith(
        "FAILED: the module does not answer")


def test_test_line_and_test_dtmf_on_a_running_appliance(tmp_path):
    rig = live_rig(tmp_path)
    try:
        assert rig.run("test line 1").endswith("OK: ready for calls")
        assert "there is no line 7" in rig.run("test line 7") or "from 1 to" in rig.run("test line 7")

        def press():
            time.sleep(0.5)
            for key in "12#":
                rig.loop.post(DigitPressed("line1", key))
                time.sleep(0.2)
            rig.loop.post(DigitPressed("line2", "9"))          # another line: not shown
        threading.Thread(target=press, daemon=True).start()
        text = rig.run("test dtmf 1 2").splitlines()
        assert text[0].startswith("line line1: listening 2 s for keys (Ctrl-C stops)"), text
        assert [row.split()[0] for row in text[1:4]] == ["1", "2", "#"]   # line2's 9 is not shown
        assert text[1].startswith("  1   at 0.")
        assert text[4] == "line line1: heard 3 keys in 2 s: 12#"
        assert "no key heard in 1 s" in rig.run("test dtmf 1 1")
    finally:
        stop(rig)
