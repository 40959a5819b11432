"""The call log: one row per call in SQLite (WAL, synchronous=FULL), read back by time range.

Each record is kept whole as JSON (the source of truth for ``calls``) and spread into columns
that the range queries and report figures use (``appliance/store/callstats.py``). A write is one
transaction that SQLite has fsynced before ``write`` returns, so a record the appliance reported
written survives a power cut. Times are stored in the canonical form of ``appliance.timefmt``,
whose strings sort in time order.

Example::

    log = CallLog(data_dir / CALLLOG_NAME)
    log.write(record)                      # durable when it returns
    log.calls(since="2026-11-23", until="2026-11-24")
"""
from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Iterator

from appliance import timefmt
from appliance.errors import StoreError
from appliance.store import callsearch, callstats
from appliance.store.callstats import period_sql

CALLLOG_NAME = "calls.sqlite3"
SCHEMA_VERSION = 1

# The fields of a call record, in the order of ../shared/contracts.md (and of the CSV columns).
CALL_FIELDS = (
    "id", "direction", "parent_id", "line", "caller", "language", "started_at", "answered_at",
    "ended_at", "menu_path", "queue", "queued_at", "position_at_entry", "announced_wait_s",
    "wait_s", "callback_offered", "callback_number", "operator", "handset", "ring_attempts",
    "ring_s", "talk_s", "hold_s", "wrapup_s", "outcome", "hangup_by", "recording", "voicemail",
    "sms", "failure", "transfers", "callback_expected_at",
)
# Fields with a column of their own (for range queries and figures); the others (ring attempts
# have their own table; sms) live only in the record's JSON.
COLUMNS = tuple(name for name in CALL_FIELDS
                if name not in ("ring_attempts", "sms", "failure", "transfers",
                                "callback_expected_at"))
TIME_COLUMNS = ("started_at", "answered_at", "ended_at", "queued_at")
ATTEMPT_FIELDS = ("operator", "handset", "started_at", "ended_at", "result")

_SCHEMA = """
CREATE TABLE calls (
    id TEXT PRIMARY KEY NOT NULL,
    direction TEXT, parent_id TEXT, line TEXT, caller TEXT, language TEXT,
    started_at TEXT NOT NULL, answered_at TEXT, ended_at TEXT, menu_path TEXT,
    queue TEXT, queued_at TEXT, position_at_entry INTEGER, announced_wait_s REAL, wait_s REAL,
    callback_offered INTEGER, callback_number TEXT, operator TEXT, handset INTEGER,
    ring_s REAL, talk_s REAL, hold_s REAL, wrapup_s REAL, outcome TEXT, hangup_by TEXT,
    recording TEXT, voicemail TEXT,
    record TEXT NOT NULL
);
CREATE INDEX calls_started_at ON calls (started_at, id);
CREATE INDEX calls_started_at_operator ON calls (started_at, operator);
CREATE TABLE ring_attempts (
    call_id TEXT NOT NULL, seq INTEGER NOT NULL, operator TEXT, handset INTEGER,
    started_at TEXT, ended_at TEXT, result TEXT,
    PRIMARY KEY (call_id, seq)
) WITHOUT ROWID;
CREATE INDEX ring_attempts_started_at_operator ON ring_attempts (started_at, operator);
"""
_UPSERT_CALL = (f"INSERT OR REPLACE INTO calls ({', '.join(COLUMNS)}, record) "
                f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))})")
_INSERT_ATTEMPT = "INSERT INTO ring_attempts VALUES (?, ?, ?, ?, ?, ?, ?)"
_DAMAGED = ("not a database", "malformed", "not a call log")


def bound(value: str | float | None) -> str | None:
    """A range limit in the stored form: ISO text (a date alone is UTC midnight) or epoch seconds.

    Raises ValueError for text that is not a date or time.
    """
    if value is None:
        return None
    return timefmt.iso(value) if isinstance(value, (int, float)) else timefmt.canonical(value)


_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _when(value, call_id: str, field: str) -> str | None:
    if value is None or (isinstance(value, str) and _CANONICAL.fullmatch(value)):
        return value
    try:
        return timefmt.canonical(value)
    except (TypeError, ValueError):
        raise StoreError(f"call {call_id}: {field} {value!r} is not an ISO 8601 time") from None


def _call_row(record: dict) -> tuple:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
        raise StoreError("a call record must be a map with a non-empty text 'id'")
    values = {name: record.get(name) for name in COLUMNS}
    for name in TIME_COLUMNS:
        values[name] = _when(values[name], record["id"], name)
    if values["started_at"] is None:
        raise StoreError(f"call {record['id']}: started_at is required")
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"call {record['id']}: cannot be stored as JSON ({exc})") from None
    return tuple(values[name] for name in COLUMNS) + (text,)


def _attempt_rows(record: dict) -> list[tuple]:
    call_id, rows = record["id"], []
    for seq, attempt in enumerate(record.get("ring_attempts") or []):
        if not isinstance(attempt, dict):
            raise StoreError(f"call {call_id}: ring_attempts[{seq}] must be a map")
        row = [attempt.get(name) for name in ATTEMPT_FIELDS]
        row[2:4] = (_when(row[2], call_id, "ring_attempts.started_at"),
                    _when(row[3], call_id, "ring_attempts.ended_at"))
        rows.append((call_id, seq, *row))
    return rows


def _closed_after_crash(record: dict) -> dict:
    """A provisional record finished as the daemon would have, had it not been cut off."""
    moments = [record.get(k) for k in TIME_COLUMNS] + \
              [a.get(k) for a in record.get("ring_attempts") or [] for k in ("started_at", "ended_at")]
    last = max(m for m in moments if m)
    for attempt in record.get("ring_attempts") or []:
        if attempt.get("result") is None:
            attempt["result"], attempt["ended_at"] = "cancelled", last
    outcome = record.get("outcome") or "failed"
    return {**record, "ended_at": last, "outcome": outcome,
            "hangup_by": record.get("hangup_by") or "system",
            "failure": record.get("failure") or ("the appliance stopped during the call (power "
                                                 "cut or crash)" if outcome == "failed" else None)}


def _still_pending(asked: list[dict], children: list[tuple], max_attempts: int) -> list[dict]:
    tries: dict[str, list[str]] = {}
    for parent, outcome in children:
        tries.setdefault(parent, []).append(outcome)
    pending = []
    for record in asked:
        outcomes = tries.get(record["id"], [])
        failed = sum(o in ("callback_failed", "failed") for o in outcomes)
        if "callback_answered" in outcomes or failed >= max_attempts or not record.get("queue"):
            continue
        pending.append({"id": record["id"], "number": record["callback_number"],
                        "queue": record["queue"], "language": record["language"],
                        "queued_at": timefmt.parse(record["queued_at"] or record["started_at"]),
                        "attempts": failed})
    return pending


class CallLog:
    """Call records in one SQLite file, safe against power cuts; share one object between threads.

    ``readonly=True`` opens for reading alongside the daemon (WAL lets readers and one writer
    work at once); a missing file then reads as an empty log ("no calls yet").
    """

    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        self._lock = threading.Lock()
        with self._guard("opening"):
            self._conn = self._open_readonly() if readonly else self._open_writable()

    # ---- opening ---------------------------------------------------------------------------

    def _open_writable(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of the call log {self.path}: "
                             f"{exc.strerror}") from None
        return self._connect(str(self.path), self._make_durable)

    def _make_durable(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        self._prepare(conn)

    def _open_readonly(self) -> sqlite3.Connection:
        if self.path.exists() and self.path.stat().st_size:
            conn = self._connect(self.path.absolute().as_uri() + "?mode=ro", self._check_existing,
                                 uri=True)
            if self._version(conn):
                return conn
            conn.close()  # created but never given its tables: no calls yet
        return self._connect(":memory:", self._prepare)

    def _check_existing(self, conn: sqlite3.Connection) -> None:
        self._check_version(conn, self._version(conn))

    @staticmethod
    def _connect(target: str, setup, uri: bool = False) -> sqlite3.Connection:
        """A connection that ``setup(conn)`` has prepared; closed again if that fails."""
        conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False,
                               timeout=10.0)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            setup(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Create the tables in a new file; refuse files that are not a call log of ours."""
        conn.execute("BEGIN IMMEDIATE")
        with conn:
            version = self._version(conn)
            self._check_version(conn, version)
            if version == 0:
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _check_version(self, conn: sqlite3.Connection, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(f"call log {self.path} was written by a newer firmware (schema "
                             f"{version}, this one knows {SCHEMA_VERSION}): update the firmware")
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version == 0 and tables:
            raise sqlite3.DatabaseError("an SQLite file, but not a call log")

    # ---- errors ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Turn SQLite's errors into one StoreError a technician can act on."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(self._advice(exc, doing)) from None

    def _advice(self, exc: sqlite3.Error, doing: str) -> str:
        what = f"call log {self.path}: {exc} ({doing})"
        if any(word in str(exc) for word in _DAMAGED):
            return (f"{what}. The file is damaged or is not this appliance's call log: stop the "
                    f"appliance, move it aside (mv {self.path} {self.path}.damaged) and start "
                    "again for a new, empty log; see docs/troubleshooting.md to rescue records")
        return f"{what}. Check that {self.path.parent} is writable and the disk is not full"

    # ---- writing and reading ---------------------------------------------------------------

    def write(self, record: dict) -> None:
        """Store ``record``, replacing any earlier record with the same id; durable on return."""
        row, attempts = _call_row(record), _attempt_rows(record)
        with self._lock, self._guard(f"writing call {record['id']}"):
            self._conn.execute("BEGIN IMMEDIATE")
            with self._conn:
                self._conn.execute(_UPSERT_CALL, row)
                self._conn.execute("DELETE FROM ring_attempts WHERE call_id = ?", (record["id"],))
                self._conn.executemany(_INSERT_ATTEMPT, attempts)

    def write_many(self, records: Iterable[dict]) -> int:
        """Store many records in one transaction (imports, benchmarks); returns how many."""
        # the last record of an id wins, as with separate writes
        built = ((_call_row(record), _attempt_rows(record)) for record in records)
        rows = list({call[0]: (call, attempts) for call, attempts in built}.values())
        with self._lock, self._guard("writing calls"):
            self._conn.execute("BEGIN IMMEDIATE")
            with self._conn:
                self._conn.executemany(_UPSERT_CALL, [call for call, _ in rows])
                self._conn.executemany("DELETE FROM ring_attempts WHERE call_id = ?",
                                       [(call[0],) for call, _ in rows])
                self._conn.executemany(_INSERT_ATTEMPT, [a for _, each in rows for a in each])
        return len(rows)

    def calls(self, since=None, until=None, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Records with ``since <= started_at < until``, oldest first (limits may be None)."""
        params = {"since": bound(since), "until": bound(until),
                  "limit": -1 if limit is None else limit, "offset": offset}
        sql = (f"SELECT record FROM calls {period_sql(params['since'], params['until'])} "
               "ORDER BY started_at, id LIMIT :limit OFFSET :offset")
        return [json.loads(text) for (text,) in self._query(sql, params, "reading calls")]

    def iter_calls(self, since=None, until=None, batch: int = 1000) -> Iterator[dict]:
        """Like ``calls`` without holding them all in memory: read ``batch`` records at a time."""
        params = {"since": bound(since), "until": bound(until), "batch": batch,
                  "after": "", "after_id": ""}
        where = period_sql(params["since"], params["until"])
        sql = (f"SELECT started_at, id, record FROM calls {where} {'AND' if where else 'WHERE'} "
               "(started_at, id) > (:after, :after_id) ORDER BY started_at, id LIMIT :batch")
        while True:
            rows = self._query(sql, params, "reading calls")
            yield from (json.loads(text) for _, _, text in rows)
            if len(rows) < batch:
                return
            params["after"], params["after_id"] = rows[-1][:2]

    def count(self, since=None, until=None) -> int:
        """How many records started in ``[since, until)``."""
        params = {"since": bound(since), "until": bound(until)}
        sql = f"SELECT count(*) FROM calls {period_sql(params['since'], params['until'])}"
        return self._query(sql, params, "counting calls")[0][0]

    def stats(self, since=None, until=None, service_level_s: float = 20,
              missed_rings_flag: int = 5) -> dict:
        """The report figures for ``[since, until)``, summed by SQL (see docs/reports.md)."""
        with self._lock, self._guard("computing report figures"):
            return callstats.compute(self._conn, bound(since), bound(until), service_level_s,
                                     missed_rings_flag)

    def search(self, flt: callsearch.CallFilter, limit: int = 50, offset: int = 0) -> list[dict]:
        """One page of the records matching ``flt``, newest first (the web page's call list)."""
        where, params = flt.sql()
        rows = self._query(callsearch.page_sql(where), {**params, "limit": limit, "offset": offset},
                           "searching calls")
        return [json.loads(text) for (text,) in rows]

    def search_count(self, flt: callsearch.CallFilter) -> int:
        """How many records match ``flt``."""
        where, params = flt.sql()
        return self._query(callsearch.count_sql(where), params, "counting calls")[0][0]

    def search_all(self, flt: callsearch.CallFilter, batch: int = 1000) -> Iterator[dict]:
        """Every record matching ``flt``, oldest first, read ``batch`` at a time (CSV export)."""
        where, params = flt.sql()
        params = {**params, "batch": batch, "after": "", "after_id": ""}
        sql = callsearch.after_sql(where)
        while True:
            rows = self._query(sql, params, "exporting calls")
            yield from (json.loads(text) for _, _, text in rows)
            if len(rows) < batch:
                return
            params["after"], params["after_id"] = rows[-1][:2]

    def data_version(self) -> int:
        """A number that changes whenever another connection (the daemon) has written calls;
        readers use it to know when figures they keep are out of date."""
        return self._query("PRAGMA data_version", {}, "reading the log's version")[0][0]

    def get(self, call_id: str) -> dict | None:
        """The record with ``call_id``, or None."""
        rows = self._query("SELECT record FROM calls WHERE id = :id", {"id": call_id},
                           "reading a call")
        return json.loads(rows[0][0]) if rows else None

    # ---- what a restart recovers ------------------------------------------------------------

    def close_unfinished(self) -> list[str]:
        """Close records left provisional by a power cut or a kill: outcome ``failed``, ended at
        the last moment the record knows of. Returns their ids (for the log)."""
        rows = self._query("SELECT record FROM calls WHERE ended_at IS NULL", {}, "reading calls")
        closed = [_closed_after_crash(json.loads(text)) for (text,) in rows]
        if closed:
            self.write_many(closed)
        return [record["id"] for record in closed]

    def pending_callbacks(self, max_attempts: int, since=None) -> list[dict]:
        """Callbacks promised and not yet served or given up (the engine's ``restore_callback``
        input), from inbound ``callback_requested`` records and their dial-back records."""
        params = {"since": bound(since)}
        asked = self._query("SELECT record FROM calls WHERE outcome = 'callback_requested' AND "
                            "direction = 'inbound' AND (:since IS NULL OR started_at >= :since)",
                            params, "reading callbacks")
        children = self._query("SELECT parent_id, outcome FROM calls WHERE parent_id IS NOT NULL "
                               "AND (:since IS NULL OR started_at >= :since)", params,
                               "reading callbacks")
        return _still_pending([json.loads(text) for (text,) in asked], children, max_attempts)

    def _query(self, sql: str, params: dict, doing: str) -> list[tuple]:
        with self._lock, self._guard(doing):
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the file; the log may not be used afterwards."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> CallLog:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
