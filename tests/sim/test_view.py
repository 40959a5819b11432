"""The live terminal view: everything fits 80 columns; a TTY redraws, a pipe gets status lines."""
from __future__ import annotations

import io

from hwsim.view import LiveView, render, status_line

SNAP = {
    "now": "2026-11-23T09:15:02.125Z",
    "lines": [{"id": "line1", "state": "talking", "caller": "+447700900123", "call_id": "c1"},
              {"id": "line2", "state": "waiting", "caller": None, "call_id": "c2"},
              {"id": "line3", "state": "idle", "caller": None, "call_id": None}],
    "queues": {"sales": [{"call_id": "c2", "kind": "caller", "caller": None, "position": 1,
                          "waited_s": 62.4, "estimate_s": 120.0}]
               + [{"call_id": f"x{n}", "kind": "callback", "caller": "+447700900555",
                   "position": n + 2, "waited_s": 3000.0, "estimate_s": None} for n in range(9)],
               "support": []},
    "callbacks": [{"id": "c9", "number": "+447700900555", "queue": "sales", "attempts": 1,
                   "next_try_at": "2026-11-23T09:20:00.000Z"}],
    "operators": [{"id": "ann", "name": "Ann Withaverylongname", "handset": 1, "state": "talking",
                   "calls_today": 12, "caller": "+447700900123"},
                  {"id": "bob", "name": "Bob", "handset": 20, "state": "available",
                   "calls_today": 0, "caller": None}],
    "today": {"calls": 40, "answered": 30, "abandoned": 5, "callbacks_requested": 3},
}


def test_the_screen_shows_every_part_within_80_columns():
    screen = render(SNAP)
    text = "\n".join(screen)
    assert all(len(row) <= 80 for row in screen)
    assert "09:15:02" in screen[0]
    assert "line1      talking    +447700900123" in text
    assert "sales       1. withheld" in text and "waited  1:02  est  2:00" in text
    assert "... and 2 more" in text and "(callback)" in text
    assert "Pending callbacks (1)" in text and "next try 09:20:00" in text
    assert "handset 20  available" in text
    assert text.endswith("today: 40 calls, 30 answered, 5 abandoned, 3 callbacks")


def test_the_status_line_counts_what_matters():
    line = status_line(SNAP)
    assert line.startswith("09:15:02 lines 2/3 busy | waiting 10 | callbacks 1 | talking 1/2")


class Pipe(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_on_a_terminal_every_tick_redraws_the_screen():
    out = Pipe(tty=True)
    view = LiveView(lambda: SNAP, out)
    view.tick()
    view.tick()
    assert out.getvalue().count("\x1b[H\x1b[2J") == 2


def test_in_a_pipe_a_status_line_every_10_seconds():
    out, now = Pipe(tty=False), [0.0]
    view = LiveView(lambda: SNAP, out, clock=lambda: now[0])
    for second in range(25):
        now[0] = float(second)
        view.tick()
    assert len(out.getvalue().splitlines()) == 3 and "\x1b" not in out.getvalue()


def test_a_callback_being_dialled_says_so_instead_of_an_estimate():
    snap = dict(SNAP, queues={"sales": [{"call_id": "x", "kind": "callback", "caller": "+447700900555",
                                         "position": 1, "waited_s": 90.0, "estimate_s": 0.0,
                                         "calling_back": True}]},
                callbacks=[{"id": "x", "number": "+447700900555", "queue": "sales", "attempts": 0,
                            "next_try_at": None, "in_progress": True},
                           {"id": "y", "number": "+447700900556", "queue": "sales", "attempts": 0,
                            "next_try_at": None, "in_progress": False}])
    text = "\n".join(render(snap))
    assert "waited  1:30  calling back now" in text
    assert "attempts 0   calling now" in text and "attempts 0   next free operator" in text
