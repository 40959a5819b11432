"""What a simulated run produced: call outcomes as the call log finally holds them.

``OutcomeTally`` stands between the loop and the call log: it passes every record through and
counts the final outcome of each call (a live call's provisional record is replaced by its
final one), so the summary needs no query of the log.

Example::

    tally = OutcomeTally(CallLog(path))
    loop.connect(lines=..., handsets=..., calllog=tally)
    ...
    print(format_summary(tally, world, started=..., ended=..., wall_s=1.9))
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone


class OutcomeTally:
    """A call log wrapper that counts final outcomes by direction.

    A call's latest record is kept by id only while it is provisional (no ``ended_at``); a final
    record is counted, and its id remembered only among the last ``RECENT_FINAL`` (a final
    record written again, with the real wrap-up time, replaces its count), so a month of calls
    costs no memory here (the soak measures the appliance's memory, not the tally's).
    """

    RECENT_FINAL = 1000          # hours of calls; a wrap-up correction comes minutes later

    def __init__(self, calllog) -> None:
        self.calllog = calllog
        self._live: dict[str, tuple[str, str]] = {}      # id -> latest provisional record's
        self._final: Counter = Counter()                 # (direction, outcome) -> calls
        self._recent: dict[str, tuple[str, str]] = {}    # id -> counted final, oldest first

    def write(self, record: dict) -> None:
        """Store ``record`` in the call log, then note its outcome."""
        self.calllog.write(record)
        self._note(record)

    def write_many(self, records: list[dict]) -> None:
        """Store ``records`` in one commit (the call log writer's group), then note them; a log
        without ``write_many`` gets them one by one."""
        many = getattr(self.calllog, "write_many", None)
        if many is not None:
            many(records)
        else:
            for record in records:
                self.calllog.write(record)
        for record in records:
            self._note(record)

    def _note(self, record: dict) -> None:
        key, kind = record["id"], (record["direction"], record["outcome"])
        if record.get("ended_at") is None:
            self._live[key] = kind
            return
        self._live.pop(key, None)
        counted = self._recent.pop(key, None)
        if counted is not None:                  # written again: replace its count
            self._final[counted] -= 1
        self._final[kind] += 1
        self._recent[key] = kind
        if len(self._recent) > self.RECENT_FINAL:
            del self._recent[next(iter(self._recent))]

    def outcomes(self) -> Counter:
        """How many calls ended with each outcome."""
        counts: Counter = Counter()
        for (_, outcome), n in self._final.items():
            if n:
                counts[outcome] += n
        for _, outcome in self._live.values():
            counts[outcome] += 1
        return counts

    def count(self, direction: str) -> int:
        """How many calls of ``direction`` (``inbound`` or ``callback``) were recorded."""
        return (sum(n for (d, _), n in self._final.items() if d == direction)
                + sum(1 for d, _ in self._live.values() if d == direction))


def format_summary(tally: OutcomeTally, world, started: float, ended: float,
                   wall_s: float) -> str:
    """A few lines for the technician: volume, outcomes, simulated span, wall time."""
    span = ended - started
    outcomes = ", ".join(f"{name} {n}" for name, n in sorted(tally.outcomes().items()))
    lines = [
        f"simulated {_clock(started)} to {_clock(ended)} ({_span(span)}) "
        f"in {wall_s:.2f} s of wall time",
        f"calls: {tally.count('inbound')} inbound, {tally.count('callback')} dial-backs; "
        f"{world.blocked} of {world.arrived} callers found every line busy (blocked)",
        f"outcomes: {outcomes or 'none'}",
    ]
    thrown = getattr(world, "faults_thrown", None)
    if thrown:
        kinds = ", ".join(f"{name} {n}" for name, n in sorted(thrown.items()))
        lines.append(f"faults thrown: {sum(thrown.values())} ({kinds})")
    return "\n".join(lines)


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def _span(seconds: float) -> str:
    hours, rest = divmod(int(round(seconds)), 3600)
    return f"{hours} h {rest // 60:02d} min {rest % 60:02d} s"
