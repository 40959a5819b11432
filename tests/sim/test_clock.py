"""The real clock: wall time at start carried by the monotonic clock; deadlines that never jump;
the loop following a stepped wall clock only when no call is in progress."""
from __future__ import annotations

import queue
import time

import pytest

from appliance import commands as c
from appliance import events as ev
from appliance import loop as loop_module
from appliance.clock import RealClock, SimClock
from appliance.loop import Loop
from appliance.timefmt import iso, parse

START = parse("2026-11-23T09:00:00Z")
YEAR = 365 * 86400.0


class FakeTime:
    """A wall clock and a monotonic clock that move only when told; ``step`` moves the wall
    clock alone, as NTP or a technician does."""

    def __init__(self, wall: float = START, mono: float = 5000.0) -> None:
        self.wall_s, self.mono_s = wall, mono

    def wall(self) -> float:
        return self.wall_s

    def monotonic(self) -> float:
        return self.mono_s

    def advance(self, seconds: float) -> None:
        self.wall_s += seconds
        self.mono_s += seconds

    def step(self, seconds: float) -> None:
        self.wall_s += seconds

    def clock(self) -> RealClock:
        return RealClock(wall=self.wall, monotonic=self.monotonic)


class Inbox:
    """Stands in for the loop's inbox: remembers the timeout it was asked to wait."""

    def __init__(self):
        self.timeouts = []

    def get(self, timeout=None):
        self.timeouts.append(timeout)
        raise queue.Empty


# -- the clock alone ---------------------------------------------------------------------------

def test_now_is_the_wall_time_at_start_carried_forward_by_the_monotonic_clock():
    t = FakeTime()
    clock = t.clock()
    assert clock.now() == START
    t.advance(12.5)
    assert clock.now() == START + 12.5
    t.mono_s += 1.0                       # the wall clock lags (drift): now follows monotonic
    assert clock.now() == START + 13.5


@pytest.mark.parametrize("step", [YEAR * 56, -3600.0, 2.0])
def test_a_wall_clock_step_moves_neither_now_nor_deadlines(step):
    t = FakeTime()
    clock = t.clock()
    due = clock.deadline(START + 10)
    t.advance(4)
    t.step(step)
    assert clock.now() == START + 4
    assert clock.deadline(START + 10) == due == t.mono_s + 6
    assert clock.offset() == pytest.approx(step)


def test_reanchor_takes_the_wall_time_and_leaves_converted_deadlines_in_place():
    t = FakeTime(wall=30.0)               # a Pi without RTC: 1970-01-01T00:00:30Z
    clock = t.clock()
    due = clock.deadline(40.0)            # ten seconds from now
    t.advance(3)
    t.step(START - 33.0)                  # NTP: it is really 2026
    assert clock.reanchor() == pytest.approx(START - 33.0)
    assert clock.now() == START
    assert clock.offset() == 0
    assert due - clock.monotonic() == 7   # still seven seconds away, whatever the date says
    assert clock.deadline(START + 7) == due


def test_wait_waits_on_monotonic_time_whatever_the_wall_clock_does():
    t = FakeTime()
    clock = t.clock()
    inbox = Inbox()
    due = clock.deadline(START + 10)
    t.advance(2)
    t.step(-YEAR)
    assert clock.wait(inbox, due) is None
    t.step(2 * YEAR)
    assert clock.wait(inbox, due) is None
    t.advance(20)
    assert clock.wait(inbox, due) is None
    assert clock.wait(inbox, None) is None
    assert inbox.timeouts == [8.0, 8.0, 0.0, None]


def test_the_real_clock_really_waits_on_the_monotonic_clock():
    clock = RealClock()
    inbox = queue.SimpleQueue()
    began = time.monotonic()
    assert clock.wait(inbox, clock.deadline(clock.now() + 0.05)) is None
    assert 0.045 <= time.monotonic() - began < 0.5
    inbox.put("x")
    assert clock.wait(inbox, None) == "x"
    assert abs(clock.now() - time.time()) < 0.05


def test_the_simulated_clock_keeps_deadlines_in_its_own_time():
    clock = SimClock(START)
    assert clock.deadline(START + 5) == START + 5
    assert clock.monotonic() == START and clock.offset() == 0 and clock.reanchor() == 0
    assert clock.wait(queue.SimpleQueue(), START + 5) is None
    assert clock.now() == clock.monotonic() == START + 5


# -- the loop on a real clock whose wall clock is stepped ----------------------------------------

class Engine:
    """Remembers what it was given and when; idle or not as the test says."""

    def __init__(self):
        self.seen, self.idle = [], True

    def handle(self, event, now):
        self.seen.append((now, event))
        return []

    def snapshot(self, now):
        return {"now": now}

    def is_idle(self):
        return self.idle


class Drv:
    id = "line1"

    def start(self, post):
        pass

    def execute(self, command):
        pass

    def close(self):
        pass


def loop_on(t: FakeTime, engine: Engine) -> Loop:
    loop = Loop(engine, t.clock())
    loop.connect(lines=[Drv()], handsets=None, calllog=None)
    return loop


def step_with(loop: Loop, event) -> None:
    """One turn of the loop with ``event`` waiting (so it never blocks on the fake clock)."""
    loop.post(event)
    loop._step()


def test_timers_fire_on_monotonic_time_through_a_wall_clock_step():
    t, engine = FakeTime(), Engine()
    loop = loop_on(t, engine)
    engine.idle = False                                  # a call is in progress
    loop.execute(c.StartTimer(("ring", "c1"), START + 10))
    t.advance(4)
    t.step(56 * YEAR)
    step_with(loop, ev.DigitPressed("line1", "1"))
    t.advance(5)
    loop.drain()
    assert [e for _, e in engine.seen] == [ev.DigitPressed("line1", "1")]    # not early
    t.advance(1)
    loop.drain()
    assert engine.seen[-1] == (START + 10, ev.TimerFired(("ring", "c1")))   # on time, old frame


def test_a_wall_clock_step_backwards_does_not_hold_timers_back():
    t, engine = FakeTime(), Engine()
    loop = loop_on(t, engine)
    ran = []
    loop.call_later(10, lambda: ran.append(loop.now()))
    t.step(-YEAR)
    step_with(loop, ev.DigitPressed("line1", "1"))       # idle: the loop follows at once
    assert loop.now() == START - YEAR
    t.advance(10)
    loop.drain()
    assert ran == [START - YEAR + 10]


def test_the_loop_follows_a_step_at_once_when_the_engine_is_idle(caplog):
    t, engine = FakeTime(wall=30.0), Engine()           # booted in 1970, no RTC
    loop = loop_on(t, engine)
    t.advance(5)
    step_with(loop, ev.LineHungUp("line1"))
    t.step(START - 35.0)                                 # NTP arrives
    step_with(loop, ev.LineHungUp("line1"))
    assert [now for now, _ in engine.seen] == [35.0, START]
    assert "the wall clock was stepped by" in caplog.text
    notices = [(level, text) for _, level, text in loop.recent_notices()]
    assert notices == [("warning", f"clock set: the appliance's time moved {START - 35.0:+.3f} s "
                                   f"to follow the wall clock ({iso(35.0)} -> {iso(START)})")]


def test_a_call_in_progress_keeps_its_time_frame_until_it_is_over():
    # A call rings at 1970-01-01T00:01:00Z; NTP steps the clock to 2026 during it. Its record
    # must not start in 1970 and end in 2026: the loop keeps its time until the call is over.
    t, engine = FakeTime(wall=60.0), Engine()
    loop = loop_on(t, engine)
    step_with(loop, ev.LineRinging("line1", None))
    engine.idle = False
    t.advance(20)
    t.step(START - 80.0)
    step_with(loop, ev.DigitPressed("line1", "1"))
    t.advance(100)
    step_with(loop, ev.LineHungUp("line1"))              # the engine ends the call here
    engine.idle = True
    t.advance(1)
    step_with(loop, ev.LineRinging("line1", None))       # the next call: real time
    assert [now for now, _ in engine.seen] == [60.0, 80.0, 180.0, START + 101]


def test_a_step_is_followed_anyway_if_the_engine_stays_busy_too_long():
    t, engine = FakeTime(), Engine()
    loop = loop_on(t, engine)
    engine.idle = False                                  # e.g. callbacks waiting all day
    t.step(3600.0)
    step_with(loop, ev.DigitPressed("line1", "1"))
    t.advance(loop_module.REANCHOR_WAIT_S - 1)
    step_with(loop, ev.DigitPressed("line1", "2"))
    assert loop.now() == START + loop_module.REANCHOR_WAIT_S - 1
    t.advance(1)
    step_with(loop, ev.DigitPressed("line1", "3"))
    assert engine.seen[-1][0] == START + 3600 + loop_module.REANCHOR_WAIT_S
    assert "calls and callbacks in progress have times from both sides" in \
        loop.recent_notices()[-1][2]


def test_drift_under_a_second_is_not_a_step():
    t, engine = FakeTime(), Engine()
    loop = loop_on(t, engine)
    t.advance(10)
    t.step(0.9)
    step_with(loop, ev.DigitPressed("line1", "1"))
    assert engine.seen[-1][0] == START + 10
    assert loop.recent_notices() == []


def test_the_simulated_loop_never_looks_at_the_wall_clock():
    engine = Engine()
    loop = Loop(engine, SimClock(30.0))
    loop.connect(lines=[Drv()], calllog=None)
    loop.call_later(3600, lambda: None)
    loop.post(ev.DigitPressed("line1", "1"))
    loop.run_until(lambda: loop.now() >= 3630.0)
    assert engine.seen == [(30.0, ev.DigitPressed("line1", "1"))]
    assert loop.recent_notices() == []
