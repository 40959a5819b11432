"""Report figures of the call log, summed by SQL over a time range (docs/reports.md explains each).

Every figure is an aggregate that SQLite computes over the rows of the range, using the index on
``started_at``; no query loads the records into Python, so a month of calls costs a tenth of a
second at most. Python only adds up small grouped results: calls by queue, direction and outcome,
by hour, by operator and day, and the few distinct menu paths that ended in the menu.

Hours and days are the owner's (``hours.timezone``): the period is cut into stretches in which the
zone's UTC offset does not change (a daylight-saving change starts a new one) and SQLite shifts
each row's UTC time by that stretch's offset before taking its hour or date.

    figures = report(log, "2026-11-23", None, settings)    # from the office's midnight to now
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

from appliance import timefmt

OUTCOMES = ("answered", "abandoned_menu", "abandoned_queue", "callback_requested",
            "callback_answered", "callback_failed", "voicemail", "closed", "no_operators", "failed")
SHORT_ABANDON_S = 5.0          # a caller who leaves the queue sooner is a short abandon
CALLBACK_HORIZON_S = 8 * 86400  # dial-backs later than this after the period are not looked for
_QUEUED = "direction = 'inbound' AND queued_at IS NOT NULL"
_ANSWERED = "outcome IN ('answered', 'callback_answered')"
_BUSY = "(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrapup_s, 0))"
_IN_MENU = "(outcome = 'abandoned_menu' AND direction = 'inbound')"

# One pass over the period's calls, grouped finely enough that every figure of volume, outcomes,
# queues, waits and handling is a sum over its rows: by queue (of callers who queued), direction
# and outcome.
_GROUPS = f"""
SELECT CASE WHEN {_QUEUED} THEN 1 ELSE 0 END AS queued,
       CASE WHEN {_QUEUED} THEN queue END AS queue, direction, outcome, count(*) AS calls,
       count(CASE WHEN wait_s <= {{target}} THEN 1 END) AS within,
       count(CASE WHEN wait_s < :short THEN 1 END) AS short,
       sum(wait_s) AS wait, count(wait_s) AS waits, max(wait_s) AS longest_wait,
       sum(ring_s) AS ring, count(ring_s) AS rings, sum(talk_s) AS talk, count(talk_s) AS talks,
       sum(hold_s) AS hold, count(hold_s) AS holds, sum(wrapup_s) AS wrapup,
       count(wrapup_s) AS wrapups, sum({_BUSY}) AS busy
FROM calls {{where}} GROUP BY 1, 2, 3, 4
"""
# Per operator and office day (``{day}``), merged over offset stretches in Python. A call taken
# spans from its end less talk and hold to its end plus wrap-up (julian days), so a day at the desk
# is never shorter than the busy time in it (answered_at is when the appliance answered, not the
# operator); the rings of their handset, answered or not, mark the rest of the day.
_TAKEN = f"""
SELECT operator, {{day}} AS day, count(*), sum(talk_s), count(talk_s), sum(hold_s),
       sum(wrapup_s), sum({_BUSY}),
       min(julianday(coalesce(ended_at, started_at))
           - (coalesce(talk_s, 0) + coalesce(hold_s, 0)) / 86400.0),
       max(julianday(coalesce(ended_at, started_at)) + coalesce(wrapup_s, 0) / 86400.0)
FROM calls {{where}} {{joiner}} operator IS NOT NULL AND {_ANSWERED} GROUP BY operator, day
"""
_RINGS = """
SELECT operator, {day} AS day, count(CASE WHEN result = 'no_answer' THEN 1 END),
       min(started_at), max(coalesce(ended_at, started_at))
FROM ring_attempts {where} {joiner} operator IS NOT NULL GROUP BY operator, day
"""
# The figures that need a record's JSON: the calls that ended in the menu (by path and, where the
# record has them, menu_actions) and transfers, each counted once per call even if a record listed
# the same move twice. Only those records are read: in CallLog's compact JSON a non-empty
# transfers list reads '"transfers":[{'.
_FROM_RECORDS = f"""
WITH picked AS MATERIALIZED (
    SELECT id, record, menu_path, {_IN_MENU} AS in_menu FROM calls {{where}} {{joiner}}
           ({_IN_MENU} OR instr(record, '"transfers":[{{{{') > 0))
SELECT 'menu', menu_path, json_extract(record, '$.menu_actions'), count(*)
FROM picked WHERE in_menu GROUP BY 2, 3
UNION ALL
SELECT 'transfers', count(*), count(DISTINCT id), count(CASE WHEN by_whom = 'system' THEN 1 END)
FROM (SELECT DISTINCT picked.id AS id, t.value ->> 'at', t.value ->> 'from_queue',
             t.value ->> 'to_queue', t.value ->> 'by' AS by_whom
      FROM picked, json_each(picked.record, '$.transfers') AS t WHERE t.type = 'object')
"""
# From the moment the caller chose a callback (queued_at + wait_s; else the end of their call)
# to the first dial-back that the caller answered. A dial-back starts after its request and, as
# the appliance drops promises older than a week, within CALLBACK_HORIZON_S of the period's end:
# the dial-backs are read in that window by the started_at index; requests by their own period.
_CALLBACK_DELAY = """
SELECT count(*), avg(delay), max(delay) FROM (
    SELECT min(CASE WHEN p.queued_at IS NOT NULL AND p.wait_s IS NOT NULL
                    THEN (julianday(c.answered_at) - julianday(p.queued_at)) * 86400.0 - p.wait_s
                    ELSE (julianday(c.answered_at) - julianday(p.ended_at)) * 86400.0 END) AS delay
    FROM calls AS c JOIN calls AS p ON p.id = c.parent_id
    WHERE c.direction = 'callback' AND c.outcome = 'callback_answered'
      AND c.answered_at IS NOT NULL {child} AND p.direction = 'inbound' {parent}
    GROUP BY p.id
)
"""


def period_sql(since: str | None, until: str | None, column: str = "started_at") -> str:
    """A WHERE clause for ``since <= column < until`` with named parameters :since and :until."""
    clauses = ([f"{column} >= :since"] if since else []) + ([f"{column} < :until"] if until else [])
    return ("WHERE " + " AND ".join(clauses)) if clauses else ""


def _filtered(template: str, where: str) -> str:
    return template.format(where=where, joiner="AND" if where else "WHERE")


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def _share(part: int, whole: int) -> float | None:
    return _round(part / whole, 4) if whole else None


# ---- the owner's time zone ----------------------------------------------------------------------

def _offset_minutes(zone: ZoneInfo, ts: float) -> int:
    return int(datetime.fromtimestamp(ts, dt_timezone.utc).astimezone(zone).utcoffset()
               .total_seconds() // 60)


def offset_stretches(zone: ZoneInfo, start: float, end: float) -> list[tuple[float, int]]:
    """``[(from, offset_minutes), ...]``: where the zone's UTC offset changes within
    ``[start, end]`` (the first entry is ``start``). Daylight-saving changes are found day by day,
    then to the second; zones do not change twice within a day."""
    found = [(start, _offset_minutes(zone, start))]
    at = start
    while at < end:
        step = min(at + 86400.0, end)
        offset = _offset_minutes(zone, step)
        if offset != found[-1][1]:
            low, high = int(at), int(step) + 1     # the offset at ``high`` is the new one
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if _offset_minutes(zone, middle) == found[-1][1] \
                    else (low, middle)
            found.append((float(high), offset))
        at = step
    return found


def _segments(conn: sqlite3.Connection, zone: ZoneInfo, since: str | None,
              until: str | None) -> list[tuple[str | None, str | None, str]]:
    """The period as ``(since, until, shift)`` pieces of constant UTC offset; ``shift`` is the
    SQLite modifier (``+60 minutes``) that turns a UTC time of that piece into local time."""
    if since and until:
        start, end = timefmt.parse(since), timefmt.parse(until)
    else:
        row = conn.execute("SELECT min(started_at), max(started_at) FROM calls").fetchone()
        rings = conn.execute("SELECT min(started_at), max(started_at) FROM ring_attempts"
                             ).fetchone()
        firsts, lasts = [v for v in (row[0], rings[0]) if v], [v for v in (row[1], rings[1]) if v]
        if not firsts:
            return [(since, until, "+0 minutes")]
        start = timefmt.parse(since) if since else timefmt.parse(min(firsts))
        end = timefmt.parse(until) if until else timefmt.parse(max(lasts)) + 1
    if end <= start:
        return [(since, until, f"{_offset_minutes(zone, start):+d} minutes")]
    stretches = offset_stretches(zone, start, end)
    pieces = []
    for index, (begins, offset) in enumerate(stretches):
        lo = since if index == 0 else timefmt.iso(begins)
        hi = until if index == len(stretches) - 1 else timefmt.iso(stretches[index + 1][0])
        pieces.append((lo, hi, f"{offset:+d} minutes"))
    return pieces


def _day(shift: str) -> str:
    """The SQL for the office's date of ``started_at`` in a stretch shifted by ``shift``."""
    return "substr(started_at, 1, 10)" if shift == "+0 minutes" else "date(started_at, :shift)"


def _by_hour_and_day(conn: sqlite3.Connection, pieces: list) -> tuple[list[int], dict[str, int]]:
    """Calls by the office's hour of the day, and by its date."""
    hours, days = [0] * 24, {}
    for lo, hi, shift in pieces:
        key = ("substr(started_at, 1, 13)" if shift == "+0 minutes"
               else "strftime('%Y-%m-%dT%H', started_at, :shift)")
        sql = f"SELECT {key}, count(*) FROM calls {period_sql(lo, hi)} GROUP BY 1"
        for hour, count in conn.execute(sql, {"since": lo, "until": hi, "shift": shift}):
            hours[int(hour[11:13])] += count
            days[hour[:10]] = days.get(hour[:10], 0) + count
    return hours, dict(sorted(days.items()))


# ---- figures ------------------------------------------------------------------------------------

_SUMS = ("calls", "within", "short", "wait", "waits", "ring", "rings", "talk", "talks", "hold",
         "holds", "wrapup", "wrapups", "busy")


def _target_sql(queue_targets: dict[str, float], params: dict) -> str:
    """The service-level target of a row's queue: its own where it has one, else ``:target``."""
    if not queue_targets:
        return ":target"
    cases = []
    for index, (queue, seconds) in enumerate(sorted(queue_targets.items())):
        params[f"q{index}"], params[f"t{index}"] = queue, seconds
        cases.append(f"WHEN :q{index} THEN :t{index}")
    return f"(CASE queue {' '.join(cases)} ELSE :target END)"


def _groups(conn: sqlite3.Connection, where: str, params: dict,
            queue_targets: dict[str, float] | None = None) -> list[dict]:
    params = dict(params)
    target = _target_sql(queue_targets or {}, params)
    cursor = conn.execute(_GROUPS.format(where=where, target=target), params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _sum(rows: list[dict]) -> dict:
    total = {name: sum(row[name] or 0 for row in rows) for name in _SUMS}
    total["longest_wait"] = max((row["longest_wait"] for row in rows
                                 if row["longest_wait"] is not None), default=None)
    return total


def _mean(total: float | None, count: int) -> float | None:
    return _round(total / count) if count else None


def _outcomes(groups: list[dict]) -> dict:
    """All contract outcomes (zero when absent), then any other value found ("unknown" = null)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for row in groups:
        name = row["outcome"] if row["outcome"] is not None else "unknown"
        counts[name] = counts.get(name, 0) + row["calls"]
    return counts


def _queue_figures(rows: list[dict]) -> dict:
    """The figures of callers who queued (``rows``: their groups, of one queue or all)."""
    answered = _sum([row for row in rows if row["outcome"] == "answered"])
    gave_up = _sum([row for row in rows if row["outcome"] == "abandoned_queue"])
    everyone = _sum(rows)
    return {"offered": everyone["calls"], "answered": answered["calls"],
            "answered_within": answered["within"],
            "asa_s": _mean(answered["wait"], answered["waits"]),
            "abandoned": gave_up["calls"] - gave_up["short"], "short_abandons": gave_up["short"],
            "callbacks_requested": sum(row["calls"] for row in rows
                                       if row["outcome"] == "callback_requested"),
            "average_wait_s": _mean(everyone["wait"], everyone["waits"]),
            "longest_wait_s": _round(everyone["longest_wait"])}


def _per_queue(queued: list[dict], target_s: float,
               queue_targets: dict[str, float]) -> list[dict]:
    names = sorted({row["queue"] for row in queued}, key=lambda name: (name is None, name or ""))
    rows = []
    for name in names:
        q = _queue_figures([row for row in queued if row["queue"] == name])
        rows.append({"queue": name, "offered": q["offered"], "answered": q["answered"],
                     "target_s": queue_targets.get(name, target_s),
                     "answered_within": q["answered_within"],
                     "service_level": _share(q["answered_within"], q["offered"]),
                     "asa_s": q["asa_s"], "abandoned": q["abandoned"],
                     "short_abandons": q["short_abandons"],
                     "abandon_rate": _share(q["abandoned"], q["offered"] - q["short_abandons"]),
                     "callbacks_requested": q["callbacks_requested"]})
    return rows


def _abandon(q: dict, short_s: float) -> dict:
    reached, abandoned, short = q["offered"], q["abandoned"], q["short_abandons"]
    return {"reached_queue": reached, "abandoned": abandoned, "short_abandons": short,
            "short_abandon_s": short_s, "rate": _share(abandoned, reached - short)}


def _handle(groups: list[dict]) -> dict:
    done = _sum([row for row in groups if row["outcome"] in ("answered", "callback_answered")])
    return {"answered_calls": done["calls"], "ring_s": _mean(done["ring"], done["rings"]),
            "talk_s": _mean(done["talk"], done["talks"]),
            "hold_s": _mean(done["hold"], done["holds"]),
            "wrapup_s": _mean(done["wrapup"], done["wrapups"]),
            "average_handle_s": _mean(done["busy"], done["calls"])}


_JULIAN_EPOCH = 2440587.5       # julianday('1970-01-01')


def _julian(text: str) -> float:
    return timefmt.parse(text) / 86400.0 + _JULIAN_EPOCH


class _Desk:
    """One operator's figures, summed over the period's stretches and days."""

    def __init__(self):
        self.calls = self.talk_count = self.missed = 0
        self.talk = self.hold = self.wrapup = self.busy = 0.0
        self.days: dict[str, list[float]] = {}        # office date -> [first, last] julian days

    def span(self, day: str, first: float, last: float) -> None:
        known = self.days.setdefault(day, [first, last])
        known[0], known[1] = min(known[0], first), max(known[1], last)

    def present(self) -> float | None:
        if not self.days:
            return None
        return sum(max(0.0, last - first) for first, last in self.days.values()) * 86400.0


def _per_operator(conn: sqlite3.Connection, pieces: list, flag: int) -> list[dict]:
    desks: dict[str, _Desk] = {}
    for lo, hi, shift in pieces:
        params = {"since": lo, "until": hi, "shift": shift}
        where = period_sql(lo, hi)
        taken = _filtered(_TAKEN.replace("{day}", _day(shift)), where)
        for (operator, day, calls, talk, talked, hold, wrapup, busy, first,
             last) in conn.execute(taken, params):
            desk = desks.setdefault(operator, _Desk())
            desk.calls += calls
            desk.talk_count += talked
            desk.talk += talk or 0.0
            desk.hold += hold or 0.0
            desk.wrapup += wrapup or 0.0
            desk.busy += busy or 0.0
            desk.span(day, first, last)
        rings = _filtered(_RINGS.replace("{day}", _day(shift)), where)
        for operator, day, missed, first, last in conn.execute(rings, params):
            desk = desks.setdefault(operator, _Desk())
            desk.missed += missed
            desk.span(day, _julian(first), _julian(last))
    return [_operator_row(name, desks[name], flag) for name in sorted(desks)
            if desks[name].calls or desks[name].missed]


def _operator_row(name: str, desk: _Desk, flag: int) -> dict:
    present = _round(desk.present())
    busy = _round(desk.busy)
    return {"operator": name, "calls_taken": desk.calls, "rings_missed": desk.missed,
            "talk_s": _round(desk.talk),
            "average_talk_s": _round(desk.talk / desk.talk_count) if desk.talk_count else None,
            "flagged": desk.missed >= flag, "hold_s": _round(desk.hold),
            "wrapup_s": _round(desk.wrapup), "busy_s": busy,
            "average_handle_s": _round(desk.busy / desk.calls) if desk.calls else None,
            "present_s": present,
            "occupancy": _round(busy / present, 4) if present else None}


def self_service_path(menu: dict | None, path: str | None) -> bool:
    """True when the keys of ``path``, walked through ``menu`` from its root, chose a ``message``
    (an information prompt). Unknown keys (the menu has changed since) stop the walk."""
    if not menu or not path or "root" not in menu:
        return False
    trail = [menu["root"]]
    for key in path:
        option = (trail[-1].get("options") or {}).get(key)
        if not isinstance(option, dict):
            return False
        kind = option.get("action")
        if kind == "message":
            return True
        if kind == "submenu" and isinstance(option.get("menu"), dict):
            trail.append(option["menu"])
        elif kind == "back" and len(trail) > 1:
            trail.pop()
    return False


def _menu_exit(menu: dict | None, path: str | None, actions: str | None) -> bool:
    """True for a self-service call: the record's ``menu_actions`` (the action each key of
    ``menu_path`` chose), when it has them, include a ``message``; otherwise its path, walked
    through ``menu`` (the menu in force now), chose one."""
    try:
        chosen = json.loads(actions) if actions else None
    except ValueError:
        chosen = None
    if isinstance(chosen, list):
        return "message" in chosen
    return self_service_path(menu, path)


def _from_records(conn: sqlite3.Connection, where: str, params: dict,
                  menu: dict | None) -> tuple[dict, dict]:
    """``(menu, transfers)``: the calls that ended in the menu, self-service or abandoned; and
    the transfers."""
    exits = {"self_service": 0, "abandoned": 0}
    moves = {"count": 0, "calls": 0, "by_system": 0}
    for kind, first, second, third in conn.execute(_filtered(_FROM_RECORDS, where), params):
        if kind == "menu":
            exits["self_service" if _menu_exit(menu, first, second) else "abandoned"] += third
        else:
            moves = {"count": first, "calls": second, "by_system": third}
    return exits, moves


def _callback_delay(conn: sqlite3.Connection, since: str | None, until: str | None,
                    params: dict) -> dict:
    params = {**params, "horizon": timefmt.iso(timefmt.parse(until) + CALLBACK_HORIZON_S)
              if until else None}
    child = " ".join((["AND c.started_at >= :since"] if since else [])
                     + (["AND c.started_at < :horizon"] if until else []))
    parent = " ".join((["AND p.started_at >= :since"] if since else [])
                      + (["AND p.started_at < :until"] if until else []))
    served, average, longest = conn.execute(
        _CALLBACK_DELAY.format(child=child, parent=parent), params).fetchone()
    return {"served": served, "average_s": _round(average), "longest_s": _round(longest)}


def compute(conn: sqlite3.Connection, since: str | None, until: str | None,
            service_level_s: float = 20, missed_rings_flag: int = 5, *,
            timezone: str = "UTC", short_abandon_s: float = SHORT_ABANDON_S,
            menu: dict | None = None, queue_targets: dict[str, float] | None = None) -> dict:
    """Every report figure for calls that started in ``[since, until)`` (canonical ISO or None).

    ``timezone`` (IANA) gives the hours and days of ``per_hour``/``per_day`` and of operators'
    days; ``menu`` (settings ``menu``) classifies calls that ended in the menu for records
    without ``menu_actions``; ``queue_targets`` are the queues' own service-level targets
    (``service_level_s`` is the rest's; the overall share counts each call against its queue's).
    """
    queue_targets = queue_targets or {}
    params = {"since": since, "until": until, "target": service_level_s,
              "short": short_abandon_s}
    where = period_sql(since, until)
    pieces = _segments(conn, ZoneInfo(timezone), since, until)
    groups = _groups(conn, where, params, queue_targets)
    queued = [row for row in groups if row["queued"]]
    everyone = _queue_figures(queued)
    outcomes = _outcomes(groups)
    menu_exits, transfers = _from_records(conn, where, params, menu)
    per_hour, per_day = _by_hour_and_day(conn, pieces)
    return {
        "period": {"since": since, "until": until, "timezone": timezone},
        "calls": sum(row["calls"] for row in groups),
        "inbound": sum(row["calls"] for row in groups if row["direction"] == "inbound"),
        "callbacks_dialled": sum(row["calls"] for row in groups
                                 if row["direction"] == "callback"),
        "outcomes": outcomes,
        "menu": menu_exits,
        "callbacks": {"requested": outcomes["callback_requested"],
                      "answered": outcomes["callback_answered"],
                      "failed": outcomes["callback_failed"],
                      "time_to_callback": _callback_delay(conn, since, until, params)},
        "service_level": {"target_s": service_level_s, "offered": everyone["offered"],
                          "answered_within": everyone["answered_within"],
                          "share": _share(everyone["answered_within"], everyone["offered"])},
        "asa": {"answered": everyone["answered"], "average_s": everyone["asa_s"]},
        "abandon": _abandon(everyone, short_abandon_s),
        "wait": {"average_s": everyone["average_wait_s"],
                 "longest_s": everyone["longest_wait_s"]},
        "handle": _handle(groups),
        "transfers": transfers,
        "per_queue": _per_queue(queued, service_level_s, queue_targets),
        "per_operator": _per_operator(conn, pieces, missed_rings_flag),
        "per_hour": per_hour,
        "per_day": per_day,
    }


# ---- with the owner's settings ------------------------------------------------------------------

def options(settings: dict) -> dict:
    """``compute``'s settings from the whole settings document: the ``reports`` targets, the
    office's time zone and the menu (``reports.short_abandon_s`` is used when settings have it)."""
    reports = settings.get("reports") or {}
    return {"service_level_s": reports.get("service_level_s", 20),
            "missed_rings_flag": reports.get("missed_rings_flag", 5),
            "timezone": (settings.get("hours") or {}).get("timezone") or "UTC",
            "short_abandon_s": reports.get("short_abandon_s", SHORT_ABANDON_S),
            "menu": settings.get("menu"),
            "queue_targets": {name: queue["service_level_s"]
                              for name, queue in (settings.get("queues") or {}).items()
                              if queue.get("service_level_s") is not None}}


def local_bound(value: str | None, zone: str) -> str | None:
    """A period limit as canonical UTC text: a date alone is midnight in ``zone``, a time without
    an offset is ``zone``'s wall-clock time, a time with ``Z`` or an offset is that moment.

    Raises ValueError (with an example) for text that is not a date or time.
    """
    if value is None:
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return timefmt.canonical(text)          # raises the clear error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return timefmt.iso(moment.timestamp())


def local_midnight(day, zone: str) -> str:
    """Midnight starting the date ``day`` in ``zone``, as canonical UTC text."""
    start = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return timefmt.iso(start.timestamp())


def local_date(ts: float, zone: str):
    """The date in ``zone`` at the moment ``ts`` (seconds since the epoch)."""
    return datetime.fromtimestamp(ts, dt_timezone.utc).astimezone(ZoneInfo(zone)).date()


def report(log, since: str | None, until: str | None, settings: dict) -> dict:
    """The figures of ``log`` (a CallLog) for ``[since, until)`` with the owner's ``settings``.

    ``since``/``until`` are None or a date or time as ``local_bound`` reads them (canonical UTC
    text stays as it is). Raises ValueError for text that is not a date or time.
    """
    opts = options(settings)
    since, until = local_bound(since, opts["timezone"]), local_bound(until, opts["timezone"])
    # CallLog.stats passes only the two report targets on; the rest goes straight to compute
    # under the log's own lock and error translation.
    with log._lock, log._guard("computing report figures"):
        return compute(log._conn, since, until, opts.pop("service_level_s"),
                       opts.pop("missed_rings_flag"), **opts)


# ---- the dashboard's "today" and the operators' charts ------------------------------------------

# What the engine counts live for the dashboard (engine/core.py DayCounts), from the records:
# inbound calls (written when answered by the appliance, so live ones are in), calls an
# operator took, calls that ended in the menu or queue, and callbacks asked for.
_DAY_COUNTS = """
SELECT count(CASE WHEN direction = 'inbound' THEN 1 END), count(operator),
       count(CASE WHEN outcome IN ('abandoned_menu', 'abandoned_queue') THEN 1 END),
       count(CASE WHEN outcome = 'callback_requested' THEN 1 END)
FROM calls WHERE started_at >= :since AND started_at < :until
"""
_DAY_BY = """
SELECT {column}, count(*) FROM calls
WHERE started_at >= :since AND started_at < :until AND {column} IS NOT NULL GROUP BY 1
"""
# Calls each operator took (answered, inbound or dial-back) and their busy seconds, by the
# office's hour of ``started_at`` within one offset stretch.
_OPERATOR_HOURS = f"""
SELECT operator, {{key}} AS hour, count(*), sum({_BUSY})
FROM calls {{where}} {{joiner}} operator IS NOT NULL AND {_ANSWERED} GROUP BY 1, 2
"""


def day_counts(log, day, zone: str) -> dict:
    """The dashboard's figures of the office's date ``day`` from ``log`` (a CallLog): the same
    four names as the engine's DayCounts, so a restart changes nothing; with ``per_line`` (calls
    on each line, dial-backs included) and ``per_operator`` (calls each operator took)."""
    params = {"since": local_midnight(day, zone),
              "until": local_midnight(day + timedelta(days=1), zone)}
    with log._lock, log._guard("counting today's calls"):
        calls, answered, abandoned, asked = log._conn.execute(_DAY_COUNTS, params).fetchone()
        lines = log._conn.execute(_DAY_BY.format(column="line"), params).fetchall()
        taken = log._conn.execute(_DAY_BY.format(column="operator"), params).fetchall()
    return {"calls": calls, "answered": answered, "abandoned": abandoned,
            "callbacks_requested": asked, "per_line": dict(lines), "per_operator": dict(taken)}


def operator_activity(conn: sqlite3.Connection, since: str | None, until: str | None,
                      timezone: str = "UTC") -> dict:
    """``{operator: {"per_hour": [24 calls], "per_day": {date: calls}, "busy_per_day": {date: s}}}``
    for the calls each operator took, by the office's hour and date of ``started_at``."""
    found: dict[str, dict] = {}
    for lo, hi, shift in _segments(conn, ZoneInfo(timezone), since, until):
        key = ("substr(started_at, 1, 13)" if shift == "+0 minutes"
               else "strftime('%Y-%m-%dT%H', started_at, :shift)")
        sql = _filtered(_OPERATOR_HOURS.replace("{key}", key), period_sql(lo, hi))
        for operator, hour, calls, busy in conn.execute(sql, {"since": lo, "until": hi,
                                                               "shift": shift}):
            desk = found.setdefault(operator, {"per_hour": [0] * 24, "per_day": {},
                                               "busy_per_day": {}})
            desk["per_hour"][int(hour[11:13])] += calls
            desk["per_day"][hour[:10]] = desk["per_day"].get(hour[:10], 0) + calls
            desk["busy_per_day"][hour[:10]] = desk["busy_per_day"].get(hour[:10], 0.0) + (busy or 0.0)
    for desk in found.values():
        desk["per_day"] = dict(sorted(desk["per_day"].items()))
        desk["busy_per_day"] = {day: _round(busy) for day, busy in sorted(desk["busy_per_day"].items())}
    return dict(sorted(found.items()))


def activity(log, since: str | None, until: str | None, settings: dict) -> dict:
    """``operator_activity`` of ``log`` with the owner's time zone; bounds as ``report`` reads them."""
    zone = options(settings)["timezone"]
    since, until = local_bound(since, zone), local_bound(until, zone)
    with log._lock, log._guard("computing operators' activity"):
        return operator_activity(log._conn, since, until, zone)
