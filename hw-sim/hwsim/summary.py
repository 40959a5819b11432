"""What a simulated run produced: call outcomes as the call log finally holds them.

``OutcomeTally`` stands between the loop and the call log: it passes every record through and
remembers the latest outcome of each call id (a live call's provisional record is replaced by
its final one), so the summary needs no query of the log.

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
    """A call log wrapper that counts final outcomes by direction."""

    def __init__(self, calllog) -> None:
        self.calllog = calllog
        self._latest: dict[str, tuple[str, str]] = {}

    def write(self, record: dict) -> None:
        """Store ``record`` in the call log, then note its outcome."""
        self.calllog.write(record)
        self._latest[record["id"]] = (record["direction"], record["outcome"])

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
            self._latest[record["id"]] = (record["direction"], record["outcome"])

    def outcomes(self) -> Counter:
        """How many calls ended with each outcome."""
        return Counter(outcome for _, outcome in self._latest.values())

    def count(self, direction: str) -> int:
        """How many calls of ``direction`` (``inbound`` or ``callback``) were recorded."""
        return sum(1 for d, _ in self._latest.values() if d == direction)


def format_summary(tally: OutcomeTally, world, started: float, ended: float,
                   wall_s: float) -> str:
    """A few lines for the technician: volume, outcomes, simulated span, wall time."""
    span = ended - started
    outcomes = ", ".join(f"{name} {n}" for name, n in sorted(tally.outcomes().items()))
    return "\n".join([
        f"simulated {_clock(started)} to {_clock(ended)} ({_span(span)}) "
        f"in {wall_s:.2f} s of wall time",
        f"calls: {tally.count('inbound')} inbound, {tally.count('callback')} dial-backs; "
        f"{world.blocked} of {world.arrived} callers found every line busy (blocked)",
        f"outcomes: {outcomes or 'none'}",
    ])


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def _span(seconds: float) -> str:
    hours, rest = divmod(int(round(seconds)), 3600)
    return f"{hours} h {rest // 60:02d} min {rest % 60:02d} s"
