"""Finding calls in the log by period, number, operator, queue and outcome (the web page's filters).

Every filter is a bound SQL parameter, never text pasted into SQL. The period uses the index on
``started_at``; the others narrow the rows of the period.

>>> where, params = CallFilter(operator="ann", number="96000").sql()
>>> where
'WHERE operator = :operator AND (caller LIKE :number OR callback_number LIKE :number)'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CallFilter:
    """What the owner asked for; empty fields do not filter. Times are canonical ISO or None."""

    since: str | None = None
    until: str | None = None
    number: str | None = None
    operator: str | None = None
    queue: str | None = None
    outcome: str | None = None

    def sql(self) -> tuple[str, dict]:
        """``(WHERE clause or "", parameters)`` for the ``calls`` table."""
        clauses = []
        if self.since:
            clauses.append("started_at >= :since")
        if self.until:
            clauses.append("started_at < :until")
        for field in ("operator", "queue", "outcome"):
            if getattr(self, field):
                clauses.append(f"{field} = :{field}")
        if self.number:
            clauses.append("(caller LIKE :number OR callback_number LIKE :number)")
        params = {**asdict(self), "number": f"%{_like_safe(self.number)}%" if self.number else None}
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _like_safe(text: str) -> str:
    """The number with LIKE's wildcards taken literally (a number has none, but be safe)."""
    return text.replace("%", "").replace("_", "")


def page_sql(where: str) -> str:
    """Newest first, one page: the call log screen."""
    return (f"SELECT record FROM calls {where} ORDER BY started_at DESC, id DESC "
            "LIMIT :limit OFFSET :offset")


def after_sql(where: str) -> str:
    """Oldest first, the next batch after ``(:after, :after_id)``: the CSV export, in pieces."""
    joiner = "AND" if where else "WHERE"
    return (f"SELECT started_at, id, record FROM calls {where} {joiner} "
            "(started_at, id) > (:after, :after_id) ORDER BY started_at, id LIMIT :batch")


def count_sql(where: str) -> str:
    return f"SELECT count(*) FROM calls {where}"
