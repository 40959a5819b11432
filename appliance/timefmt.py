"""Time as the appliance writes it: seconds since the epoch <-> ISO 8601 UTC with milliseconds.

Pure functions with no clock and no imports from the appliance, so the engine can use them too.
The canonical form ``2026-11-23T09:15:02.125Z`` has a fixed width, so such strings sort in time
order; the call log relies on that for its range queries.

>>> iso(parse("2026-11-23T10:15:02.125+01:00"))
'2026-11-23T09:15:02.125Z'
>>> iso(parse("2026-11-23"))
'2026-11-23T00:00:00.000Z'
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def iso(ts: float) -> str:
    """``ts`` (seconds since the epoch) as ``YYYY-MM-DDTHH:MM:SS.mmmZ``, rounded to the millisecond.

    Every call record holds several of these and the engine builds one at each milestone of a
    call, so the whole seconds are formatted once and kept (a call's times fall in few of them).
    """
    seconds, millis = divmod(round(ts * 1000), 1000)
    return f"{_second(seconds)}{millis:03d}Z"


@lru_cache(maxsize=512)
def _second(seconds: int) -> str:
    # not strftime: its %Y gives "1" for the year 1, which ``parse`` then refuses
    d = _EPOCH + timedelta(seconds=seconds)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}."


def parse(text: str) -> float:
    """Seconds since the epoch from an ISO 8601 date or time.

    A date alone means UTC midnight; a time without an offset is taken as UTC. Raises ValueError
    with an example of what is accepted.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise ValueError(f"{text!r} is not a date or time; use e.g. 2026-11-23 or "
                         "2026-11-23T09:15:02.125Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - _EPOCH).total_seconds()


def canonical(text: str) -> str:
    """Any accepted date or time text in the canonical form (``parse`` then ``iso``)."""
    return iso(parse(text))
