"""Business hours and holidays: is the office open at a given instant, and when does it open next."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hhmm(text: str) -> time:
    if text == "24:00":
        return time.max          # an end of day: open until midnight
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class Schedule:
    """The ``hours`` settings, read once. ``weekly`` null means always open (the default).

    >>> Schedule({"timezone": "UTC", "weekly": None, "holidays": []}).is_open(0.0)
    True
    """

    def __init__(self, hours: dict):
        self.tz = ZoneInfo(hours.get("timezone") or "UTC")
        weekly = hours.get("weekly")
        self.always_open = weekly is None
        self.ranges = {d: [(_hhmm(a), _hhmm(b)) for a, b in (weekly or {}).get(d, [])] for d in DAYS}
        self.holidays = {date.fromisoformat(d) for d in hours.get("holidays", [])}

    def local(self, now: float) -> datetime:
        """``now`` as a wall-clock time in the office's time zone."""
        return datetime.fromtimestamp(now, timezone.utc).astimezone(self.tz)

    def local_date(self, now: float) -> str:
        """The office's calendar date at ``now`` (what "today" means for daily counts)."""
        return self.local(now).date().isoformat()

    def is_open(self, now: float) -> bool:
        """True when callers should reach the menu rather than the closed message."""
        here = self.local(now)
        if here.date() in self.holidays:
            return False
        if self.always_open:
            return True
        clock = here.time()
        return any(start <= clock < end for start, end in self.ranges[DAYS[here.weekday()]])

    def next_open(self, now: float) -> float | None:
        """The first instant at or after ``now`` when the office is open; None if it never opens."""
        if self.is_open(now):
            return now
        today = self.local(now).date()
        for offset in range(0, 400):
            day = today + timedelta(days=offset)
            if day in self.holidays:
                continue
            starts = [start for start, _ in self.ranges[DAYS[day.weekday()]]] if not self.always_open \
                else [time(0, 0)]
            for start in sorted(starts):
                at = datetime.combine(day, start, self.tz).timestamp()
                if at > now and self.is_open(at):
                    return at
        return None

    def next_close(self, now: float, within_days: int = 8) -> float | None:
        """The first instant at or after ``now`` when the office is closed (``now`` itself when
        closed); None if it stays open for the next ``within_days`` days."""
        if not self.is_open(now):
            return now
        today = self.local(now).date()
        for offset in range(within_days + 1):
            day = today + timedelta(days=offset)
            for at in sorted(self._ends(day)):
                if at > now and not self.is_open(at):
                    return at
        return None

    def _ends(self, day: date) -> list[float]:
        """Where an opening period of ``day`` may end: its ranges' ends and the next midnight
        (when a holiday may begin); "24:00" is that midnight."""
        midnight = datetime.combine(day + timedelta(days=1), time(0, 0), self.tz).timestamp()
        ranges = [] if self.always_open else self.ranges[DAYS[day.weekday()]]
        return [midnight] + [midnight if end == time.max else
                             datetime.combine(day, end, self.tz).timestamp() for _, end in ranges]
