"""Report figures of the call log, summed by SQL over a time range (docs/reports.md explains each).

Every figure is an aggregate that SQLite computes over the rows of the range, using the index on
``started_at``; no query loads the records into Python, so a month of calls costs milliseconds.
"""
from __future__ import annotations

import sqlite3

OUTCOMES = ("answered", "abandoned_menu", "abandoned_queue", "callback_requested",
            "callback_answered", "callback_failed", "voicemail", "closed", "no_operators", "failed")
_QUEUED = "direction = 'inbound' AND queued_at IS NOT NULL"
_ANSWERED = "outcome IN ('answered', 'callback_answered')"

_SUMMARY = f"""
SELECT count(*) AS calls,
       count(CASE WHEN direction = 'inbound' THEN 1 END) AS inbound,
       count(CASE WHEN direction = 'callback' THEN 1 END) AS callbacks_dialled,
       count(CASE WHEN {_QUEUED} THEN 1 END) AS offered,
       count(CASE WHEN {_QUEUED} AND outcome = 'answered' AND wait_s <= :target THEN 1 END)
           AS answered_within,
       avg(CASE WHEN {_QUEUED} THEN wait_s END) AS average_wait_s,
       max(CASE WHEN {_QUEUED} THEN wait_s END) AS longest_wait_s,
       count(CASE WHEN {_ANSWERED} THEN 1 END) AS answered_calls,
       avg(CASE WHEN {_ANSWERED} THEN ring_s END) AS ring_s,
       avg(CASE WHEN {_ANSWERED} THEN talk_s END) AS talk_s,
       avg(CASE WHEN {_ANSWERED} THEN hold_s END) AS hold_s,
       avg(CASE WHEN {_ANSWERED} THEN wrapup_s END) AS wrapup_s
FROM calls {{where}}
"""
_TAKEN = f"""
SELECT operator, count(*), sum(talk_s), avg(talk_s) FROM calls
{{where}} {{joiner}} operator IS NOT NULL AND {_ANSWERED} GROUP BY operator
"""
_MISSED = """
SELECT operator, count(*) FROM ring_attempts
{where} {joiner} operator IS NOT NULL AND result = 'no_answer' GROUP BY operator
"""


def period_sql(since: str | None, until: str | None, column: str = "started_at") -> str:
    """A WHERE clause for ``since <= column < until`` with named parameters :since and :until."""
    clauses = ([f"{column} >= :since"] if since else []) + ([f"{column} < :until"] if until else [])
    return ("WHERE " + " AND ".join(clauses)) if clauses else ""


def _filtered(template: str, where: str) -> str:
    return template.format(where=where, joiner="AND" if where else "WHERE")


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def _summary(conn: sqlite3.Connection, where: str, params: dict) -> dict:
    cursor = conn.execute(_SUMMARY.format(where=where), params)
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone()))


def _outcomes(conn: sqlite3.Connection, where: str, params: dict) -> dict:
    """All contract outcomes (zero when absent), then any other value found ("unknown" = null)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    sql = f"SELECT outcome, count(*) FROM calls {where} GROUP BY outcome"
    for outcome, count in conn.execute(sql, params):
        counts[outcome if outcome is not None else "unknown"] = count
    return counts


def _service_level(summary: dict, target: float) -> dict:
    offered, within = summary["offered"], summary["answered_within"]
    share = _round(within / offered, 4) if offered else None
    return {"target_s": target, "offered": offered, "answered_within": within, "share": share}


def _handle(summary: dict) -> dict:
    parts = {name: _round(summary[name]) for name in ("ring_s", "talk_s", "hold_s", "wrapup_s")}
    total = sum(v for v in parts.values() if v is not None) if summary["answered_calls"] else None
    return {"answered_calls": summary["answered_calls"], **parts,
            "average_handle_s": _round(total)}


def _per_operator(conn: sqlite3.Connection, params: dict, flag: int) -> list[dict]:
    rows: dict[str, dict] = {}
    taken = _filtered(_TAKEN, period_sql(params["since"], params["until"]))
    for operator, calls, talk, average in conn.execute(taken, params):
        rows[operator] = {"calls_taken": calls, "talk_s": _round(talk or 0.0),
                          "average_talk_s": _round(average)}
    missed = _filtered(_MISSED, period_sql(params["since"], params["until"]))
    missed_by = dict(conn.execute(missed, params).fetchall())
    return [_operator_row(name, rows.get(name), missed_by.get(name, 0), flag)
            for name in sorted(set(rows) | set(missed_by))]


def _operator_row(name: str, taken: dict | None, missed: int, flag: int) -> dict:
    taken = taken or {"calls_taken": 0, "talk_s": 0.0, "average_talk_s": None}
    return {"operator": name, "calls_taken": taken["calls_taken"], "rings_missed": missed,
            "talk_s": taken["talk_s"], "average_talk_s": taken["average_talk_s"],
            "flagged": missed >= flag}


def _per_hour(conn: sqlite3.Connection, where: str, params: dict) -> list[int]:
    hours = [0] * 24
    sql = f"SELECT substr(started_at, 12, 2), count(*) FROM calls {where} GROUP BY 1"
    for hour, count in conn.execute(sql, params):
        hours[int(hour)] = count
    return hours


def _per_day(conn: sqlite3.Connection, where: str, params: dict) -> dict[str, int]:
    sql = f"SELECT substr(started_at, 1, 10), count(*) FROM calls {where} GROUP BY 1 ORDER BY 1"
    return dict(conn.execute(sql, params).fetchall())


def compute(conn: sqlite3.Connection, since: str | None, until: str | None,
            service_level_s: float = 20, missed_rings_flag: int = 5) -> dict:
    """Every report figure for calls that started in ``[since, until)`` (canonical ISO or None)."""
    params = {"since": since, "until": until, "target": service_level_s}
    where = period_sql(since, until)
    summary, outcomes = _summary(conn, where, params), _outcomes(conn, where, params)
    return {
        "period": {"since": since, "until": until},
        "calls": summary["calls"],
        "inbound": summary["inbound"],
        "callbacks_dialled": summary["callbacks_dialled"],
        "outcomes": outcomes,
        "callbacks": {"requested": outcomes["callback_requested"],
                      "answered": outcomes["callback_answered"],
                      "failed": outcomes["callback_failed"]},
        "service_level": _service_level(summary, service_level_s),
        "wait": {"average_s": _round(summary["average_wait_s"]),
                 "longest_s": _round(summary["longest_wait_s"])},
        "handle": _handle(summary),
        "per_operator": _per_operator(conn, params, missed_rings_flag),
        "per_hour": _per_hour(conn, where, params),
        "per_day": _per_day(conn, where, params),
    }
