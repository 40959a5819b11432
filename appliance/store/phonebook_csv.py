"""The phone book as CSV: columns ``number,name,company,notes``, UTF-8 with or without a BOM.

An import is read and checked whole before anything is stored, so a file with a mistake changes
nothing; the refusal names the line (as a text editor counts them) and what is wrong, up to five
mistakes at once. The export starts with a BOM so that spreadsheet programs read accents right;
the import accepts it back as it is.

>>> parse(b'number,name\\n01632 960001,Ann\\n', lambda row: row)[0]['number']
'01632 960001'
"""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterable

from appliance.errors import PhoneBookError
from appliance.store import numbers

HEADER = ("number", "name", "company", "notes")
REQUIRED = ("number", "name")
MAX_BYTES = 2 * 2 ** 20
MAX_PROBLEMS = 5


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PhoneBookError(f"line {line}: this is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                             "save the file as \"CSV UTF-8\"") from None


def _columns(header: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in header]
    unknown = [name for name in names if name not in HEADER]
    if unknown:
        raise PhoneBookError(f"line 1: unknown column '{unknown[0][:30]}'; the first line must "
                             f"name the columns {','.join(HEADER)}")
    missing = [name for name in REQUIRED if name not in names]
    repeated = [name for name in names if names.count(name) > 1]
    if missing or repeated:
        what = f"has no column '{missing[0]}'" if missing else f"names '{repeated[0]}' twice"
        raise PhoneBookError(f"line 1: the header {what}; it must be {','.join(HEADER)}")
    return names


def _row(columns: list[str], cells: list[str], line: int) -> dict:
    if len(cells) != len(columns):
        raise PhoneBookError(f"line {line}: {len(cells)} values, but the header names "
                             f"{len(columns)} columns (a comma inside a value needs quotes)")
    return dict(zip(columns, cells))


class _Problems:
    """Mistakes found so far, each with its line; raised together at the end."""

    def __init__(self):
        self.found: list[str] = []

    def add(self, line: int, exc: Exception) -> None:
        text = str(exc)
        self.found.append(text if text.startswith("line ") else f"line {line}: {text}")

    def raise_any(self) -> None:
        if self.found:
            more = len(self.found) - MAX_PROBLEMS
            shown = "; ".join(self.found[:MAX_PROBLEMS])
            raise PhoneBookError(shown + (f" (and {more} more)" if more > 0 else ""))


def parse(data: bytes, check: Callable[[dict], dict]) -> list[dict]:
    """The entries in CSV ``data``, each passed through ``check`` (which raises ValueError with
    the reason); PhoneBookError naming the lines if any row is wrong or two rows name one number
    (``numbers.same``)."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""), strict=True)
    try:
        columns = _columns(next(reader))
    except StopIteration:
        raise PhoneBookError(f"the file is empty; the first line must be {','.join(HEADER)}") from None
    except csv.Error as exc:
        raise PhoneBookError(f"line 1: {exc}") from None
    problems, entries = _Problems(), _Seen()
    _read_rows(reader, columns, check, problems, entries)
    problems.raise_any()
    return entries.entries


def _read_rows(reader, columns, check, problems: _Problems, entries: _Seen) -> None:
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                entries.take(_row_or_none(columns, cells, line, check, problems), line, problems)
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add(line, exc)


def _row_or_none(columns, cells, line, check, problems: _Problems) -> dict | None:
    try:
        return check(_row(columns, cells, line))
    except ValueError as exc:
        problems.add(line, exc)
        return None


class _Seen:
    """The good rows so far, indexed by ``numbers.key`` to find a number given twice."""

    def __init__(self):
        self.entries: list[dict] = []
        self.lines: dict[str, list[tuple[str, int]]] = {}

    def take(self, entry: dict | None, line: int, problems: _Problems) -> None:
        if entry is None:
            return
        number, alike = entry["number"], self.lines.setdefault(numbers.key(entry["number"]), [])
        earlier = next((at for other, at in alike if numbers.same(other, number)), None)
        if earlier is not None:
            problems.add(line, ValueError(f"{number} is already on line {earlier}"))
            return
        alike.append((number, line))
        self.entries.append(entry)


def export(entries: Iterable[dict]) -> str:
    """The CSV of ``entries`` (BOM, header, one row each), as ``parse`` reads it back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for entry in entries:
        writer.writerow(entry.get(name) or "" for name in HEADER)
    return "\ufeff" + out.getvalue()
