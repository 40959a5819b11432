"""Operators at their desk handsets: who is free, which free one to ring by each strategy, and
pausing one (which silences a ring sounding on their handset)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import Enum

from appliance import commands as cmd

STRATEGIES = ("lru", "fewest_calls", "random", "ring_all")


class OpState(Enum):
    """What the dashboard shows for an operator."""
    AVAILABLE = "available"
    RINGING = "ringing"
    RESERVED = "reserved"        # kept for a dial-back: the customer is being called
    TALKING = "talking"
    WRAPUP = "wrapup"
    PAUSED = "paused"
    OFFHOOK = "offhook"
    DISABLED = "disabled"


@dataclass
class Operator:
    """One person at one handset, and what the engine knows of their day."""
    id: str
    name: str
    handset: int
    queues: tuple[str, ...]
    enabled: bool = True
    paused: bool = False
    pause_reason: str | None = None
    off_hook: bool = False
    ringing_for: str | None = None      # call id whose ring is sounding on this handset
    call_id: str | None = None          # call this operator is on (talking, or holding)
    reserved_for: str | None = None     # dial-back whose customer is being called for them
    _wrapup_until: float | None = field(default=None, repr=False)
    wrapup_call: str | None = None      # call whose record waits for the real wrap-up time
    last_ended_at: float | None = None  # end of their last conversation
    ready_at: float | None = None       # end of their last wrap-up: free again from then (LRU)
    missed_in_row: int = 0
    day: str = ""
    calls_today: int = 0
    missed_today: int = field(default=0)

    @property
    def wrapup_until(self) -> float | None:
        """When the wrap-up after the last call may end at the earliest (None: not in wrap-up)."""
        return self._wrapup_until

    @wrapup_until.setter
    def wrapup_until(self, value: float | None) -> None:
        self._wrapup_until = value
        if value is not None:
            self.ready_at = value       # the planned end; ``wrapup_done`` sets the real one

    def wrapup_done(self, now: float) -> None:
        """The wrap-up is over at ``now`` (its time has passed and the handset is down)."""
        self._wrapup_until = None
        self.ready_at = now

    def state(self, now: float) -> OpState:
        """The one state to show; the order of checks is the order of importance."""
        in_wrapup = self.wrapup_until is not None and now < self.wrapup_until
        if not self.enabled:
            return OpState.DISABLED
        if self.ringing_for:
            return OpState.RINGING
        if self.call_id:
            return OpState.TALKING
        if self.reserved_for:
            return OpState.RESERVED
        if in_wrapup or (self.off_hook and self.wrapup_call):
            return OpState.WRAPUP
        if self.off_hook:
            return OpState.OFFHOOK
        return OpState.PAUSED if self.paused else OpState.AVAILABLE

    def available(self, now: float) -> bool:
        """True when a call may be offered: enabled, not paused, on hook, idle, wrap-up over
        (``state()`` is AVAILABLE; spelled out because every decision asks it of everyone)."""
        return (self.enabled and not self.paused and not self.off_hook and not self.ringing_for
                and not self.call_id and not self.reserved_for
                and (self._wrapup_until is None or now >= self._wrapup_until))

    def staffed(self) -> bool:
        """True for an operator who will take calls at some point (enabled and not paused)."""
        return self.enabled and not self.paused

    def count_call(self, today: str) -> None:
        """One more call answered today (the ``fewest_calls`` strategy's measure)."""
        if self.day != today:
            self.day, self.calls_today, self.missed_today = today, 0, 0
        self.calls_today += 1

    def calls_on(self, today: str) -> int:
        """Calls answered on the office's date ``today``."""
        return self.calls_today if self.day == today else 0


def lru_key(op: Operator) -> tuple:
    """Idle longest first, counted from the end of their last wrap-up (not of the talk: a long
    wrap-up is work); never-used operators before all others, then by handset number."""
    ready = op.ready_at if op.ready_at is not None else op.last_ended_at
    return (ready is not None, ready or 0.0, op.handset)


def choose(strategy: str, candidates: list[Operator], rng: random.Random, today: str) -> list[Operator]:
    """The operator(s) to ring now among ``candidates`` (all free, not yet tried for this call)."""
    if not candidates:
        return []
    if strategy == "ring_all":
        return sorted(candidates, key=lambda op: op.handset)
    if strategy == "random":
        return [rng.choice(sorted(candidates, key=lambda op: op.handset))]
    if strategy == "fewest_calls":
        return [min(candidates, key=lambda op: (op.calls_on(today), lru_key(op)))]
    return [min(candidates, key=lru_key)]


class OperatorPool:
    """All operators by id and by handset, rebuilt from settings without losing their day."""

    def __init__(self, settings: dict):
        self.by_id: dict[str, Operator] = {}
        self.by_handset: dict[int, Operator] = {}
        self.reload(settings)

    def reload(self, settings: dict) -> None:
        """Apply the ``operators`` settings; known operators keep their runtime state."""
        old = self.by_id
        self.by_id = {}
        for conf in settings["operators"]:
            op = old.get(conf["id"]) or Operator(conf["id"], conf.get("name") or conf["id"],
                                                 conf["handset"], ())
            op.name, op.handset = conf.get("name") or conf["id"], conf["handset"]
            op.queues, op.enabled = tuple(conf["queues"]), conf.get("enabled", True)
            if conf["id"] not in old:
                op.paused = conf.get("paused", False)
            self.by_id[op.id] = op
        for op in old.values():
            if op.id not in self.by_id and (op.ringing_for or op.call_id):
                op.enabled, op.queues = False, ()      # removed mid-call: gone once idle
                self.by_id[op.id] = op
        self.by_handset = {}
        for op in sorted(self.by_id.values(), key=lambda o: not o.enabled):
            self.by_handset.setdefault(op.handset, op)
        self._in_queue: dict[str, list[Operator]] = {}
        for op in sorted(self.by_id.values(), key=lambda o: o.handset):
            for queue in op.queues:
                self._in_queue.setdefault(queue, []).append(op)

    def in_queue(self, queue: str) -> list[Operator]:
        """Operators who serve ``queue``, in handset order (only settings change it: kept)."""
        return self._in_queue.get(queue, [])

    def free_for(self, queue: str, now: float) -> list[Operator]:
        """Operators of ``queue`` to whom a call may be offered right now."""
        return [op for op in self.in_queue(queue) if op.available(now)]

    def any_free(self, now: float) -> bool:
        """Cheap check before dispatch: is anybody at all free?"""
        return any(op.available(now) for op in self.by_id.values())

    def __iter__(self):
        return iter(sorted(self.by_id.values(), key=lambda o: o.handset))


def pause(eng, op: Operator, reason: str = "manual") -> None:
    """Pause ``op``: no calls are offered to them until unpaused.

    A ring sounding on their handset stops at once (its attempt ends ``cancelled``: the operator
    did not miss it). A waiting caller whose only ring that was (a dial-back's customer too) is
    offered to the next free operator by the dispatch that follows every event. Under
    ``ring_all`` the other handsets ringing for the same caller go on ringing. An operator kept
    for a dial-back is no longer kept: the customer goes to whoever is free when they press 1.
    """
    op.paused, op.pause_reason, op.reserved_for = True, reason, None
    call = eng.calls.get(op.ringing_for) if op.ringing_for else None
    op.ringing_for = None
    if call is None:
        return
    for attempt in call.ringing():
        if attempt.operator == op.id:
            attempt.result, attempt.ended_at = "cancelled", eng.now
    eng.emit(cmd.StopRing(op.handset))
    if call.ringing():
        return
    eng.cancel_call_timer(call, "ring")
