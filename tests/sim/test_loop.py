"""The loop: timers, routing of commands, thread safety, clocks, surviving driver failures."""
from __future__ import annotations

import threading
import time

import pytest

from appliance import commands as c
from appliance import events as ev
from appliance.clock import RealClock, SimClock
from appliance.loop import Loop, LoopStalled

from .rig import START


class ScriptEngine:
    """Returns the scripted commands for each event type; remembers events and threads."""

    def __init__(self, script=None, fail_on=()):
        self.script, self.fail_on = script or {}, fail_on
        self.seen, self.threads = [], set()

    def handle(self, event, now):
        self.threads.add(threading.get_ident())
        if type(event) in self.fail_on:
            raise RuntimeError("engine bug")
        self.seen.append((now, event))
        return list(self.script.get(type(event), []))

    def snapshot(self, now):
        self.threads.add(threading.get_ident())
        return {"now": now, "seen": len(self.seen)}

    def is_idle(self):
        return True


class Driver:
    """Records commands; raises on the command types in ``fail_on``."""

    def __init__(self, line_id="line1", fail_on=()):
        self.id, self.fail_on = line_id, fail_on
        self.commands, self.post, self.closed = [], None, False

    def start(self, post):
        self.post = post

    def execute(self, command):
        if type(command) in self.fail_on:
            raise OSError("port gone")
        self.commands.append(command)

    def close(self):
        self.closed = True


class Log:
    def __init__(self, fail=False):
        self.records, self.fail = [], fail

    def write(self, record):
        if self.fail:
            raise OSError("disk full")
        self.records.append(record)


def sim_loop(engine, **parts):
    loop = Loop(engine, SimClock(START))
    loop.connect(lines=parts.get("lines", [Driver()]), handsets=parts.get("handsets", Driver()),
                 calllog=parts.get("calllog", Log()))
    return loop


def run_for(loop, seconds):
    target = loop.now() + seconds
    loop.call_at(target, lambda: None)
    loop.run_until(lambda: loop.now() >= target)


def fired(engine):
    return [(round(t - START, 3), e.key) for t, e in engine.seen if isinstance(e, ev.TimerFired)]


# -- engine timers -----------------------------------------------------------------------------

def test_engine_timer_fires_once_at_its_time():
    engine = ScriptEngine()
    loop = sim_loop(engine)
    loop.execute(c.StartTimer(("menu", "c1"), START + 10))
    run_for(loop, 60)
    assert fired(engine) == [(10.0, ("menu", "c1"))]


@pytest.mark.parametrize("first, second", [(10, 5), (5, 10)])
def test_a_timer_with_the_same_key_replaces_the_old_one(first, second):
    engine = ScriptEngine()
    loop = sim_loop(engine)
    loop.execute(c.StartTimer(("ring", "c1"), START + first))
    loop.execute(c.StartTimer(("ring", "c1"), START + second))
    run_for(loop, 60)
    assert fired(engine) == [(float(second), ("ring", "c1"))]


def test_cancel_timer_forgets_it_and_other_keys_still_fire():
    engine = ScriptEngine()
    loop = sim_loop(engine)
    loop.execute(c.StartTimer(("ring", "c1"), START + 5))
    loop.execute(c.StartTimer(("wrapup", "ann"), START + 7))
    loop.execute(c.CancelTimer(("ring", "c1")))
    loop.execute(c.CancelTimer(("never", "started")))
    run_for(loop, 60)
    assert fired(engine) == [(7.0, ("wrapup", "ann"))]


def test_commands_returned_for_a_timer_are_executed():
    line = Driver()
    engine = ScriptEngine({ev.TimerFired: [c.Play("line1", 3, (("prompt", "goodbye"),))]})
    loop = sim_loop(engine, lines=[line])
    loop.execute(c.StartTimer(("t",), START + 1))
    run_for(loop, 2)
    assert line.commands == [c.Play("line1", 3, (("prompt", "goodbye"),))]


# -- routing -----------------------------------------------------------------------------------

def test_commands_go_to_the_driver_that_does_the_job():
    line1, line2, bank, log = Driver("line1"), Driver("line2"), Driver("bank"), Log()
    record = {"id": "c1", "outcome": "answered"}
    script = {ev.LineRinging: [c.AnswerLine("line2"), c.RingHandset(3, "+44"),
                               c.Bridge("line2", 3), c.Unbridge("line2", 3), c.StopRing(3),
                               c.Hangup("line2"), c.WriteCallRecord(record),
                               c.Notice("warning", "ann missed 3 rings")]}
    loop = sim_loop(ScriptEngine(script), lines=[line1, line2], handsets=bank, calllog=log)
    loop.post(ev.LineRinging("line2", None))
    loop.drain()
    assert line1.commands == []
    assert line2.commands == [c.AnswerLine("line2"), c.Bridge("line2", 3),
                              c.Unbridge("line2", 3), c.Hangup("line2")]
    assert bank.commands == [c.RingHandset(3, "+44"), c.Bridge("line2", 3),
                             c.Unbridge("line2", 3), c.StopRing(3)]
    assert log.records == [record]
    assert [(level, text) for _, level, text in loop.recent_notices()] == [
        ("warning", "ann missed 3 rings")]


def test_drivers_are_started_with_post_and_closed_on_request():
    line, bank = Driver(), Driver()
    engine = ScriptEngine()
    loop = sim_loop(engine, lines=[line], handsets=bank)
    line.post(ev.DigitPressed("line1", "5"))
    bank.post(ev.HandsetOffHook(2))
    loop.drain()
    loop.close_drivers()
    assert [e for _, e in engine.seen] == [ev.DigitPressed("line1", "5"), ev.HandsetOffHook(2)]
    assert line.closed and bank.closed


def test_notices_are_kept_in_a_bounded_list():
    loop = Loop(ScriptEngine(), SimClock(START), notices=3)
    for n in range(5):
        loop.execute(c.Notice("info", f"n{n}"))
    assert [text for _, _, text in loop.recent_notices()] == ["n2", "n3", "n4"]


# -- failures ------------------------------------------------------------------------------------

def test_a_driver_exception_becomes_line_failed_and_the_loop_goes_on():
    line = Driver(fail_on=(c.Play,))
    engine = ScriptEngine({ev.LineRinging: [c.AnswerLine("line1"),
                                            c.Play("line1", 1, (("prompt", "greeting"),))]})
    loop = sim_loop(engine, lines=[line])
    loop.post(ev.LineRinging("line1", "+441632960001"))
    loop.post(ev.DigitPressed("line1", "1"))
    loop.drain()
    events = [e for _, e in engine.seen]
    assert events[0] == ev.LineRinging("line1", "+441632960001")
    assert ev.DigitPressed("line1", "1") in events
    failed = [e for e in events if isinstance(e, ev.LineFailed)]
    assert failed == [ev.LineFailed("line1", "driver error: port gone")]
    assert line.commands == [c.AnswerLine("line1")]


def test_a_failing_hangup_or_unbridge_is_logged_but_not_reported_again():
    line = Driver(fail_on=(c.Hangup, c.Unbridge))
    engine = ScriptEngine({ev.LineHungUp: [c.Unbridge("line1", 1), c.Hangup("line1")]})
    loop = sim_loop(engine, lines=[line])
    loop.post(ev.LineHungUp("line1"))
    loop.drain()
    assert [e for _, e in engine.seen] == [ev.LineHungUp("line1")]


def test_a_command_for_an_unknown_line_reports_that_line_failed():
    engine = ScriptEngine({ev.LineRinging: [c.AnswerLine("line9")]})
    loop = sim_loop(engine)
    loop.post(ev.LineRinging("line1", None))
    loop.drain()
    assert isinstance(engine.seen[-1][1], ev.LineFailed)
    assert engine.seen[-1][1].line == "line9"


def test_handset_and_call_log_failures_become_notices():
    bank, log = Driver(fail_on=(c.RingHandset,)), Log(fail=True)
    engine = ScriptEngine({ev.LineRinging: [c.RingHandset(1), c.WriteCallRecord({"id": "c1"})]})
    loop = sim_loop(engine, handsets=bank, calllog=log)
    loop.post(ev.LineRinging("line1", None))
    loop.drain()
    texts = [text for _, level, text in loop.recent_notices() if level == "error"]
    assert texts == ["handset bank: port gone", "call log: disk full"]


def test_records_the_call_log_refused_are_kept_and_written_once_it_works_again():
    log = Log(fail=True)
    engine = ScriptEngine({ev.LineRinging: [c.WriteCallRecord({"id": "c1", "v": 1})],
                           ev.DigitPressed: [c.WriteCallRecord({"id": "c2", "v": 1}),
                                             c.WriteCallRecord({"id": "c1", "v": 2})]})
    loop = sim_loop(engine, calllog=log)
    loop.post(ev.LineRinging("line1", None))
    loop.drain()
    assert loop.unsaved_records() == [{"id": "c1", "v": 1}]
    log.fail = False                                  # the disk has room again
    loop.post(ev.DigitPressed("line1", "1"))
    loop.drain()
    assert loop.unsaved_records() == []
    assert {r["id"]: r for r in log.records} == {"c1": {"id": "c1", "v": 2}, "c2": {"id": "c2", "v": 1}}


def test_an_engine_exception_is_counted_and_the_next_event_still_handled():
    engine = ScriptEngine(fail_on=(ev.DigitPressed,))
    loop = sim_loop(engine)
    loop.post(ev.DigitPressed("line1", "1"))
    loop.post(ev.LineHungUp("line1"))
    loop.drain()
    assert loop.failures == 1
    assert [e for _, e in engine.seen] == [ev.LineHungUp("line1")]


# -- simulated clock -----------------------------------------------------------------------------

def test_simulated_clock_jumps_to_the_next_due_callback_without_sleeping():
    loop = sim_loop(ScriptEngine())
    ran = []
    loop.call_at(START + 86_400, lambda: ran.append(loop.now()))
    loop.call_later(3600, lambda: ran.append(loop.now()))
    wall = time.perf_counter()
    loop.run_until(lambda: len(ran) == 2)
    assert time.perf_counter() - wall < 0.5
    assert ran == [START + 3600, START + 86_400]


def test_posted_events_are_handled_before_time_moves_on():
    engine = ScriptEngine()
    loop = sim_loop(engine)
    loop.call_later(10, lambda: loop.post(ev.HandsetOffHook(1)))
    loop.call_later(20, lambda: loop.post(ev.HandsetOnHook(1)))
    run_for(loop, 30)
    loop.drain()
    assert [(t - START, e) for t, e in engine.seen] == [(10, ev.HandsetOffHook(1)),
                                                         (20, ev.HandsetOnHook(1))]


def test_callbacks_due_at_the_same_time_run_in_the_order_scheduled():
    loop = sim_loop(ScriptEngine())
    order = []
    for n in range(5):
        loop.call_at(START + 1, lambda n=n: order.append(n))
    run_for(loop, 2)
    assert order == [0, 1, 2, 3, 4]


def test_a_cancelled_callback_does_not_run():
    loop = sim_loop(ScriptEngine())
    ran = []
    loop.call_later(1, lambda: ran.append(1)).cancel()
    run_for(loop, 2)
    assert ran == []


def test_run_until_stops_with_a_clear_error_when_nothing_is_left_to_happen():
    loop = sim_loop(ScriptEngine())
    with pytest.raises(LoopStalled, match="nothing is left"):
        loop.run_until(lambda: False)


def test_run_until_stops_at_its_time_limit():
    loop = sim_loop(ScriptEngine())
    tick = []

    def again():
        tick.append(1)
        loop.call_later(60, again)
    again()
    with pytest.raises(LoopStalled, match="time limit"):
        loop.run_until(lambda: False, until=START + 3600)
    assert 59 <= len(tick) <= 62


# -- real time and threads ---------------------------------------------------------------------

def wait_for(condition, timeout=2.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_events_posted_from_other_threads_are_handled_promptly_on_the_loop_thread():
    engine = ScriptEngine()
    loop = Loop(engine, RealClock())
    loop.connect(lines=[Driver()], handsets=Driver(), calllog=Log())
    loop.execute(c.StartTimer(("far", "away"), loop.now() + 3600))
    loop.start()
    try:
        posted = time.monotonic()
        workers = [threading.Thread(target=lambda n=n: [loop.post(ev.DigitPressed("line1", str(n)))
                                                        for _ in range(50)]) for n in range(4)]
        for worker in workers:
            worker.start()
        wait_for(lambda: len(engine.seen) == 200)
        assert time.monotonic() - posted < 1.0
        assert engine.threads == {loop.thread.ident}
    finally:
        loop.stop()
        loop.join(2)
    assert not loop.thread.is_alive()


def test_timers_and_call_at_from_another_thread_run_on_time_on_the_loop_thread():
    engine = ScriptEngine()
    loop = Loop(engine, RealClock())
    loop.connect(lines=[Driver()], handsets=Driver(), calllog=Log())
    loop.start()
    ran = []
    try:
        due = loop.now() + 0.2
        loop.call_at(due, lambda: ran.append((loop.now(), threading.get_ident())))
        loop.call_soon(lambda: loop.execute(c.StartTimer(("t",), due)))
        wait_for(lambda: ran and engine.seen)
        assert due <= ran[0][0] < due + 0.15
        assert ran[0][1] == loop.thread.ident
        assert engine.seen[0][1] == ev.TimerFired(("t",))
    finally:
        loop.stop()
        loop.join(2)


def test_snapshot_from_another_thread_runs_on_the_loop_thread():
    engine = ScriptEngine()
    loop = Loop(engine, RealClock())
    loop.connect(lines=[Driver()], handsets=Driver(), calllog=Log())
    loop.start()
    try:
        loop.post(ev.LineHungUp("line1"))
        snap = loop.snapshot()
        assert snap["seen"] == 1
        assert engine.threads == {loop.thread.ident}
    finally:
        loop.stop()
        loop.join(2)


def test_stop_before_the_thread_runs_is_not_lost():
    loop = Loop(ScriptEngine(), RealClock())
    loop.connect(lines=[Driver()], handsets=Driver(), calllog=Log())
    loop.stop()
    loop.start()
    loop.join(2)
    assert not loop.thread.is_alive()


def test_what_a_due_callback_posts_reaches_the_engine_before_the_next_due_callback():
    # A caller's patience and an engine ring timeout end at the same instant; the patience was
    # scheduled first, so the engine must hear the hang-up before the timeout, not after it.
    engine = ScriptEngine()
    loop = sim_loop(engine)
    loop.call_at(START + 9, lambda: loop.post(ev.LineHungUp("line1")))
    loop.call_at(START + 9, lambda: loop.post(ev.HandsetOffHook(1)))
    loop.execute(c.StartTimer(("ring", "c1"), START + 9))
    run_for(loop, 10)
    assert [e for _, e in engine.seen] == [ev.LineHungUp("line1"), ev.HandsetOffHook(1),
                                           ev.TimerFired(("ring", "c1"))]


# -- call records off the loop thread ------------------------------------------------------------

class ThreadLog(Log):
    """A log that remembers which thread wrote, and can make commits slow."""

    def __init__(self, delay=0.0, fail=False):
        super().__init__(fail)
        self.delay, self.threads = delay, set()

    def write(self, record):
        self.threads.add(threading.get_ident())
        time.sleep(self.delay)
        super().write(record)

    def close(self):
        pass


def test_real_time_records_are_written_off_the_loop_thread_and_flushed_when_it_stops():
    log = ThreadLog(delay=0.05)
    engine = ScriptEngine({ev.LineHungUp: [c.WriteCallRecord({"id": "c1", "v": 1}),
                                           c.WriteCallRecord({"id": "c1", "v": 2})]})
    loop = Loop(engine, RealClock())
    loop.connect(lines=[Driver()], handsets=Driver(), calllog=log)
    loop.start()
    posted = time.perf_counter()
    loop.post(ev.LineHungUp("line1"))
    wait_for(lambda: engine.seen)
    handled = loop.snapshot()["seen"]
    assert handled == 1 and time.perf_counter() - posted < 0.04     # not held up by the log
    loop.stop()
    loop.join(2)
    assert log.records[-1] == {"id": "c1", "v": 2}                  # committed before join returned
    assert loop.thread.ident not in log.threads
    assert loop.record_stats()["submitted"] == 2


def test_under_the_simulated_clock_records_are_written_at_once_on_the_loop_thread():
    log = ThreadLog()
    loop = sim_loop(ScriptEngine(), calllog=log)
    loop.execute(c.WriteCallRecord({"id": "c1"}))
    assert log.records == [{"id": "c1"}] and log.threads == {threading.get_ident()}


def test_close_records_leaves_what_the_log_refused_for_the_side_file():
    log = ThreadLog(fail=True)
    loop = Loop(ScriptEngine(), RealClock())
    loop.connect(lines=[Driver()], handsets=Driver(), calllog=log)
    loop.execute(c.WriteCallRecord({"id": "c1", "v": 1}))
    loop.execute(c.WriteCallRecord({"id": "c1", "v": 2}))
    assert loop.close_records()
    assert loop.unsaved_records() == [{"id": "c1", "v": 2}]
    assert [text for _, level, text in loop.recent_notices() if level == "error"] == [
        "call log: disk full"]
