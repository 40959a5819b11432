"""Child process of the kill tests: writes to a store in a loop, printing each step once it returned.

Run as ``python crash_child.py calllog DB FIRST`` or ``python crash_child.py settings DIR FIRST``.
The parent kills it with SIGKILL at a random instant and checks that everything printed is on
disk, intact. The parent imports this file for ``record_for`` and ``timeout_for``.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path


def record_for(n: int, final: bool = True) -> dict:
    """Call record number ``n``: provisional (no outcome yet) or final, with ring attempts."""
    minute = f"2026-11-23T{9 + n // 3600 % 10:02d}:{n // 60 % 60:02d}:{n % 60:02d}"
    attempts = [{"operator": f"op{k}", "handset": k + 1, "started_at": f"{minute}.{k:03d}Z",
                 "ended_at": f"{minute}.{k + 5:03d}Z", "result": "no_answer"} for k in range(n % 3)]
    return {
        "id": f"call-{n}", "direction": "inbound", "parent_id": None, "line": "line1",
        "caller": f"+4416329{n:05d}", "language": "en", "started_at": f"{minute}.000Z",
        "answered_at": None, "ended_at": f"{minute}.900Z" if final else None, "menu_path": "1",
        "queue": "sales", "queued_at": f"{minute}.100Z", "position_at_entry": 1,
        "announced_wait_s": 30.0, "wait_s": 12.5 if final else None, "callback_offered": False,
        "callback_number": None, "operator": None, "handset": None, "ring_attempts": attempts,
        "ring_s": None, "talk_s": None, "hold_s": None, "wrapup_s": None,
        "outcome": "abandoned_queue" if final else None, "hangup_by": "caller" if final else None,
        "recording": None, "voicemail": None,
    }


def timeout_for(n: int) -> int:
    """The ring_timeout_s of settings save number ``n`` (each save differs from the last)."""
    return 5 + n % 116


def _calllog(db: str, first: int) -> None:
    from appliance.store.calllog import CallLog
    log = CallLog(Path(db))
    for n in itertools.count(first):
        log.write(record_for(n, final=False))
        log.write(record_for(n))
        print(n, flush=True)


def _settings(folder: str, first: int) -> None:
    from appliance.store.settings import SettingsStore
    store = SettingsStore(Path(folder))
    for n in itertools.count(first):
        store.update({"queues": {"sales": {"ring_timeout_s": timeout_for(n)}}})
        print(n, flush=True)


if __name__ == "__main__":
    {"calllog": _calllog, "settings": _settings}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
