"""Fixtures of the store tests: call records with every contract field, and fresh settings."""
from __future__ import annotations

import pytest

from appliance.store.calllog import CALL_FIELDS


def call_record(call_id: str, started_at: str, **fields) -> dict:
    """A contract record: every field present (null unless given), no ring attempts by default."""
    record = dict.fromkeys(CALL_FIELDS)
    record.update(id=call_id, direction="inbound", line="line1", started_at=started_at,
                  ring_attempts=[], callback_offered=False)
    record.update(fields)
    return record


def attempt(operator: str, handset: int, started_at: str, ended_at: str, result: str) -> dict:
    """One entry of a record's ``ring_attempts``."""
    return {"operator": operator, "handset": handset, "started_at": started_at,
            "ended_at": ended_at, "result": result}


@pytest.fixture
def make_record():
    return call_record


@pytest.fixture
def make_attempt():
    return attempt
