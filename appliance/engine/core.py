"""The Engine object: the state of every live call, and the few helpers every flow shares.

The flows themselves (menu, waiting, serving operators, dialling back) live in their own modules
as functions of the engine; this module only keeps state and turns intentions into commands.
"""
from __future__ import annotations

import random

from appliance import commands as cmd
from appliance.engine.line_facts import LineFacts
from appliance.engine import ewt, records
from appliance.engine.callbacks import CallbackRequest
from appliance.engine.calls import Call, CallState
from appliance.engine.operators import OperatorPool
from appliance.engine.queue import QueueBook
from appliance.engine.schedule import Schedule


class DayCounts:
    """Today's figures for the dashboard, reset when the office's date changes."""

    def __init__(self):
        self.day = ""
        self.counts = {"calls": 0, "answered": 0, "abandoned": 0, "callbacks_requested": 0}

    def add(self, day: str, name: str) -> None:
        """Count one ``name`` on the office's date ``day``."""
        if day != self.day:
            self.day, self.counts = day, dict.fromkeys(self.counts, 0)
        self.counts[name] += 1

    def on(self, day: str) -> dict:
        """The figures of ``day`` (zeros for a day with no calls yet)."""
        return dict(self.counts) if day == self.day else dict.fromkeys(self.counts, 0)


class EngineCore:
    """State and shared helpers. ``handle()`` lives in ``Engine`` (engine/__init__.py)."""

    def __init__(self, settings: dict, seed: int = 0, pending_callbacks=()):
        self.rng = random.Random(seed)
        self.handle_times = ewt.HandleTimes()
        self.calls: dict[str, Call] = {}
        self.on_line: dict[str, Call] = {}
        self.requests: dict[str, CallbackRequest] = {}
        self.awaiting_wrapup: dict[str, Call] = {}
        self.sms_pending: dict[str, Call] = {}      # ended calls awaiting SmsSent (engine/sms.py)
        self.lines_down: set[str] = set()
        self.line_facts = LineFacts()              # health and why a line is down
        self.timers: dict[tuple, float] = {}
        self.today = DayCounts()
        self.out: list = []
        self.now = 0.0
        self.stopped = False
        self._seq = 0
        self.restored: list[CallbackRequest] = []   # put back at start; escalated at 1st event
        self.apply_settings(settings)
        for pending in pending_callbacks:
            self.restore_callback(pending)

    # -- settings ---------------------------------------------------------------------------
    def apply_settings(self, settings: dict) -> None:
        """Take new settings: operators keep their day, waiting callers keep their place."""
        self.settings = settings
        self.schedule = Schedule(settings["hours"])
        self.lines = [line["id"] for line in settings["lines"]]
        self.queue_confs = {**getattr(self, "queue_confs", {}), **settings["queues"]}
        if hasattr(self, "ops"):
            self.ops.reload(settings)
            for name in settings["queues"]:
                self.book.ensure(name)
        else:
            self.ops = OperatorPool(settings)
            self.book = QueueBook(settings["queues"])

    def queue_conf(self, name: str) -> dict:
        """The settings of queue ``name``; a queue removed while callers wait keeps its last
        settings until they have been moved on."""
        return self.queue_confs[name]

    def restore_callback(self, pending: dict) -> None:
        """Put back a callback promised before a restart (from the call log), at its old place."""
        rank = (pending["queued_at"], self.next_seq())
        req = CallbackRequest(pending["id"], pending["number"], pending["queue"],
                              pending.get("language") or self.settings["language"], rank,
                              pending["queued_at"], attempts=pending.get("attempts", 0),
                              pool=(pending["queue"],))
        if req.queue in self.settings["queues"]:
            self.requests[req.id] = req
            self.book.add(req)
            self.restored.append(req)

    # -- ids and counters -------------------------------------------------------------------
    def next_seq(self) -> int:
        """A number that only grows: ranks and ids use it to break ties."""
        self._seq += 1
        return self._seq

    def new_call(self, line: str, direction: str, caller: str | None, state: CallState) -> Call:
        """A new live call on ``line``, registered with the engine."""
        stamp = records.iso(self.now).replace("-", "").replace(":", "").replace(".", "")[:18]
        tag = "cb" if direction == "callback" else ""
        call = Call(f"{stamp}-{line}-{tag}{self.next_seq():04d}", direction, line, caller,
                    self.settings["language"], self.now, state)
        self.calls[call.id] = call
        self.on_line[line] = call
        return call

    def count(self, name: str) -> None:
        """One more ``name`` in today's figures."""
        self.today.add(self.schedule.local_date(self.now), name)

    def free_line(self) -> str | None:
        """The first line in settings order with no call on it, in service and registered on its
        network (a dial-back on a line that lost registration would only fail: it waits)."""
        for line in self.lines:
            if line not in self.on_line and line not in self.lines_down \
                    and self.line_facts.registered(line):
                return line
        return None

    # -- commands ---------------------------------------------------------------------------
    def emit(self, command) -> None:
        """Queue a command for the loop to carry out after this event."""
        self.out.append(command)

    def play(self, call: Call, items: list, loop: bool = False) -> None:
        """Play ``items`` to the caller on ``call``'s line, replacing what plays now."""
        call.play_id = self.next_seq()
        self.emit(cmd.Play(call.line, call.play_id, tuple(items), call.language, loop))

    def stop_playback(self, call: Call) -> None:
        """Barge-in: silence the line at once, and forget the pending PromptDone."""
        call.play_id = self.next_seq()
        self.emit(cmd.StopPlayback(call.line))

    def start_timer(self, key: tuple, at: float) -> None:
        """Ask the loop for TimerFired(key) at ``at`` (replacing one with the same key)."""
        self.timers[key] = at
        self.emit(cmd.StartTimer(key, at))

    def cancel_timer(self, key: tuple) -> None:
        """Forget timer ``key`` if it is pending."""
        if self.timers.pop(key, None) is not None:
            self.emit(cmd.CancelTimer(key))

    def call_timer(self, call: Call, kind: str, after_s: float) -> None:
        """A timer that belongs to ``call`` and dies with it."""
        call.timers.add(kind)
        self.start_timer((kind, call.id), self.now + after_s)

    def cancel_call_timer(self, call: Call, kind: str) -> None:
        """Cancel the ``kind`` timer of ``call``, if pending."""
        call.timers.discard(kind)
        self.cancel_timer((kind, call.id))

    def write(self, call: Call) -> None:
        """Store the call's record as it stands (provisional while live, final once ended)."""
        self.emit(cmd.WriteCallRecord(records.build_record(call)))

    def notice(self, text: str, level: str = "info") -> None:
        """Tell the people watching (log, console, dashboard)."""
        self.emit(cmd.Notice(level, text))
