"""The phone book: who a number belongs to, so an operator knows who is calling as the phone rings.

Entries are ``{number, name, company, notes}`` in ``phonebook.json`` in the data folder (a
``TableFile``: atomic writes, a last good copy, a damaged file set aside and said so). Numbers are
kept tidy and found by the rule of ``appliance.store.numbers``: an entry typed as
``01632 960001`` names the caller whose ID arrives as ``+441632960001``. No two entries have the
same number by that rule. A pure store: no web, no engine.

Example::

    book = PhoneBook(data_dir)
    book.add({"number": "01632 960001", "name": "Ann Example", "company": "Example Ltd"})
    book.find("+441632960001")["name"]          # 'Ann Example'
"""
from __future__ import annotations

from pathlib import Path

from appliance.errors import PhoneBookError
from appliance.store import numbers, phonebook_csv
from appliance.store.tablefile import TableFile

PHONEBOOK_NAME = "phonebook.json"
FIELDS = phonebook_csv.HEADER
LIMITS = {"name": 64, "company": 64, "notes": 500}
MAX_ENTRIES = 10_000


def _text(row: dict, field: str) -> str:
    raw = row.get(field)
    if raw is not None and not isinstance(raw, str):
        raise PhoneBookError(f"the {field} must be text")
    text = " ".join("".join(ch for ch in raw or "" if ch.isprintable()).split())
    if len(text) > LIMITS[field]:
        raise PhoneBookError(f"the {field} is longer than {LIMITS[field]} characters")
    return text


def check_entry(row: dict) -> dict:
    """``row`` as the phone book keeps it (tidy number, clean one-line texts), or PhoneBookError
    saying what is wrong. A name or a company is needed: an entry must say who it is."""
    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise PhoneBookError(f"unknown field '{unknown[0]}'")
    try:
        number = numbers.tidy(row.get("number") or "")
    except ValueError as exc:
        raise PhoneBookError(str(exc)) from None
    entry = {"number": number, **{field: _text(row, field) for field in LIMITS}}
    if not entry["name"] and not entry["company"]:
        raise PhoneBookError(f"{number} needs a name or a company")
    return entry


def _sort_key(entry: dict) -> tuple:
    return (entry["name"] or entry["company"]).casefold(), entry["number"]


class PhoneBook:
    """The phone book of the appliance in ``data_dir``; one object shared by the web threads."""

    def __init__(self, data_dir: Path, readonly: bool = False):
        self.table = TableFile(Path(data_dir) / PHONEBOOK_NAME, "phonebook", check_entry, readonly)
        self._index: dict[str, list[dict]] = {}
        self._indexed = -1

    @property
    def problem(self) -> str | None:
        """What was wrong with the file when it was read (damaged, set aside), or None."""
        self.table.rows()
        return self.table.problem

    def entries(self) -> list[dict]:
        """Every entry, by name (or company) then number."""
        return sorted(self.table.rows(), key=_sort_key)

    def find(self, caller: str | None) -> dict | None:
        """The entry for a caller ID or typed number, or None (withheld, unknown, not a number)."""
        try:
            number = numbers.tidy(caller or "")
        except ValueError:
            return None
        rows = self.table.rows()
        if self._indexed != self.table.version:
            self._index = _index(rows)
            self._indexed = self.table.version
        alike = self._index.get(numbers.key(number), [])
        return next((dict(e) for e in alike if numbers.same(e["number"], number)), None)

    def add(self, row: dict) -> dict:
        """Add an entry; refused if its number is already in the book."""
        entry = check_entry(row)
        self.table.change(lambda rows: _with(rows, entry))
        return entry

    def edit(self, number: str, row: dict) -> dict:
        """Replace the entry with ``number`` (the number may change too)."""
        entry = check_entry(row)
        self.table.change(lambda rows: _with(_without(rows, number), entry))
        return entry

    def delete(self, number: str) -> dict:
        """Remove the entry with ``number``; returns it."""
        gone = self._exact(number)
        self.table.change(lambda rows: _without(rows, number))
        return gone

    def import_csv(self, data: bytes, replace: bool = False) -> tuple[int, int]:
        """Add the entries of a CSV file, or with ``replace`` make them the whole book; an entry
        with the number of one already kept replaces it. Everything is checked first and on any
        error nothing changes. Returns ``(added, updated)``."""
        entries = phonebook_csv.parse(data, check_entry)
        counts: list[int] = []

        def merge(rows: list[dict]) -> list[dict]:
            merged, added, updated = _merged([] if replace else rows, entries)
            counts[:] = [added, updated]
            return merged
        self.table.change(merge)
        return counts[0], counts[1]

    def export_csv(self) -> str:
        """The whole book as CSV, as ``import_csv`` reads it back."""
        return phonebook_csv.export(self.entries())

    def _exact(self, number: str) -> dict:
        found = next((e for e in self.table.rows() if e["number"] == number), None)
        if found is None:
            raise PhoneBookError(f"{number} is not in the phone book")
        return found


def _index(rows: list[dict]) -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    for entry in rows:
        index.setdefault(numbers.key(entry["number"]), []).append(entry)
    return index


def _merged(rows: list[dict], entries: list[dict]) -> tuple[list[dict], int, int]:
    """``rows`` with ``entries`` laid over them by number: ``(rows, added, updated)``. Indexed,
    so ten thousand entries merge in well under a second."""
    out, index, added = list(rows), _index(rows), 0
    where = {id(e): at for at, e in enumerate(out)}
    for entry in entries:
        alike = index.setdefault(numbers.key(entry["number"]), [])
        old = [e for e in alike if numbers.same(e["number"], entry["number"])]
        if len(old) > 1:
            raise PhoneBookError(f"{entry['number']} could be {old[0]['number']} or "
                                 f"{old[1]['number']}; write it with its country code")
        if old:
            out[where[id(old[0])]], alike[alike.index(old[0])] = entry, entry
            where[id(entry)] = where[id(old[0])]
        else:
            out.append(entry)
            alike.append(entry)
            added += 1
    if len(out) > MAX_ENTRIES:
        raise PhoneBookError(f"the phone book would hold {len(out)} entries; at most "
                             f"{MAX_ENTRIES} fit")
    return out, added, len(entries) - added


def _matching(rows: list[dict], number: str) -> dict | None:
    return next((e for e in rows if numbers.same(e["number"], number)), None)


def _without(rows: list[dict], number: str) -> list[dict]:
    if not any(e["number"] == number for e in rows):
        raise PhoneBookError(f"{number} is not in the phone book")
    return [e for e in rows if e["number"] != number]


def _with(rows: list[dict], entry: dict) -> list[dict]:
    """``rows`` with ``entry`` added; refused if an entry already has its number."""
    clash = _matching(rows, entry["number"])
    if clash is not None:
        raise PhoneBookError(f"{entry['number']} is already in the phone book "
                             f"({clash['name'] or clash['company']}, {clash['number']})")
    if len(rows) >= MAX_ENTRIES:
        raise PhoneBookError(f"the phone book is full ({MAX_ENTRIES} entries)")
    return rows + [entry]
