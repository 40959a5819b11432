"""A small table of rows in its own JSON file, kept as carefully as the settings.

The phone book and the call notes live in such files. The layout is TinyDB's
(``{"phonebook": {"1": {...}, "2": {...}}}``), so a technician reads it like ``settings.json``.
What it promises:

- a write is atomic (``settings.atomic_write``): after a power cut the file holds the old rows or
  the new ones, never a mix;
- after every write ``NAME.bak`` holds the same rows: the last good copy;
- a file that does not parse, or has a row that fails the owner's check, is moved aside to
  ``NAME.damaged`` (``NAME.damaged.2`` and so on, so an earlier one is never overwritten) and the
  last good copy takes its place; ``problem`` says so in words for the page and the log. Nothing
  is deleted.

Example::

    table = TableFile(data_dir / "phonebook.json", "phonebook", check_row)
    table.change(lambda rows: rows + [new_row])
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Callable

from appliance.errors import SettingsError, StoreError
from appliance.store.settings import atomic_write, decode_tables

log = logging.getLogger(__name__)


def _stamp(path: Path) -> tuple | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size



def damaged_path(path: Path) -> Path:
    """Where a damaged ``path`` is kept for a person to look at: ``NAME.damaged``, or
    ``NAME.damaged.2`` and on when an earlier one is still there (none is overwritten)."""
    aside, count = path.with_name(path.name + ".damaged"), 1
    while aside.exists():
        count += 1
        aside = path.with_name(f"{path.name}.damaged.{count}")
    return aside

class TableFile:
    """Rows of one table, each passed through ``check_row`` (which returns the row as it is to be
    kept, or raises ValueError saying what is wrong). ``readonly`` (the shell commands) never
    moves or writes a file; a damaged one is then only reported and its last good copy read.

    Share one object between the web page's threads: a lock keeps read-change-write whole.
    """

    def __init__(self, path: Path, table: str, check_row: Callable[[dict], dict],
                 readonly: bool = False):
        self.path, self.table, self.check_row, self.readonly = Path(path), table, check_row, readonly
        self.backup = self.path.with_name(self.path.name + ".bak")
        self.problem: str | None = None
        self.version = 0                  # goes up whenever the rows change (for indexes)
        self._lock = threading.RLock()
        self._rows: list[dict] = []
        self._stamp: tuple | None = ("never read",)

    def rows(self) -> list[dict]:
        """The rows, read again when the file has changed since (another process, a technician)."""
        with self._lock:
            if _stamp(self.path) != self._stamp:
                self._keep(self._load())
            return list(self._rows)

    def replace(self, rows: list[dict], known: frozenset[int] = frozenset()) -> list[dict]:
        """Check every row (but those whose ``id`` is in ``known``: already checked), then write
        them all; on any error nothing is written."""
        checked = [row if id(row) in known else self.check_row(dict(row)) for row in rows]
        with self._lock:
            self._write(checked)
            self._keep(checked)
        return checked

    def change(self, edit: Callable[[list[dict]], list[dict]]) -> list[dict]:
        """``replace(edit(rows))`` with no other writer in between; only rows ``edit`` adds are
        checked again (a note saved beside twenty thousand others costs one check)."""
        with self._lock:
            rows = self.rows()
            return self.replace(edit(rows), frozenset(map(id, rows)))

    def _keep(self, rows: list[dict]) -> None:
        self._rows, self._stamp = rows, _stamp(self.path)
        self.version += 1

    # ---- reading ----------------------------------------------------------------------------

    def _read(self, path: Path) -> tuple[list[dict] | None, str | None]:
        """(rows, None) if good; (None, what is wrong) if not; (None, None) if missing."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            return None, f"cannot be read: {exc.strerror}"
        try:
            stored = decode_tables(raw).get(self.table, {})
            return [self._checked(number, row) for number, row in stored.items()], None
        except (SettingsError, ValueError) as exc:
            return None, str(exc)

    def _checked(self, number: str, row) -> dict:
        if not isinstance(row, dict):
            raise ValueError(f"row {number} is not a map")
        try:
            return self.check_row(dict(row))
        except ValueError as exc:
            raise ValueError(f"row {number}: {exc}") from None

    def _load(self) -> list[dict]:
        rows, problem = self._read(self.path)
        if problem is None and rows is not None:
            return rows
        saved, backup_problem = self._read(self.backup)
        if problem is None:                                  # missing: first use, or deleted
            if saved:
                self._recover(saved, f"{self.path.name} is missing")
            return saved or []
        self._recover(saved or [], f"{self.path.name} is damaged ({problem})",
                      good_copy=saved is not None and backup_problem is None)
        return saved or []

    def _recover(self, saved: list[dict], what: str, good_copy: bool = True) -> None:
        then = ("the last good copy " + self.backup.name + " is used" if good_copy
                else "there is no good copy, so it starts empty")
        if self.readonly:
            self.problem = f"{what}; {then} (in {self.path.parent})"
        else:
            aside = self._set_aside() if self.path.exists() else None
            kept = f"; it is kept as {aside.name}" if aside else ""
            self.problem = f"{what}{kept}; {then} (in {self.path.parent})"
            self._write(saved)
        log.warning("%s", self.problem)

    def _set_aside(self) -> Path:
        aside = damaged_path(self.path)
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            raise StoreError(f"cannot move the damaged {self.path} aside: {exc.strerror}") from None
        return aside

    # ---- writing ----------------------------------------------------------------------------

    def _write(self, rows: list[dict]) -> None:
        data = {self.table: {str(number): row for number, row in enumerate(rows, 1)}}
        text = (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, text)
            atomic_write(self.backup, text)
        except OSError as exc:
            raise StoreError(f"cannot write {self.path}: {exc.strerror or exc}; check that the "
                             "data folder is writable and the disk is not full") from None
