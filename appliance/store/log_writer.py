"""The call log's writer: records leave the loop thread at once and are committed in groups.

The loop hands each call record to ``submit`` (a dict insert and a wake-up, microseconds) and
goes back to polling hooks; a thread of the writer's own commits what is waiting. Everything
that arrived while the previous commit was being fsynced goes into the next one, in a single
transaction (``write_many``), so a slow SD card costs one fsync per group, not one per record,
and never delays the loop.

The promises the loop made when it wrote records itself still hold:

* **Nothing refused is lost.** A record the log refuses (a full disk, a locked file) stays
  waiting and is tried again with the next record and after a back-off (1 s doubling to 60 s);
  ``unsaved()`` lists such records, and after ``close()`` everything not known durable, for the
  daemon to keep in ``unsaved-records.jsonl``.
* **Versions of a record keep their order.** Waiting records are kept by call id, the latest
  version replacing an earlier one, and one group is committed before the next is taken; a
  group the log refused goes back *under* anything newer that arrived meanwhile. So a later
  version is never overwritten by an earlier one.
* **Durable means committed.** ``on_written`` hears of records only after their transaction has
  returned (SQLite fsynced it): what it was told survives a power cut or a ``kill -9``.
* **Shutdown flushes.** ``close()`` gives everything waiting one last commit and ends the thread
  before the daemon closes the log.

With ``threaded=False`` (the simulated clock of ``sim --fast``: one thread, deterministic) each
``submit`` commits on the caller's thread, as the loop used to.

Example::

    writer = LogWriter(calllog, on_refused=lambda exc, kept, first: log.error("%s", exc))
    writer.submit(record)          # returns at once
    writer.flush()                 # wait until it is committed (or refused)
    writer.close()                 # last commit, thread ended; then calllog.close()
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

log = logging.getLogger("appliance.store.log_writer")

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0


class LogWriter:
    """Commits call records off the caller's thread, in groups. See the module docstring.

    ``calllog`` is anything with ``write(record)``; with ``write_many(records)`` too, a group is
    one transaction, otherwise one ``write`` per record. Callbacks run on the writer's thread
    (the caller's when not threaded) and must be quick:

    * ``on_written(records)`` after a commit, with the records it made durable;
    * ``on_refused(exc, kept, first)`` when the log refused a group; ``kept`` records wait to
      be retried, ``first`` is True for the first refusal after a success;
    * ``on_recovered(count)`` when a commit succeeds after refusals.
    """

    def __init__(self, calllog, threaded: bool = True,
                 on_written: Callable[[list[dict]], None] | None = None,
                 on_refused: Callable[[Exception, int, bool], None] | None = None,
                 on_recovered: Callable[[int], None] | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.calllog, self.threaded = calllog, threaded
        self._on_written, self._on_refused = on_written, on_refused
        self._on_recovered = on_recovered
        self._monotonic = monotonic
        self._cond = threading.Condition()
        self._pending: dict[str, dict] = {}     # id -> latest version not yet taken
        self._inflight: dict[str, dict] = {}    # the group being committed
        self._refused: set[str] = set()         # ids whose last attempt the log refused
        self._submitted = 0                     # records handed to submit
        self._attempted = 0                     # every record up to here has had its attempt
        self._failing = False
        self._backoff = RETRY_FIRST_S
        self._retry_at: float | None = None
        self._closing = self._closed = self._last_try = False
        self._thread: threading.Thread | None = None
        self._stats = {"submitted": 0, "commits": 0, "records": 0, "max_group": 0, "refusals": 0}

    # -- the caller's side (the loop thread) --------------------------------------------------

    def submit(self, record: dict) -> None:
        """Hand over ``record`` (replacing a waiting earlier version of the same call). Returns
        at once when threaded; otherwise commits it, and any refused before, here and now."""
        with self._cond:
            self._pending[record["id"]] = record
            self._submitted += 1
            self._stats["submitted"] += 1
            if self._closed:                    # too late to write: unsaved() reports it
                return
            if self.threaded:
                self._start_locked()
                self._cond.notify()
                return
        self._attempt()

    def start(self) -> None:
        """Start the writer's thread now (else the first ``submit`` does, which costs that
        caller a few milliseconds). Nothing to do when not threaded."""
        with self._cond:
            if self.threaded and not self._closing:
                self._start_locked()

    def _start_locked(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="calllog-writer", daemon=True)
            self._thread.start()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every record submitted so far has been committed or refused (then it
        waits for its retry). False if ``timeout`` passed first."""
        with self._cond:
            target = self._submitted
            return self._cond.wait_for(lambda: self._attempted >= target or self._closed,
                                       timeout)

    def close(self, timeout: float | None = 10.0) -> bool:
        """Give everything waiting a last commit and end the thread; records that still could
        not be written are in ``unsaved()``. False if the thread did not end in ``timeout``
        (a commit hangs); what it holds then counts as unsaved too."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        elif self._pending:
            self._attempt()
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        return thread is None or not thread.is_alive()

    def unsaved(self) -> list[dict]:
        """Records the log refused and that wait for their retry (latest version of each);
        after ``close()``, every record not known to be durable."""
        with self._cond:
            waiting = {**self._inflight, **self._pending}
            if self._closed:
                return list(waiting.values())
            return [record for call_id, record in waiting.items() if call_id in self._refused]

    def backlog(self) -> int:
        """How many records wait to be committed (or are being committed)."""
        with self._cond:
            return len(self._pending) + len(self._inflight)

    def stats(self) -> dict:
        """Counters: submitted, commits, records committed, the largest group, refusals."""
        with self._cond:
            return dict(self._stats)

    # -- the writer's thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._wait_for_work():
                    return
            self._attempt()

    def _wait_for_work(self) -> bool:
        """Block until a group should be attempted (True) or the writer should end (False)."""
        while True:
            if self._closing:
                if self._pending and not self._last_try:
                    self._last_try = True
                    return True
                return False
            if self._pending:
                if self._submitted > self._attempted:
                    return True             # something new: commit (retrying the refused too)
                if self._retry_at is not None:
                    delay = self._retry_at - self._monotonic()
                    if delay <= 0:
                        return True
                    self._cond.wait(delay)
                    continue
            self._cond.wait()

    def _attempt(self) -> None:
        """Take everything waiting as one group and commit it."""
        with self._cond:
            if not self._pending:
                return
            group, self._pending = self._pending, {}
            self._inflight, upto = group, self._submitted
        written, error, commits = self._commit(list(group.values()))
        with self._cond:
            done = {record["id"] for record in written}
            rest = {call_id: record for call_id, record in group.items() if call_id not in done}
            self._pending = {**rest, **self._pending}      # anything newer wins
            self._inflight = {}
            self._refused -= done
            self._refused |= rest.keys()
            self._attempted = max(self._attempted, upto)
            first = recovered = False
            self._stats["commits"] += commits
            self._stats["records"] += len(written)
            self._stats["max_group"] = max(self._stats["max_group"], len(written))
            if error is not None:
                first, self._failing = not self._failing, True
                self._stats["refusals"] += 1
                self._retry_at = self._monotonic() + self._backoff
                self._backoff = min(self._backoff * 2, RETRY_MAX_S)
            else:
                recovered, self._failing = self._failing, False
                self._retry_at, self._backoff = None, RETRY_FIRST_S
            kept = len(self._refused)
            self._cond.notify_all()
        if written:
            self._tell(self._on_written, written)
        if error is not None:
            self._tell(self._on_refused, error, kept, first)
        elif recovered:
            self._tell(self._on_recovered, len(written))

    def _commit(self, group: list[dict]) -> tuple[list[dict], Exception | None, int]:
        """Write ``group``: one transaction when the log can, else record by record (stopping
        at the first refusal). Returns what was written, the refusal if any, and how many
        transactions it took."""
        if callable(getattr(self.calllog, "write_many", None)):
            try:
                self.calllog.write_many(group)
            except Exception as exc:          # noqa: BLE001 - whatever the log raises is a refusal
                return [], exc, 0
            return group, None, 1
        for n, record in enumerate(group):
            try:
                self.calllog.write(record)
            except Exception as exc:          # noqa: BLE001
                return group[:n], exc, n
        return group, None, len(group)

    @staticmethod
    def _tell(callback, *args) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:                     # noqa: BLE001 - a callback's bug must not stop writes
            log.exception("call log writer callback %r failed", callback)
