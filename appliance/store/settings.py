"""Settings on disk: one TinyDB JSON file, written atomically, with the last good copy kept beside it.

``data_dir/settings.json`` holds the document in TinyDB table ``settings``, record 1. Every write
goes to a temporary file that is flushed, fsynced and renamed over the old one, so a power cut
leaves the old file or the new one, never a mix. Before that rename, the file being replaced is
kept as ``settings.json.bak`` if it is good. A file that fails to parse or validate is moved
aside to ``settings.json.damaged`` and the ``.bak`` takes its place, with a warning in the log.

Example::

    store = SettingsStore(data_dir)
    store.update({"queues": {"sales": {"ring_timeout_s": 20}}})
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from appliance import safejson
from appliance.audio import prompts
from appliance.errors import ApplianceError, SettingsError, StoreError
from appliance.store import schema

log = logging.getLogger(__name__)

TABLE = "settings"
DOC_ID = 1


def parse_json(text: str) -> Any:
    """JSON text as data; errors say where (``line 3 column 5: Expecting ','``) or what (NaN, a
    key twice, nesting too deep: appliance/safejson.py)."""
    try:
        return safejson.loads(text)
    except safejson.JsonError as exc:
        raise SettingsError(str(exc)) from None


def parse_settings(text: str) -> Any:
    """A settings document from JSON text: plain, or a whole settings file (TinyDB layout).

    Accepting the file layout lets a technician import ``settings.json.bak`` as it is. A
    settings document never has a top-level ``settings`` key, so the two cannot be confused.
    """
    data = parse_json(text)
    if isinstance(data, dict) and list(data) == [TABLE] and isinstance(data[TABLE], dict) \
            and list(data[TABLE]) == [str(DOC_ID)]:
        return data[TABLE][str(DOC_ID)]
    return data


PARTIAL_HINT = "or add --partial to change only the sections it has"


def check_whole(doc: Any, hint: str = PARTIAL_HINT) -> None:
    """Refuse a settings document that leaves out any section ``config export`` writes."""
    if not isinstance(doc, dict):
        return                                  # validation says what it should be
    missing = [name for name in schema.defaults() if name not in doc]
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6
                                          else "")
        raise SettingsError(
            f"the document leaves out {shown}: an import replaces every setting, so these would "
            f"go back to their defaults. Import a whole document (config export writes one), "
            f"{hint}")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _inherit_owner(fd: int, path: Path) -> None:
    """Keep the replaced file's mode and owner (new files: the folder's owner, mode 0600).

    A technician's ``sudo ivr-appliance config import`` must leave a file that the service user
    can still read; the SIM PIN in it is nobody else's business.
    """
    try:
        ref = os.stat(path)
        os.fchmod(fd, stat.S_IMODE(ref.st_mode))
    except FileNotFoundError:
        ref = os.stat(path.parent)
    if os.geteuid() == 0:
        os.fchown(fd, ref.st_uid, ref.st_gid)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that after a power cut it holds the old bytes or the new."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        _inherit_owner(fd, path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


_LEFT_BY_WRITE = re.compile(r"^.+\.[A-Za-z0-9_]{8}\.tmp$")     # atomic_write's mkstemp names


def sweep_temp_files(folder: Path, older_than_s: float = 60.0) -> int:
    """Remove what ``atomic_write`` left behind when the power went (or the process was
    killed) mid-write; at start, before anything writes. Returns how many."""
    swept, now = 0, time.time()
    for path in Path(folder).glob("*.tmp"):
        try:
            if _LEFT_BY_WRITE.match(path.name) and now - path.stat().st_mtime > older_than_s:
                path.unlink()
                swept += 1
        except OSError:
            continue
    if swept:
        log.warning("removed %d half-written file(s) left by an interrupted write in %s",
                    swept, folder)
    return swept


def decode_tables(raw: bytes) -> dict:
    """The tables of a TinyDB JSON file, or SettingsError saying what is wrong with it."""
    try:
        data = parse_json(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SettingsError(f"is not UTF-8 text (byte {exc.start})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise SettingsError("is not a TinyDB file (expected a JSON object of tables)")
    return data


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and keeps the replaced file as ``NAME.bak``.

    ``keep_previous(raw_bytes)`` decides whether the file about to be replaced is good enough to
    become the backup; a damaged file never overwrites a good backup.
    """

    def __init__(self, path: Path, keep_previous: Callable[[bytes], bool] | None = None):
        self.path = Path(path)
        self.backup = self.path.with_name(self.path.name + ".bak")
        self.keep_previous = keep_previous or (lambda raw: True)

    def read(self) -> dict | None:
        try:
            return decode_tables(self.path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, SettingsError) as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def write(self, data: dict) -> None:
        """The new copy is made whole before anything is replaced: a document that cannot be
        written (a character UTF-8 cannot hold) leaves the file and its backup as they were."""
        try:
            raw = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        except (UnicodeEncodeError, ValueError, RecursionError) as exc:
            raise StoreError(f"cannot write {self.path}: the settings hold something that cannot "
                             f"be stored as text ({exc}); nothing was changed") from None
        try:
            self._keep_previous()
            atomic_write(self.path, raw)
        except OSError as exc:
            raise StoreError(f"cannot write {self.path}: {exc.strerror or exc}; check that the "
                             "data folder is writable and the disk is not full") from None

    def _keep_previous(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        if self.keep_previous(raw):
            atomic_write(self.backup, raw)


def _replace_with(doc: dict) -> Callable[[dict], None]:
    def transform(stored: dict) -> None:
        stored.clear()
        stored.update(doc)
    return transform


class SettingsStore:
    """The appliance's settings in ``data_dir``: load, save, update, export and import.

    Everything saved is validated first, so the file on disk is always a valid document; on any
    error nothing is written.
    """

    def __init__(self, data_dir: Path, readonly: bool = False):
        """``readonly``: for commands that only look (``config export``, ``stats``) while the
        daemon may run: a damaged file is read around (its good copy used), never moved. (A
        first look at an empty folder still writes the defaults, as a first start does.)"""
        self.readonly = readonly
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / "settings.json"
        self.backup = self.data_dir / "settings.json.bak"
        self.damaged = self.data_dir / "settings.json.damaged"
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data folder {self.data_dir}: {exc.strerror}") from None

    def load(self) -> dict:
        """The settings in force: the file, else its last good copy, else (first start) the defaults.

        Raises StoreError naming both files when neither is usable.
        """
        doc, problem = self._read(self.path)
        if doc is not None:
            return doc
        if self.readonly and problem is not None:
            return self._read_around(problem)
        return self._recover(problem)

    def _read_around(self, problem: str) -> dict:
        """What ``load`` gives of a damaged file without changing anything: its good copy."""
        saved, backup_problem = self._read(self.backup)
        if saved is not None:
            log.warning("%s is damaged (%s); reading its last good copy (left as they are: the "
                        "appliance sets it aside when it next starts)", self.path, problem)
            return saved
        raise StoreError(f"no usable settings: {self.path.name}: {problem or 'missing'}; "
                         f"{self.backup.name}: {backup_problem or 'missing'} (in {self.data_dir})")

    def save(self, doc: dict) -> dict:
        """Validate ``doc`` and, only if all of it is valid, write it; returns the normalised doc.

        Prompts the settings name must exist (default ones, or uploads in this data folder).
        """
        normal = schema.validate(doc, prompts.known_keys(self.data_dir))
        current, problem = self._read(self.path)
        if problem is not None:
            self._set_aside(problem)
        if current != normal:
            self._write(normal)
        return normal

    def update(self, patch: dict) -> dict:
        """Lay ``patch`` over the current settings (maps merge, lists replace) and save."""
        return self.save(schema.merge(self.load(), patch))

    def export_json(self) -> str:
        """The settings as one JSON document, as ``config import`` accepts it."""
        return json.dumps(self.load(), indent=2, ensure_ascii=False)

    def import_json(self, text: str, partial: bool = False) -> dict:
        """Parse and validate ``text`` completely, then save it; on any error nothing changes.

        ``text`` is a settings document, or a whole settings file such as ``settings.json.bak``.
        An import replaces every setting, so a document that leaves sections out (``{}``, a
        fragment) is refused rather than silently putting them back to their defaults; with
        ``partial`` it changes only the sections it has.
        """
        doc = parse_settings(text)
        if partial and isinstance(doc, dict):
            return self.save(schema.merge(self.load(), doc))
        schema.validate(doc, prompts.known_keys(self.data_dir))   # a wrong value first
        check_whole(doc)
        return self.save(doc)

    # ---- reading and recovering ------------------------------------------------------------

    def _read(self, path: Path) -> tuple[dict | None, str | None]:
        """(document, None) if good; (None, what is wrong) if not; (None, None) if missing."""
        if not path.exists():
            return None, None
        try:
            with TinyDB(path, storage=AtomicJSONStorage) as db:
                return schema.validate(self._document(db)), None
        except (ApplianceError, ValueError, TypeError) as exc:
            # TinyDB itself raises ValueError/TypeError on record ids or records of a wrong shape
            return None, str(exc).removeprefix(f"{path}: ")

    @staticmethod
    def _document(db: TinyDB) -> dict:
        doc = db.table(TABLE).get(doc_id=DOC_ID)
        if doc is None:
            raise StoreError(f"holds no settings (table '{TABLE}', record {DOC_ID} is missing)")
        return dict(doc)

    def _recover(self, problem: str | None) -> dict:
        saved, backup_problem = self._read(self.backup)
        if saved is None and problem is None and backup_problem is None:
            return self._write(schema.defaults())
        if saved is None:
            raise StoreError(
                f"no usable settings: {self.path.name}: {problem or 'missing'}; "
                f"{self.backup.name}: {backup_problem or 'missing'} (in {self.data_dir}). Fix one "
                "of them, or load a good file with 'ivr-appliance config import FILE'")
        self._restore(saved, problem)
        return saved

    def _restore(self, saved: dict, problem: str | None) -> None:
        if problem is not None:
            self._set_aside(problem)
        log.warning("settings restored from the last good copy %s", self.backup)
        self._write(saved)

    def _set_aside(self, problem: str) -> None:
        log.warning("%s is damaged (%s); it is kept as %s", self.path, problem, self.damaged.name)
        try:
            os.replace(self.path, self.damaged)
            _fsync_dir(self.data_dir)
        except OSError as exc:
            raise StoreError(f"cannot move the damaged {self.path} aside: {exc.strerror}") from None

    # ---- writing ----------------------------------------------------------------------------

    def _write(self, doc: dict) -> dict:
        with TinyDB(self.path, storage=AtomicJSONStorage, keep_previous=self._is_good) as db:
            table = db.table(TABLE)
            if table.contains(doc_id=DOC_ID):
                table.update(_replace_with(doc), doc_ids=[DOC_ID])
            else:
                table.insert(Document(doc, doc_id=DOC_ID))
        return doc

    @staticmethod
    def _is_good(raw: bytes) -> bool:
        """Only a file that loads as valid settings may become the backup."""
        try:
            record = decode_tables(raw).get(TABLE, {}).get(str(DOC_ID))
            return record is not None and schema.validate(record) is not None
        except (ApplianceError, ValueError, TypeError):
            return False
