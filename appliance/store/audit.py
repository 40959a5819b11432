"""The audit log of settings changes: when, from where, and which settings went from what to what.

Kept as JSON lines in ``audit.jsonl`` in the data folder, one change per line::

    {"at": "2026-11-23T09:00:00Z", "who": "192.168.1.20", "how": "web",
     "changes": [{"path": "queues.sales.wrapup_s", "old": 10, "new": 42}]}

``who`` is the web client's address, ``console`` or ``cli``. Secrets never reach the file: a
value under a key such as ``pin`` or ``password`` is written as ``"(hidden)"``.

Why it survives a power cut: every entry is one ``write`` to a file opened for appending, then
fsynced, so a cut loses at most the line being written; earlier lines are never rewritten. A torn
last line is skipped when reading, and the next entry starts on a fresh line so it is not glued
to it. The file is bounded: past ``MAX_BYTES`` it is renamed to ``audit.jsonl.1`` (replacing the
older one) and a new file begins, so at most about twice ``MAX_BYTES`` is kept on the SD card.

Example::

    record(data_dir, "console", old_settings, new_settings)
    recent(data_dir, 50)        # newest first
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from appliance import timefmt

log = logging.getLogger(__name__)

AUDIT_NAME = "audit.jsonl"
MAX_BYTES = 256 * 1024
MAX_VALUE = 200                    # characters of one value's JSON kept in an entry
SECRET_KEYS = frozenset({"pin", "puk", "password", "password_hash", "hash", "salt", "secret",
                         "token", "api_key", "apikey"})
HIDDEN = "(hidden)"
_ABSENT = object()
_LOCK = threading.Lock()


def _secret(key: Any) -> bool:
    return isinstance(key, str) and key.lower() in SECRET_KEYS


def scrub(value: Any) -> Any:
    """``value`` with every secret inside it hidden (a whole line added carries its SIM PIN)."""
    if isinstance(value, dict):
        return {k: HIDDEN if _secret(k) and v is not None else scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def _shown(value: Any) -> Any:
    if value is _ABSENT:
        return None
    value = scrub(value)
    text = json.dumps(value, ensure_ascii=False)
    return value if len(text) <= MAX_VALUE else text[:MAX_VALUE - 3] + "..."


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def diff(old: Any, new: Any, path: str = "", secret: bool = False) -> list[dict]:
    """``[{path, old, new}]`` for every setting that differs, secrets hidden (as ``schema.changes``
    walks: maps key by key, lists of equal length item by item, anything else whole)."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(old) + [key for key in new if key not in old]
        return [row for key in keys
                for row in diff(old.get(key, _ABSENT), new.get(key, _ABSENT), _join(path, key),
                                _secret(key))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [row for index, (a, b) in enumerate(zip(old, new))
                for row in diff(a, b, _join(path, index))]
    if old == new:
        return []
    if secret:
        return [{"path": path, "old": HIDDEN, "new": HIDDEN}]
    return [{"path": path, "old": _shown(old), "new": _shown(new)}]


def record(data_dir: Path, who: str, old: dict | None, new: dict, how: str = "",
           clock=time.time) -> dict | None:
    """Append what changed from ``old`` to ``new`` (``old`` None: the previous settings were
    unreadable, so every section counts as changed). Nothing is written when nothing changed.
    Never raises: a full disk must not undo a settings change that is already saved."""
    changes = diff(old if old is not None else {}, new)
    if not changes:
        return None
    entry = {"at": timefmt.iso(clock()), "who": who, "how": how or who, "changes": changes}
    try:
        append(Path(data_dir) / AUDIT_NAME, entry)
    except OSError as exc:
        log.error("cannot write the settings audit log in %s: %s", data_dir, exc.strerror or exc)
    return entry


def append(path: Path, entry: dict) -> None:
    """One JSON line added with one write and fsynced; the file renamed to ``.1`` when full."""
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    with _LOCK:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(line) > MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
            size = 0
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            if os.geteuid() == 0:             # ``sudo ivr-appliance config import``: keep it the
                owner = os.stat(path.parent)   # service's, or the daemon could not append
                os.fchown(fd, owner.st_uid, owner.st_gid)
            if size and not _ends_with_newline(fd, size):
                line = b"\n" + line                    # a torn last line stays alone
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def _ends_with_newline(fd: int, size: int) -> bool:
    return os.pread(fd, 1, size - 1) == b"\n"


def _entries(path: Path) -> list[dict]:
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    out = []
    for line in raw.split(b"\n"):
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue                                  # torn by a power cut, or empty
        if isinstance(entry, dict) and isinstance(entry.get("changes"), list):
            out.append(entry)
    return out


def recent(data_dir: Path, count: int = 50) -> list[dict]:
    """The last ``count`` entries, newest first; damaged lines skipped."""
    path = Path(data_dir) / AUDIT_NAME
    entries = _entries(path.with_name(path.name + ".1")) + _entries(path)
    return entries[::-1][:count]
