"""THE event loop: one thread owns the engine, every other thread only posts into it.

Serial readers, GPIO callbacks, simulated people and the web page call ``post(event)`` (safe from
any thread). The loop hands each event to ``engine.handle(event, now)`` and carries out the
commands it returns: line commands go to that line's driver, ring and bridge commands to the
handset bank, timers to the loop's own timer heap, call records to the call log's writer (which
commits them on a thread of its own, ``appliance/store/log_writer.py``). No lock guards call
state, because only the loop thread touches it.

Time: ``now()`` is the clock's, seconds since the epoch. The timer heap is kept on the clock's
monotonic scale (``clock.deadline(at)`` when a callback is scheduled), so a wall-clock step
moves no deadline; when the wall clock has been stepped, the loop follows it at a moment no
call is in progress (``_follow_wall_clock``; docs/architecture.md, "Time").

Example::

    loop = Loop(engine, RealClock())
    loop.connect(lines=[line1], handsets=bank, calllog=log)
    loop.start()                       # in a thread; or loop.run_until(pred) on this one
    loop.post(LineRinging("line1", "+441632960001"))
    print(loop.snapshot()["lines"])
"""
from __future__ import annotations

import concurrent.futures
import heapq
import itertools
import logging
import queue
import threading
from collections import deque
from typing import Any, Callable, Iterable

from appliance import commands as c
from appliance import timefmt
from appliance.clock import IDLE
from appliance.errors import ApplianceError
from appliance.events import Event, LineFailed, SmsSent, TimerFired
from appliance.store.log_writer import LogWriter

log = logging.getLogger("appliance.loop")

STEP_S = 1.0
"""A wall clock further than this from the loop's time has been stepped (NTP, a technician);
smaller differences are drift, which NTP slews away and the loop ignores."""
REANCHOR_WAIT_S = 600.0
"""How long the loop waits for the engine to be idle before it follows a stepped wall clock
anyway (pending callbacks can keep it busy all day)."""


class LoopStalled(ApplianceError):
    """The loop was asked to run until something happens, but nothing is left that could happen."""


class Handle:
    """A scheduled callback; ``cancel()`` makes sure it does not run."""

    __slots__ = ("at", "due", "fn", "cancelled")

    def __init__(self, at: float, due: float, fn: Callable[[], Any]) -> None:
        # at: the loop time asked for; due: the same on the clock's monotonic scale (the heap's)
        self.at, self.due, self.fn, self.cancelled = at, due, fn, False

    def cancel(self) -> None:
        """Forget the callback; harmless if it already ran."""
        self.cancelled = True


class _Schedule:
    """Inbox item: put ``handle`` on the heap (call_at from a thread that is not the loop's)."""

    __slots__ = ("handle",)

    def __init__(self, handle: Handle) -> None:
        self.handle = handle


class Loop:
    """Owns the engine, the timers and the command routing. See the module docstring."""

    def __init__(self, engine, clock, notices: int = 50) -> None:
        self.engine, self.clock = engine, clock
        self.failures = 0                 # engine or callback exceptions (bugs), logged
        self.thread: threading.Thread | None = None
        self._notices: deque[tuple[float, str, str]] = deque(maxlen=notices)
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._heap: list[tuple[float, int, Handle]] = []
        self._seq = itertools.count()
        self._timers: dict[tuple, Handle] = {}
        self._lines: dict[str, Any] = {}
        self._handsets = None
        self._calllog = None
        self._writer = self._log_writer(None)
        self._step_seen: float | None = None     # monotonic time a wall-clock step was noticed
        self._owner: int | None = None
        self._stopping = False
        self._routes = self._route_table()
        self._watchers: dict[type, list[Callable[[Any], None]]] = {}

    # -- wiring ------------------------------------------------------------------------------

    def connect(self, lines: Iterable = (), handsets=None, calllog=None) -> None:
        """Attach the drivers and the call log, and start each driver with ``self.post``."""
        self._lines = {line.id: line for line in lines}
        self._handsets, self._calllog = handsets, calllog
        earlier, self._writer = self._writer, self._log_writer(calllog)
        self._writer.start()                    # its thread, now rather than with the first call
        for record in earlier.unsaved():        # written before there was a log to write to
            self._writer.submit(record)
        for driver in [*self._lines.values(), handsets]:
            if driver is not None:
                driver.start(self.post)

    def close_drivers(self) -> None:
        """Close every driver (after the loop has stopped); errors are logged, not raised."""
        for driver in [*self._lines.values(), self._handsets]:
            if driver is not None:
                _logged(driver.close, "closing driver %r", driver)

    def close_records(self, timeout: float = 10.0) -> bool:
        """Commit every call record still waiting and end the writer's thread (after the loop
        has stopped, before the call log is closed). Records the log refused to the end are in
        ``unsaved_records()``. False if a commit still hung after ``timeout``."""
        done = self._writer.close(timeout)
        if not done:
            log.error("the call log did not finish writing within %.0f s", timeout)
        return done

    def flush_records(self, timeout: float | None = None) -> bool:
        """Wait until every record handed to the call log so far is committed or refused."""
        return self._writer.flush(timeout)

    def record_stats(self) -> dict:
        """The call log writer's counters (commits, records, largest group, refusals)."""
        return self._writer.stats()

    # -- any thread ----------------------------------------------------------------------------

    def now(self) -> float:
        """The loop's current time (seconds since the epoch; simulated under SimClock)."""
        return self.clock.now()

    def post(self, event: Event) -> None:
        """Queue ``event`` for the engine. Safe from any thread and from signal handlers."""
        self._inbox.put(event)

    def call_soon(self, fn: Callable[[], Any]) -> None:
        """Run ``fn()`` on the loop thread as soon as possible. Safe from any thread."""
        self._inbox.put(fn)

    def call_at(self, at: float, fn: Callable[[], Any]) -> Handle:
        """Run ``fn()`` on the loop thread at time ``at``; returns a cancellable Handle."""
        return self._schedule(Handle(at, self.clock.deadline(at), fn))

    def call_later(self, delay: float, fn: Callable[[], Any]) -> Handle:
        """Run ``fn()`` on the loop thread ``delay`` seconds from now."""
        return self._schedule(Handle(self.clock.now() + delay, self.clock.monotonic() + delay, fn))

    def _schedule(self, handle: Handle) -> Handle:
        if self._on_loop_thread():
            self._push(handle)
        else:
            self._inbox.put(_Schedule(handle))
        return handle

    def snapshot(self, timeout: float = 5.0) -> dict:
        """``engine.snapshot(now)`` taken on the loop thread; safe to call from any thread."""
        if self._on_loop_thread():
            return self.engine.snapshot(self.clock.now())
        future: concurrent.futures.Future = concurrent.futures.Future()
        self.call_soon(lambda: _resolve(future, lambda: self.engine.snapshot(self.clock.now())))
        return future.result(timeout)

    def recent_notices(self) -> list[tuple[float, str, str]]:
        """The last Notices as ``(time, level, text)``, oldest first."""
        return list(self._notices)

    def stop(self) -> None:
        """Make the running (or next) run return after the item it is handling. Any thread."""
        self._stopping = True
        self._inbox.put(_nothing)

    # -- running -------------------------------------------------------------------------------

    def start(self) -> threading.Thread:
        """Run the loop on a new thread until ``stop()``; returns once the thread is running."""
        running = threading.Event()
        self.thread = threading.Thread(target=self._thread_main, args=(running,),
                                       name="appliance-loop", daemon=True)
        self.thread.start()
        running.wait()
        return self.thread

    def join(self, timeout: float | None = None) -> None:
        """Wait for the loop thread started by ``start()`` to end."""
        if self.thread is not None:
            self.thread.join(timeout)

    def run_forever(self) -> None:
        """Run on this thread until ``stop()`` (or, under SimClock, until nothing is left)."""
        try:
            self.run_until(lambda: False)
        except LoopStalled:
            pass

    def run_until(self, predicate: Callable[[], bool], until: float | None = None) -> None:
        """Run on this thread until ``predicate()`` is true or ``stop()`` is called.

        Raises LoopStalled if nothing is left that could happen (simulated time), or if the
        clock passes ``until`` first.
        """
        self._owner = threading.get_ident()
        try:
            while not predicate():
                if self._stopping:
                    self._stopping = False      # a stop is honoured once
                    return
                self._step()
                if until is not None and self.clock.now() > until:
                    raise LoopStalled("the clock passed the run's time limit before it was done")
        finally:
            self._owner = None

    def drain(self) -> None:
        """Handle everything posted and every timer due, without moving the clock; then return."""
        self._owner = threading.get_ident()
        try:
            while True:
                self._fire_due()
                try:
                    item = self._inbox.get_nowait()
                except queue.Empty:
                    return
                self._dispatch(item)
        finally:
            self._owner = None

    def _thread_main(self, running: threading.Event) -> None:
        self._owner = threading.get_ident()
        running.set()
        try:
            self.run_forever()
        finally:            # stopped: what the last events wrote is committed before join returns
            self._writer.flush(timeout=10.0)

    def _step(self) -> None:
        item = self.clock.wait(self._inbox, self._heap[0][0] if self._heap else None)
        if item is IDLE:
            raise LoopStalled("nothing is left that could happen: no event, no timer")
        if not self.clock.simulated:
            self._follow_wall_clock()
        if item is not None:
            self._dispatch(item)
        self._fire_due()

    def _dispatch(self, item) -> None:
        if isinstance(item, _Schedule):
            self._push(item.handle)
        elif callable(item):
            self._guarded(item)
        else:
            self.handle_event(item)

    def _push(self, handle: Handle) -> None:
        heapq.heappush(self._heap, (handle.due, next(self._seq), handle))

    def _fire_due(self) -> None:
        """Run due callbacks in time order, but stop as soon as one posts something: what it
        posted happened at that instant and must reach the engine before the next due callback
        (a caller hanging up at 09:00:09 comes before a ring timeout at 09:00:09 scheduled
        after the caller's patience)."""
        now = self.clock.monotonic()
        while self._heap and self._heap[0][0] <= now and self._inbox.empty():
            handle = heapq.heappop(self._heap)[2]
            if not handle.cancelled:
                self._guarded(handle.fn)

    def _guarded(self, fn: Callable[[], Any]) -> None:
        try:
            fn()
        except Exception:
            self.failures += 1
            log.exception("callback %r failed", fn)

    def _on_loop_thread(self) -> bool:
        return self._owner is None or self._owner == threading.get_ident()

    def _follow_wall_clock(self) -> None:
        """After a wall-clock step (more than STEP_S), take the wall clock's time again once the
        engine is idle, so no call's record has times from both sides of the step; at the
        latest REANCHOR_WAIT_S later. Timers on the heap are monotonic: none of them moves."""
        step = self.clock.offset()
        if abs(step) <= STEP_S:
            if self._step_seen is not None:
                log.info("the wall clock came back to the loop's time by itself")
                self._step_seen = None
            return
        mono = self.clock.monotonic()
        if self._step_seen is None:
            self._step_seen = mono
            log.warning("the wall clock was stepped by %+.3f s (it says %s, the loop's time is "
                        "%s); the loop follows it as soon as no call is in progress", step,
                        timefmt.iso(self.clock.now() + step), timefmt.iso(self.clock.now()))
        idle = self._engine_idle()
        if not idle and mono - self._step_seen < REANCHOR_WAIT_S:
            return
        before = self.clock.now()
        moved = self.clock.reanchor()
        self._step_seen = None
        text = (f"clock set: the appliance's time moved {moved:+.3f} s to follow the wall clock "
                f"({timefmt.iso(before)} -> {timefmt.iso(self.clock.now())})")
        if not idle:
            text += (f"; the engine was not idle for {REANCHOR_WAIT_S:.0f} s, so calls and "
                     "callbacks in progress have times from both sides")
        log.warning("%s; timers keep their monotonic deadlines", text)
        self._notices.append((self.clock.now(), "warning", text))

    def _engine_idle(self) -> bool:
        try:
            return bool(self.engine.is_idle())
        except Exception:
            log.exception("engine.is_idle failed")
            return False

    # -- the engine and its commands -----------------------------------------------------------

    def watch(self, kind: type, fn: Callable[[Any], None]) -> Callable[[], None]:
        """Also give every event of ``kind`` to ``fn`` (on the loop thread, as the engine gets it),
        until the returned function is called: how the console shows keys as they are heard.
        Any thread."""
        self.call_soon(lambda: self._watchers.setdefault(kind, []).append(fn))

        def unwatch() -> None:
            self.call_soon(lambda: fn in self._watchers.get(kind, []) and
                           self._watchers[kind].remove(fn))
        return unwatch

    def handle_event(self, event: Event) -> None:
        """Give ``event`` to the engine now and execute its commands (loop thread only)."""
        for fn in self._watchers.get(type(event), ()):
            self._guarded(lambda fn=fn: fn(event))
        try:
            commands = self.engine.handle(event, self.clock.now())
        except Exception:
            self.failures += 1
            log.exception("engine failed on %r", event)
            return
        for command in commands:
            self.execute(command)

    def execute(self, command: c.Command) -> None:
        """Carry out one engine command by handing it to whoever does that job."""
        self._routes[type(command)](command)

    def _route_table(self) -> dict[type, Callable]:
        return {
            c.AnswerLine: self._to_line, c.Hangup: self._to_line, c.Dial: self._to_line,
            c.Play: self._to_line, c.StopPlayback: self._to_line,
            c.StartRecording: self._to_line, c.StopRecording: self._to_line, c.SendSms: self._to_line,
            c.RingHandset: self._to_handsets, c.StopRing: self._to_handsets,
            c.Bridge: self._to_both, c.Unbridge: self._to_both, c.Hold: self._to_both,
            c.StartTimer: self._start_timer, c.CancelTimer: self._cancel_timer,
            c.WriteCallRecord: self._write_record, c.Notice: self._notice,
        }

    def _to_line(self, command) -> None:
        try:
            self._lines[command.line].execute(command)
        except Exception as exc:
            _log_failure(exc, "line %s cannot %r", command.line, command)
            if isinstance(command, c.SendSms):      # a text never takes a line out of service
                self.post(SmsSent(command.line, command.call_id, False, f"driver error: {exc}"))
                return
            # A failed Hangup or Unbridge means the call is already ending (the engine sent it):
            # reporting the line failed again would only make the engine end it again.
            if not isinstance(command, _ENDING):
                self.post(LineFailed(command.line, f"driver error: {exc}"))

    def _to_handsets(self, command) -> None:
        try:
            self._handsets.execute(command)
        except Exception as exc:
            _log_failure(exc, "handset bank cannot %r", command)
            self._notice(c.Notice("error", f"handset bank: {exc}"))

    def _to_both(self, command) -> None:
        self._to_line(command)
        self._to_handsets(command)

    def _start_timer(self, command: c.StartTimer) -> None:
        self._cancel_timer(command)
        key = command.key
        self._timers[key] = self.call_at(command.at, lambda: self._timer_due(key))

    def _cancel_timer(self, command) -> None:
        handle = self._timers.pop(command.key, None)
        if handle is not None:
            handle.cancel()

    def _timer_due(self, key: tuple) -> None:
        self._timers.pop(key, None)
        self.handle_event(TimerFired(key))

    def _write_record(self, command: c.WriteCallRecord) -> None:
        """Hand the record to the call log's writer: on its own thread (real time) it commits
        what waits in groups; a record the log refuses (a full disk, a locked file) is kept and
        written with the next one or after a back-off, never lost and never overwritten by an
        older version. Under the simulated clock it is written here and now."""
        self._writer.submit(command.record)

    def _log_writer(self, calllog) -> LogWriter:
        return LogWriter(calllog, threaded=not self.clock.simulated,
                         on_refused=self._records_refused, on_recovered=self._records_written_again)

    def _records_refused(self, exc: Exception, kept: int, first: bool) -> None:
        """The writer's report (from its thread): log every refusal, tell the owner once."""
        log.error("call log write failed (%d record(s) kept in memory to retry): %s", kept, exc)
        if first:
            self._notices.append((self.clock.now(), "error", f"call log: {exc}"))

    def _records_written_again(self, count: int) -> None:
        log.warning("the call log takes records again: %d kept record(s) written", count)
        self._notices.append((self.clock.now(), "info",
                              f"call log: writing again, {count} kept record(s) written"))

    def unsaved_records(self) -> list[dict]:
        """Records the call log refused so far (retried with every write); empty when all is
        well. After ``close_records()``: every record not known to be durable."""
        return self._writer.unsaved()

    def _notice(self, command: c.Notice) -> None:
        level = logging.getLevelName(command.level.upper())
        log.log(level if isinstance(level, int) else logging.INFO, "[%s] %s",
                timefmt.iso(self.clock.now()), command.text)
        self._notices.append((self.clock.now(), command.level, command.text))


_ENDING = (c.Hangup, c.Unbridge)


def _log_failure(exc: Exception, what: str, *args) -> None:
    """A driver's own error (a vanished modem) in one line; anything else is a bug: traceback."""
    if isinstance(exc, ApplianceError):
        log.error(what + ": %s", *args, exc)
    else:
        log.error(what, *args, exc_info=exc)


def _nothing() -> None:
    """Wakes a loop that waits on its inbox (used by ``stop``)."""


def _resolve(future: concurrent.futures.Future, fn: Callable[[], Any]) -> None:
    try:
        future.set_result(fn())
    except Exception as exc:
        future.set_exception(exc)


def _logged(fn: Callable[[], Any], what: str, *args) -> None:
    try:
        fn()
    except Exception:
        log.exception(what, *args)
