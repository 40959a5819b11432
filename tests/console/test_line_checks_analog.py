"""``test line N`` picks the real off-hook check for a line whose driver can do it (a V.253 voice
modem), and the snapshot verdict for any other line or for an analog line that is down."""
from __future__ import annotations

from types import SimpleNamespace

from appliance.console.line_checks import test_line as run_test_line
from appliance.lines.voicemodem import LineProbe


class Modem:
    """A driver with ``probe_line``: answers at once with what ``found`` says."""

    def __init__(self, found: LineProbe) -> None:
        self.found, self.asked = found, 0

    def probe_line(self, done, listen_s: float = 2.0) -> None:
        self.asked += 1
        done(self.found)


def ctx_with(state: str, driver) -> SimpleNamespace:
    snap = {"lines": [{"id": "line3", "state": state, "caller": None}]}
    return SimpleNamespace(snapshot=lambda: snap, lines={"line3": driver})


def test_an_analog_line_is_tried_and_a_gsm_or_down_line_is_not():
    silent = Modem(LineProbe(frames=[]))
    text = run_test_line(ctx_with("idle", silent), ["1"])
    assert silent.asked == 1 and "dial tone: none, the line is silent" in text
    assert text.endswith("line line3: FAILED: no dial tone")
    down = Modem(LineProbe())
    assert run_test_line(ctx_with("down", down), ["1"]).endswith("FAILED: out of service")
    assert down.asked == 0
    assert run_test_line(ctx_with("idle", object()), ["1"]).endswith("OK: ready for calls")
    busy = Modem(LineProbe())
    assert "busy with a call (Talking)" in run_test_line(ctx_with("talking", busy), ["1"])
    assert busy.asked == 0
