"""Call notes: kept in their own file, merged into records as they are read."""
from __future__ import annotations

import pytest

from appliance.store.callnotes import MAX_NOTE, NOTES_NAME, CallNotes

AT = "2026-11-23T09:16:00.000Z"


def test_a_note_is_kept_replaced_and_removed(tmp_path):
    notes = CallNotes(tmp_path)
    assert notes.save("c1", "  Wants a quote\r\nfor 40\tchairs \x07", AT) == "Wants a quote\nfor 40 chairs"
    assert CallNotes(tmp_path).get("c1") == "Wants a quote\nfor 40 chairs"
    notes.save("c1", "Quote sent", AT)
    assert notes.get("c1") == "Quote sent" and len(notes.table.rows()) == 1
    assert notes.save("c1", "   ", AT) is None
    assert CallNotes(tmp_path).get("c1") is None


def test_records_get_their_notes_or_null(tmp_path):
    notes = CallNotes(tmp_path)
    notes.save("c2", "Called about the invoice", AT)
    records = [{"id": "c1", "caller": "+441632960001"}, {"id": "c2", "caller": None}]
    merged = list(notes.merge(iter(records)))
    assert [r["notes"] for r in merged] == [None, "Called about the invoice"]
    assert records[0] == {"id": "c1", "caller": "+441632960001"}     # the originals are untouched
    assert notes.with_notes(None) is None and notes.with_notes(records[1])["notes"]


def test_a_note_too_long_is_refused_and_nothing_changes(tmp_path):
    notes = CallNotes(tmp_path)
    notes.save("c1", "short", AT)
    with pytest.raises(ValueError, match=f"longer than {MAX_NOTE}"):
        notes.save("c1", "x" * (MAX_NOTE + 1), AT)
    assert notes.get("c1") == "short"


def test_a_damaged_notes_file_is_set_aside_and_the_last_good_copy_used(tmp_path):
    CallNotes(tmp_path).save("c1", "kept", AT)
    (tmp_path / NOTES_NAME).write_text('{"notes": {"1": {"call_id": "c1"')
    reader = CallNotes(tmp_path, readonly=True)
    assert reader.get("c1") == "kept" and "damaged" in reader.problem
    assert not (tmp_path / (NOTES_NAME + ".damaged")).exists()        # the shell moves nothing
    notes = CallNotes(tmp_path)
    assert notes.get("c1") == "kept" and (tmp_path / (NOTES_NAME + ".damaged")).exists()


def test_no_notes_file_reads_as_no_notes_and_creates_nothing(tmp_path):
    assert CallNotes(tmp_path, readonly=True).get("c1") is None
    assert list(tmp_path.iterdir()) == []
