"""Estimated wait: how long until an operator answers a given caller, and how to say it.

docs/engine.md section 4 gives the method and its measured error. In short, for one caller:

1. Who goes first. Callers and callback requests of the same queue who rank before them; of
   another queue whose operators overlap theirs, a share (``Board.rivals``). Not those being
   served now (their operator's phone rings, or their dial-back is under way), not requests
   waiting for a retry that comes after the caller's turn, and for a caller on a line, no more
   requests than there are free lines (a request that cannot get a line lets callers pass).
2. The operators who may take them. One free now means no wait (the ring only). Otherwise the
   first busy one to come free: one in wrap-up at its end; one talking after the rest of the call,
   which has the distribution of recent calls of its queue that lasted longer than this one so
   far (the residual), then the wrap-up. The expected first completion is the integral of the
   chance that *nobody* is free yet, the product of each operator's survival function: three
   operators with about three minutes left free the first of them in about one minute, not three.
3. Each further caller ahead takes, on average, one mean handle time divided by the operators
   staffed: the rate at which a full room of operators frees up. Then the ring.

One decision (a caller joining, an announcement) reads only the operators, the lines and the
timers, never the waiting lines: places are binary searches in the queue book, and the integral
runs on a geometric grid of about ten points (bench/engine_latency_bench.py).
"""
from __future__ import annotations

import bisect
import math
from collections import deque

from appliance.engine.calls import DIALBACK_STATES, WAITING_STATES
from appliance.engine.operators import OpState

SAMPLES_KEPT = 100
MIN_TAIL_SAMPLES = 5
GRID_RATIO = 2.0           # each integration step is this much longer than the one before
GRID_FIRST = 0.5           # the first step, as a share of the first guess of the answer
NEGLIGIBLE = 3e-3          # chance that nobody is free yet below which the integral stops
_AVAILABLE, _OFF_HOOK, _RINGING, _WRAPUP = (OpState.AVAILABLE, OpState.OFFHOOK, OpState.RINGING,
                                            OpState.WRAPUP)


class HandleTimes:
    """Recent ring + talk times per queue (wrap-up is a setting, added by the caller), and
    recent ring times of inbound calls: a caller's wait ends when an operator answers, so the
    ring that follows a free operator is part of it.

    The sorted samples and their running sums are kept until the next call ends, so that the
    remaining time of every talking operator is a binary search, not a pass over the samples.
    """

    def __init__(self, keep: int = SAMPLES_KEPT):
        self.keep = keep
        self._samples: dict[str, deque] = {}
        self._sorted: dict[str, tuple[list[float], list[float]]] = {}
        self._rings: dict[str, deque] = {}
        self._rung: dict[str, None] = {}          # calls whose ring is counted, oldest first

    def note_ring(self, queue: str, call_id: str, seconds: float) -> None:
        """Learn the ring time of an answered call, once per call (it may be seen often)."""
        if call_id in self._rung:
            return
        self._rung[call_id] = None
        if len(self._rung) > 4 * self.keep:
            del self._rung[next(iter(self._rung))]
        self._rings.setdefault(queue, deque(maxlen=self.keep)).append(max(0.0, seconds))

    def ring(self, queue: str) -> float:
        """Mean recent ring time of the queue's answered calls; 0 before any was seen."""
        rings = self._rings.get(queue)
        return sum(rings) / len(rings) if rings else 0.0

    def add(self, queue: str, seconds: float) -> None:
        """Learn from one call that ended: its ring time plus its talk time."""
        self._samples.setdefault(queue, deque(maxlen=self.keep)).append(max(0.0, seconds))
        self._sorted.pop(queue, None)

    def mean(self, queue: str, default: float) -> float:
        """Mean recent ring + talk time, or ``default`` before any call was measured."""
        values, sums = self._ordered(queue)
        return sums[-1] / len(values) if values else default

    def _ordered(self, queue: str) -> tuple[list[float], list[float]]:
        found = self._sorted.get(queue)
        if found is None:
            values = sorted(self._samples.get(queue, ()))
            sums, total = [0.0], 0.0
            for value in values:
                total += value
                sums.append(total)
            found = self._sorted[queue] = (values, sums)
        return found

    def remaining(self, queue: str, elapsed: float, default: float) -> "Remaining":
        """What is known of the rest of a call that has lasted ``elapsed`` seconds so far: the
        recent calls that lasted longer; with fewer than five of them, the mean minus
        ``elapsed``, but at least a quarter of the mean, exponential."""
        values, sums = self._ordered(queue)
        first = bisect.bisect_right(values, elapsed)
        if len(values) - first >= MIN_TAIL_SAMPLES:
            return Remaining(values, None, elapsed, first, sums)
        mean = sums[-1] / len(values) if values else default
        return Remaining(None, max(mean - elapsed, 0.25 * mean))


class Remaining:
    """The remaining time of a call: empirical or, with too little data, exponential.

    Empirical: ``values[first:]`` (sorted) are the lengths of recent calls longer than the
    ``elapsed`` seconds this one has lasted, and each minus ``elapsed`` is a possible rest.
    ``Remaining(residuals, None)`` takes the rests themselves (sorted); ``Remaining(None, m)``
    is exponential with mean ``m``.
    """

    def __init__(self, values: list[float] | None, mean: float | None, elapsed: float = 0.0,
                 first: int = 0, sums: list[float] | None = None):
        self.values, self.mean_s, self.elapsed, self.first = values, mean, elapsed, first
        self._sums = sums

    def survival(self, t: float) -> float:
        """Chance that the call is still going ``t`` seconds from now."""
        if self.values is None:
            return math.exp(-t / self.mean_s) if self.mean_s > 0 else 0.0
        left = len(self.values) - bisect.bisect_right(self.values, self.elapsed + t)
        return left / (len(self.values) - self.first)

    def horizon(self) -> float:
        """A time by which the call has almost surely ended."""
        return self.values[-1] - self.elapsed if self.values is not None else 8 * self.mean_s

    def mean(self) -> float:
        """The expected remaining time."""
        return self.mean_s if self.values is None else self.capped_mean(math.inf)

    def capped_mean(self, cap: float) -> float:
        """The expected remaining time, counting any rest longer than ``cap`` as ``cap``."""
        if self.values is None:
            return self.mean_s * (1.0 - math.exp(-cap / self.mean_s)) if self.mean_s > 0 else 0.0
        values, first = self.values, self.first
        below = bisect.bisect_left(values, self.elapsed + cap, first) if cap != math.inf else len(values)
        total = (self._sums[below] - self._sums[first] if self._sums is not None
                 else sum(values[first:below]))
        total -= self.elapsed * (below - first)
        if below < len(values):
            total += cap * (len(values) - below)
        return total / (len(values) - first)


def first_free(fixed: list[float], talking: list[tuple[Remaining, float]]) -> float:
    """Expected seconds until the first of the busy operators is free.

    ``fixed``: operators free after a known delay (wrap-up); ``talking``: a call's remaining time
    and the wrap-up that follows it. Integrates P(nobody free at t) = product of survivals: 1 up
    to the shortest wrap-up, then Simpson's rule on steps that double from half a first guess
    (the answer if every rest were exponential with its mean), so that short and long waits get
    the same relative precision, until nobody can still be busy: about ten points, within a few
    per cent of a fine grid. The last point is taken just before the end, where the longest
    call's survival drops to 0. One operator alone: their mean rest, exactly.
    """
    end = min(fixed, default=math.inf)
    if not talking:
        return 0.0 if end == math.inf else end
    end = min(end, max(r.horizon() + w for r, w in talking))
    start = min(w for _, w in talking)
    if start >= end:
        return max(end, 0.0)
    if len(talking) == 1:                         # one operator: the exact mean, no grid
        rest, wrapup = talking[0]
        return wrapup + rest.capped_mean(end - wrapup)
    busy = _Busy(talking)
    step, t, total, before = max(GRID_FIRST * busy.guess, 1e-3), start, start, 1.0
    while t < end:
        stop = min(end, t + step)
        middle = busy.nobody_free((t + stop) / 2)
        after = busy.nobody_free(stop if stop < end else stop - 1e-6 * (stop - t))
        total += (before + 4 * middle + after) * (stop - t) / 6
        if after < NEGLIGIBLE:
            break
        t, step, before = stop, step * GRID_RATIO, after
    return total


class _Busy:
    """The busy operators ready for many evaluations of P(nobody free at t).

    Exponential rests with the same wrap-up are one term (their rates add up), which makes
    operators of whom nothing is known cost nothing; each empirical one is a binary search.
    """

    def __init__(self, talking: list[tuple[Remaining, float]]):
        rates: dict[float, float] = {}
        self.empirical = []
        inverse = 0.0
        for r, wrapup in talking:
            mean = r.mean()
            rate = 1.0 / mean if mean > 0 else math.inf
            inverse += rate
            if r.values is None:
                rates[wrapup] = rates.get(wrapup, 0.0) + rate
            else:
                count = len(r.values)
                self.empirical.append((wrapup, r.values, r.elapsed - wrapup, count,
                                       float(count - r.first)))
        self.exponential = sorted(rates.items())
        self.guess = 1.0 / inverse if inverse > 0 else 0.0

    def nobody_free(self, t: float) -> float:
        """P(every one of them is still busy ``t`` seconds from now)."""
        exponent = 0.0
        for wrapup, rate in self.exponential:
            if t <= wrapup:
                break
            exponent += (t - wrapup) * rate
        chance = math.exp(-exponent) if exponent != math.inf else 0.0
        for wrapup, values, shift, count, tail in self.empirical:
            if t > wrapup:
                chance *= (count - bisect.bisect_right(values, shift + t)) / tail
        return chance


def expected_wait(ahead: float, free_now: int, first_s: float, cycle_s: float, staffed: int) -> float:
    """Seconds until the caller with ``ahead`` callers before them reaches an operator.

    The first ``free_now`` callers go straight to a free operator; the next waits for the first
    busy one to be free (``first_s``); each after that one more ``cycle_s / staffed``. A
    fractional ``ahead`` (callers of other queues sharing some operators) counts as it stands.
    """
    if ahead < free_now - 1e-9:
        return 0.0
    return first_s + max(0.0, ahead - free_now) * cycle_s / staffed


def simple_estimate(position: int, handle_s: float, staffed: int) -> float | None:
    """The textbook figure: place in line x average handle time / operators staffed."""
    return None if staffed == 0 else position * handle_s / staffed


def round_for_speech(seconds: float) -> int:
    """Round a wait so that it sounds sensible, in seconds; 0 means "less than a minute".

    Under 10 minutes to the minute, then to 5 minutes up to half an hour, to 10 minutes up to an
    hour, then to a quarter of an hour, and never more than 3 hours.
    """
    if seconds < 60:
        return 0
    minutes = seconds / 60
    step = 1 if minutes < 10 else 5 if minutes < 30 else 10 if minutes < 60 else 15
    rounded = max(1, int(minutes / step + 0.5)) * step
    return min(rounded, 180) * 60


class Board:
    """What one decision needs, gathered from the operators, the lines and the timers (a few
    dozen objects, however many wait); the waiting lines are only binary-searched.

    ``reach(member)`` names the queues whose operators may take a member (escalation widens it).
    """

    def __init__(self, eng, reach):
        self.eng, self.now, self.reach = eng, eng.now, reach
        self.pools: dict[str, list] = {}
        self.served: dict[str, object] = {}            # members being rung or dialled back
        for op in eng.ops.by_id.values():
            if op.ringing_for:
                self._serving(eng.calls.get(op.ringing_for))
            if op.enabled and not op.paused:            # Operator.staffed()
                for queue in op.queues:
                    self.pools.setdefault(queue, []).append(op)
        self.lines_free = sum(1 for line in eng.lines
                              if line not in eng.on_line and line not in eng.lines_down)
        for call in eng.on_line.values():
            if call.state in DIALBACK_STATES:
                self._serving(call)
        callers = [(c.queue, c.rank) for c in eng.on_line.values()          # in line, not served
                   if c.state in WAITING_STATES and c.id not in self.served]
        later = [(r.queue, r.rank, at) for r, at in self._retries()]
        self.callers = _by_queue(callers)               # ranks of callers in line, sorted
        self.others = _by_queue(callers + [(m.queue, m.rank) for m in self.served.values()]
                                + [(q, r) for q, r, _ in later])   # members not waiting requests
        self.later: dict[str, list] = {}                # requests waiting for a retry: (rank, at)
        for queue, rank, at in sorted(later, key=lambda e: e[1]):
            self.later.setdefault(queue, []).append((rank, at))
        self._plans: dict[tuple, Plan] = {}
        self._rivals: dict[tuple, dict] = {}
        self._ids: dict[str, set] | None = None

    def _serving(self, call) -> None:
        """A member being served: a caller rung, or the request whose customer is dialled."""
        if call is None:
            return
        member = self.eng.requests.get(call.request_id) if call.state in DIALBACK_STATES else call
        if member is not None:
            self.served[member.id] = member

    def _retries(self):
        """Callback requests waiting for their retry time, from the engine's few timers."""
        for key, at in self.eng.timers.items():
            if key[0] == "retry" and at > self.now:
                req = self.eng.requests.get(key[1])
                if req is not None and req.id not in self.served:
                    yield req, at

    def staff(self, reach: tuple[str, ...]) -> list:
        """The staffed operators of the queues in ``reach``, each once."""
        if len(reach) == 1:
            return self.pools.get(reach[0], [])
        return list({op.id: op for q in reach for op in self.pools.get(q, ())}.values())

    def rivals(self, queue: str, reach: tuple[str, ...]) -> dict[str, tuple[float, float]]:
        """The other queues whose callers compete with a caller of ``queue`` (served by the
        operators of ``reach``): those with operators in common. For each, ``(share, part)``.

        ``share``, the operators in common over the operators of either, is the chance that one
        of their callers ahead takes a turn of ours: whichever of all these operators is free
        first decides (one in common: they take it; one only ours: ours is served; one only
        theirs: they leave by it). ``part``, the operators in common over ours, bounds the turns
        they can take however many of them wait: while ours need ``n`` turns, theirs get at most
        ``n * part / (1 - part)``.
        """
        key = (queue, reach)
        if key not in self._rivals:
            if self._ids is None:
                self._ids = {q: {op.id for op in staff} for q, staff in self.pools.items()}
            ours = set().union(*(self._ids.get(q, ()) for q in reach))
            found = {}
            for other, theirs in self._ids.items():
                shared = len(ours & theirs)
                if shared and other != queue:
                    found[other] = (shared / (len(ours) + len(theirs) - shared), shared / len(ours))
            self._rivals[key] = found
        return self._rivals[key]

    def plan(self, queue: str, reach: tuple[str, ...]) -> "Plan":
        if reach not in self._plans:
            self._plans[reach] = Plan(self.eng, queue, self.staff(reach))
        return self._plans[reach]

    def ahead(self, queue: str, rank) -> tuple[int, int]:
        """Callers and callback requests of ``queue`` before ``rank`` who still wait (not being
        served, not waiting for a retry): (callers, requests)."""
        callers = bisect.bisect_left(self.callers.get(queue, ()), rank)
        others = bisect.bisect_left(self.others.get(queue, ()), rank)
        return callers, self.eng.book.ahead(queue, rank) - others

    def wait(self, member) -> float | None:
        """The estimate for one member: until an operator is free for them, then the ring."""
        free_in = self.until_free(member)
        return None if free_in is None else free_in + self.eng.handle_times.ring(member.queue)

    def until_free(self, member) -> float | None:
        """Seconds until an operator is free for ``member``; None when nobody staffs its queue."""
        queue, rank, reach = member.queue, member.rank, self.reach(member)
        if not self.staff(reach):
            return None
        if member.id in self.served:
            return 0.0
        lines = self.lines_free if member.kind == "caller" else math.inf
        plan = self.plan(queue, reach)
        callers, requests = self.ahead(queue, rank)
        taken = min(requests, lines)            # a request needs a line to go first
        lines -= taken
        same = callers + taken
        retry = max(0.0, getattr(member, "eligible_at", 0.0) - self.now)
        if same < plan.free:
            return retry
        turns = same - plan.free + 1            # turns of the busy operators ours need
        rivals = self.rivals(queue, reach)
        others = 0.0
        for other, (share, part) in rivals.items():
            callers, requests = self.ahead(other, rank)
            taken = min(requests, lines)
            lines -= taken
            if callers + taken:
                bound = turns * part / (1 - part) if part < 1 else math.inf
                others += min((callers + taken) * share, bound)
        wait = expected_wait(same + others, plan.free, plan.first(), plan.cycle, plan.staffed)
        if self.later and lines:                # retries due before this caller's turn
            due = 0.0
            for other, share in [(queue, 1.0)] + [(q, s) for q, (s, _) in rivals.items()]:
                pending = self.later.get(other, ())
                ahead = pending[:bisect.bisect_left(pending, (rank,))]
                due += share * sum(1 for _, at in ahead if at - self.now < wait)
            wait += due * plan.cycle / plan.staffed
        return max(retry, wait)


def _by_queue(entries: list[tuple[str, tuple]]) -> dict[str, list]:
    """``(queue, rank)`` pairs as a sorted list of ranks per queue."""
    found: dict[str, list] = {}
    for queue, rank in sorted(entries, key=lambda e: e[1]):
        found.setdefault(queue, []).append(rank)
    return found


class Plan:
    """The operators who may take a caller, summed up: how many are free now, when the first
    busy one is free, how many are staffed, and the cycle (mean handle time + wrap-up) with which
    a full room frees up. Operators on a call teach ``HandleTimes`` their ring time."""

    def __init__(self, eng, queue: str, operators: list):
        conf = eng.queue_conf(queue)
        handle = eng.handle_times.mean(queue, conf["default_handle_s"])
        self.cycle, self.staffed = handle + conf["wrapup_s"], len(operators)
        self.eng, self.queue, self.free, off_hook = eng, queue, 0, 0
        self.fixed: list[float] = []
        self.talking: list = []
        rung: set[str] = set()
        for op in operators:
            state = op.state(eng.now)
            if state is _AVAILABLE:
                self.free += 1
            elif state is _OFF_HOOK:
                off_hook += 1
            else:
                self._busy(op, state, rung)
        if off_hook:                # off hook without a call: half a call, exponential; the
            rest = Remaining(None, handle / 2 / off_hook)       # first of k: mean / k
            self.talking.append((rest, conf["wrapup_s"]))
        self._first: float | None = None

    def _busy(self, op, state: OpState, rung: set) -> None:
        eng, now = self.eng, self.eng.now
        if state is _RINGING:                    # one of a call's rings starts a call; the
            if op.ringing_for in rung:           # others (ring_all) are free again at once
                self.free += 1
            else:
                rung.add(op.ringing_for)
                self.talking.append(self._rest(eng.calls.get(op.ringing_for), 0.0))
        elif state is _WRAPUP:
            self.fixed.append(max(0.0, (op.wrapup_until or now) - now))
            self._learn_ring(eng.awaiting_wrapup.get(op.wrapup_call))
        else:                                    # on a call; kept for a dial-back: a whole
            call = eng.calls.get(op.call_id or op.reserved_for)     # call still to come
            started = call.talk_started_at if call is not None else None
            elapsed = 0.0 if started is None else now - started + (call.ring_s or 0.0)
            self.talking.append(self._rest(call, elapsed))
            self._learn_ring(call)

    def _learn_ring(self, call) -> None:
        if call is not None and call.direction == "inbound" and call.ring_s is not None:
            self.eng.handle_times.note_ring(call.queue, call.id, call.ring_s)

    def _rest(self, call, elapsed: float) -> tuple:
        """The rest of ``call`` (by its own queue's recent calls) and the wrap-up after it."""
        queue = call.queue if call is not None and call.queue in self.eng.queue_confs else self.queue
        conf = self.eng.queue_conf(queue)
        times = self.eng.handle_times
        rest = times.remaining(queue, elapsed, times.mean(queue, conf["default_handle_s"]))
        return rest, conf["wrapup_s"]

    def first(self) -> float:
        """Expected seconds until the first busy operator is free (worked out once, if asked)."""
        if self._first is None:
            self._first = first_free(self.fixed, self.talking)
        return self._first
