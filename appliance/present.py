"""Call records and figures as people read them: CSV (the command and the web page's export)
and durations like ``2:05``. One place, so the two exports can never differ."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from appliance.store.calllog import CALL_FIELDS


def csv_cell(value) -> str:
    """A record field as a CSV cell: empty for null, JSON for ring attempts."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def csv_chunks(records: Iterable[dict], every: int = 500) -> Iterator[str]:
    """The CSV of the records (header first), in pieces of about ``every`` rows, so a year of
    calls streams without a year of memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CALL_FIELDS)
    for index, record in enumerate(records):
        writer.writerow(csv_cell(record.get(name)) for name in CALL_FIELDS)
        if index % every == every - 1:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def duration(seconds: float | None) -> str:
    """``2:05`` or ``1:02:05``; ``-`` for none."""
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
