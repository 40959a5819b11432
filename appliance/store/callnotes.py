"""Notes an operator writes about a call, kept beside the call log and merged into its records.

The call log is what the engine saw, written by the loop alone; a note is a person's, written on
the web page at any time, even long after the call ended. So notes live in their own small file,
``notes.json`` (a ``TableFile``: atomic writes, a last good copy, a damaged file set aside), and
are laid into records as they are read: every record the web page and ``ivr-appliance calls
--format json`` show has ``notes``, the text or null.

Example::

    notes = CallNotes(data_dir)
    notes.save("c17", "Wants a quote for 40 chairs", "2026-11-23T09:16:00.000Z")
    [record["notes"] for record in notes.merge(log.calls())]
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from appliance.store.tablefile import TableFile

NOTES_NAME = "notes.json"
MAX_NOTE = 2000
_CONTROL = re.compile(r"(?:[^\S\n]|[\x00-\x08\x0b-\x1f\x7f])+")


def clean(text: str) -> str:
    """A note as kept: lines kept, other control characters and runs of spaces folded."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_CONTROL.sub(" ", line).strip() for line in lines).strip()


def check_note(row: dict) -> dict:
    """``{call_id, text, saved_at}`` as kept, or ValueError saying what is wrong."""
    call_id, text, saved_at = row.get("call_id"), row.get("text"), row.get("saved_at")
    if not isinstance(call_id, str) or not call_id or len(call_id) > 200:
        raise ValueError("a note needs the id of its call")
    text = clean(text) if isinstance(text, str) else ""
    if not text:
        raise ValueError(f"the note of call {call_id} is empty")
    if len(text) > MAX_NOTE:
        raise ValueError(f"the note of call {call_id} is longer than {MAX_NOTE} characters")
    if saved_at is not None and not isinstance(saved_at, str):
        raise ValueError(f"the note of call {call_id} has a bad saved_at")
    return {"call_id": call_id, "text": text, "saved_at": saved_at}


class CallNotes:
    """The notes of the appliance in ``data_dir``. ``readonly`` for the shell commands."""

    def __init__(self, data_dir: Path, readonly: bool = False):
        self.table = TableFile(Path(data_dir) / NOTES_NAME, "notes", check_note, readonly)
        self._by_call: dict[str, dict] = {}
        self._indexed = -1

    def _index(self) -> dict[str, dict]:
        rows = self.table.rows()
        if self._indexed != self.table.version:
            self._by_call = {row["call_id"]: row for row in rows}
            self._indexed = self.table.version
        return self._by_call

    def get(self, call_id: str | None) -> str | None:
        """The note of ``call_id``, or None."""
        row = self._index().get(call_id or "")
        return row["text"] if row else None

    def save(self, call_id: str, text: str, at: str) -> str | None:
        """Keep ``text`` as the note of ``call_id`` (saved at ``at``); empty text removes it.
        Returns the note as kept. ValueError if it is too long."""
        note = check_note({"call_id": call_id, "text": text, "saved_at": at}) if clean(text) else None
        self.table.change(lambda rows: [r for r in rows if r["call_id"] != call_id]
                          + ([note] if note else []))
        return note["text"] if note else None

    def merge(self, records: Iterable[dict]) -> Iterator[dict]:
        """Each record with its ``notes`` (text or null), read lazily as the records come."""
        index = self._index()
        for record in records:
            row = index.get(record.get("id") or "")
            yield {**record, "notes": row["text"] if row else None}

    def with_notes(self, record: dict | None) -> dict | None:
        """One record with its ``notes``; None stays None."""
        return None if record is None else next(self.merge([record]))

    @property
    def problem(self) -> str | None:
        """What was wrong with ``notes.json`` when it was read (damaged, set aside), or None."""
        self.table.rows()
        return self.table.problem
