"""The phone book: the number rule, entries, CSV import and export, and a damaged file."""
from __future__ import annotations

import json
import re

import pytest

from appliance.errors import PhoneBookError
from appliance.store import numbers
from appliance.store.phonebook import PHONEBOOK_NAME, PhoneBook

ANN = {"number": "01632 960001", "name": "Ann Example", "company": "Example Ltd", "notes": ""}
GOOD_CSV = ("number,name,company,notes\r\n"
            "+44 1632 960001,Ann Example,Example Ltd,\r\n"
            "0044 (0)1632 960002,Bruno Rossi,\"Rossi, Figli & Co\",\"prefers Italian\"\r\n"
            "\r\n"
            "01632 960003,Zoë Ångström,,\r\n")


# ---- the number rule -----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, tidy", [
    ("+44 1632 960001", "+441632960001"), ("0044 1632-960-001", "+441632960001"),
    ("+44 (0)1632 960001", "+441632960001"), ("(01632) 960.001", "01632960001"),
    ("+39 06 1234 5678", "+390612345678")])
def test_typed_numbers_are_tidied_to_the_caller_id_form(typed, tidy):
    assert numbers.tidy(typed) == tidy


@pytest.mark.parametrize("typed", ["", "  ", "ext. 12", "12345;+CFUN=0", "+", "1" * 33, "P"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        numbers.tidy(typed)


@pytest.mark.parametrize("a, b, same", [
    ("+441632960001", "01632960001", True),       # UK: trunk 0 at home
    ("+441632960001", "1632960001", True),        # delivered without the trunk prefix
    ("+390612345678", "0612345678", True),        # Italy keeps its 0 after the country code
    ("+12025550123", "2025550123", True),
    ("+441632960001", "+331632960001", False),    # another country
    ("01632960001", "1632960001", False),         # two national forms: only when equal
    ("+441632960001", "01632960002", False),
    (None, "01632960001", False)])
def test_same_number_rule(a, b, same):
    assert numbers.same(a, b) is same and numbers.same(b, a) is same
    if same:
        assert numbers.key(a) == numbers.key(b)


# ---- entries -------------------------------------------------------------------------------------

def test_an_entry_is_found_by_caller_id_in_any_form(tmp_path):
    book = PhoneBook(tmp_path)
    book.add(ANN)
    for caller in ("+441632960001", "01632960001", "0044 1632 960001"):
        assert book.find(caller)["name"] == "Ann Example", caller
    assert book.find("+441632960002") is None
    book.add({"number": "+33 1 23 45 67 89", "name": "Claire"})
    assert book.find("0123456789")["name"] == "Claire" and book.find("+441234567890") is None
    assert book.find(None) is None and book.find("P") is None
    assert PhoneBook(tmp_path).find("+441632960001")["company"] == "Example Ltd"   # on disk


def test_entries_are_checked_and_a_number_is_only_once_in_the_book(tmp_path):
    book = PhoneBook(tmp_path)
    book.add(ANN)
    with pytest.raises(PhoneBookError, match=r"\+441632960001 is already in the phone book"):
        book.add({"number": "+441632960001", "name": "Someone else"})
    with pytest.raises(PhoneBookError, match="needs a name or a company"):
        book.add({"number": "01632 960002"})
    with pytest.raises(PhoneBookError, match="longer than 64"):
        book.add({"number": "01632 960002", "name": "x" * 65})
    with pytest.raises(PhoneBookError, match="not a phone number"):
        book.add({"number": "call me", "name": "Bob"})
    assert [e["number"] for e in book.entries()] == ["01632960001"]


def test_edit_and_delete(tmp_path):
    book = PhoneBook(tmp_path)
    book.add(ANN)
    book.add({"number": "01632 960002", "name": "Bob"})
    book.edit("01632960001", {**ANN, "number": "+44 1632 960009", "name": "Ann Changed"})
    assert book.find("01632960009")["name"] == "Ann Changed" and book.find("01632960001") is None
    with pytest.raises(PhoneBookError, match="already in the phone book"):
        book.edit("+441632960009", {"number": "01632960002", "name": "Clash"})
    assert book.delete("01632960002")["name"] == "Bob"
    with pytest.raises(PhoneBookError, match="not in the phone book"):
        book.delete("01632960002")
    assert [e["name"] for e in book.entries()] == ["Ann Changed"]


# ---- CSV -----------------------------------------------------------------------------------------

def test_a_good_csv_is_imported_with_or_without_bom(tmp_path):
    for prefix, folder in ((b"", "plain"), (b"\xef\xbb\xbf", "bom")):
        book = PhoneBook(tmp_path / folder)
        assert book.import_csv(prefix + GOOD_CSV.encode("utf-8")) == (3, 0)
        assert book.find("+441632960002") == {"number": "+441632960002", "name": "Bruno Rossi",
                                              "company": "Rossi, Figli & Co",
                                              "notes": "prefers Italian"}
        assert book.find("+441632960003")["name"] == "Zoë Ångström"


def test_an_import_merges_by_number_or_replaces_the_book(tmp_path):
    book = PhoneBook(tmp_path)
    book.add({"number": "+441632960001", "name": "Old Ann"})
    book.add({"number": "01632 960099", "name": "Kept"})
    assert book.import_csv(GOOD_CSV.encode()) == (2, 1)
    assert book.find("01632960001")["name"] == "Ann Example" and book.find("01632960099")
    assert book.import_csv(b"number,name\n01632960050,Only one\n", replace=True) == (1, 0)
    assert [e["name"] for e in book.entries()] == ["Only one"]


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"phone,name\n1,a\n", "line 1: unknown column 'phone'"),
    (b"name,company\nAnn,X\n", "line 1: the header has no column 'number'"),
    (b"number,name,name\n1,a,b\n", "line 1: the header names 'name' twice"),
    (b"number,name\n01632960001,Ann,extra\n", "line 2: 3 values, but the header names 2 columns"),
    (b"number,name\n01632960001,Ann\nnot a number,Bob\n", "line 3: 'not a number' is not a phone number"),
    (b"number,name\n01632960001,Ann\n+441632960001,Ann again\n",
     "line 3: +441632960001 is already on line 2"),
    (b"number,name\n\n01632960001,\n", "line 3: 01632960001 needs a name or a company"),
    (b"number,name\n01632960001,Ann\n01632960002,\"Bob\n", "line 3: unexpected end of data"),
    (b"number,name\n01632960001,Ren\xe9\n", "line 2: this is not UTF-8 text (byte 0xe9)"),
])
def test_a_malformed_csv_is_refused_with_the_line_and_nothing_changes(tmp_path, data, message):
    book = PhoneBook(tmp_path)
    book.add(ANN)
    before = (tmp_path / PHONEBOOK_NAME).read_bytes()
    with pytest.raises(PhoneBookError, match=re.escape(message)):
        book.import_csv(data)
    with pytest.raises(PhoneBookError):
        book.import_csv(data, replace=True)
    assert (tmp_path / PHONEBOOK_NAME).read_bytes() == before


def test_a_quoted_value_over_two_lines_keeps_the_line_count_right(tmp_path):
    data = b'number,name,company,notes\n01632960001,Ann,,"two\nlines"\nbad,Bob,,\n'
    with pytest.raises(PhoneBookError, match="^line 4: 'bad'"):
        PhoneBook(tmp_path).import_csv(data)


def test_several_mistakes_are_listed_at_once_up_to_five(tmp_path):
    data = b"number,name\n" + b"".join(b"x%d,Name\n" % n for n in range(8))
    with pytest.raises(PhoneBookError) as refused:
        PhoneBook(tmp_path).import_csv(data)
    text = str(refused.value)
    assert text.startswith("line 2: 'x0'") and "line 6: 'x4'" in text and text.endswith("(and 3 more)")


def test_export_is_read_back_by_import(tmp_path):
    book = PhoneBook(tmp_path / "a")
    book.import_csv(GOOD_CSV.encode())
    exported = book.export_csv()
    assert exported.startswith("\ufeffnumber,name,company,notes\r\n")
    copy = PhoneBook(tmp_path / "b")
    assert copy.import_csv(exported.encode("utf-8")) == (3, 0)
    assert copy.entries() == book.entries()


# ---- robustness ----------------------------------------------------------------------------------

def test_every_write_is_atomic_and_leaves_a_last_good_copy(tmp_path):
    book = PhoneBook(tmp_path)
    book.add(ANN)
    path = tmp_path / PHONEBOOK_NAME
    assert path.read_bytes() == path.with_name(PHONEBOOK_NAME + ".bak").read_bytes()
    stored = json.loads(path.read_text("utf-8"))
    assert list(stored["phonebook"].values()) == [{**ANN, "number": "01632960001"}]
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("damage, reason", [
    (b'{"phonebook": {"1": {"number": "01632960001", "name": "Ann"', "line 1 column"),
    (b'{"phonebook": {"1": {"number": "nope", "name": "Ann"}}}', "row 1: 'nope' is not a phone"),
    (b"\xff\xfe", "not UTF-8")])
def test_a_damaged_file_is_set_aside_and_the_last_good_copy_used(tmp_path, caplog, damage, reason):
    PhoneBook(tmp_path).add(ANN)
    path = tmp_path / PHONEBOOK_NAME
    path.write_bytes(damage)
    book = PhoneBook(tmp_path)
    assert book.find("+441632960001")["name"] == "Ann Example"        # nothing lost
    assert (tmp_path / (PHONEBOOK_NAME + ".damaged")).read_bytes() == damage
    assert reason in book.problem and "kept as phonebook.json.damaged" in book.problem
    assert "last good copy" in book.problem and "damaged" in caplog.text
    assert json.loads(path.read_text())["phonebook"]                  # the good rows are back


def test_a_second_damaged_file_does_not_overwrite_the_first(tmp_path):
    PhoneBook(tmp_path).add(ANN)
    path = tmp_path / PHONEBOOK_NAME
    for damage in (b"first", b"second"):
        path.write_bytes(damage)
        PhoneBook(tmp_path).entries()
    assert (tmp_path / "phonebook.json.damaged").read_bytes() == b"first"
    assert (tmp_path / "phonebook.json.damaged.2").read_bytes() == b"second"


def test_a_damaged_file_without_good_copy_starts_empty_and_is_kept(tmp_path):
    path = tmp_path / PHONEBOOK_NAME
    path.write_bytes(b"not json")
    book = PhoneBook(tmp_path)
    assert book.entries() == [] and "no good copy" in book.problem
    assert (tmp_path / "phonebook.json.damaged").read_bytes() == b"not json"
    book.add(ANN)
    assert PhoneBook(tmp_path).entries()[0]["name"] == "Ann Example"


def test_a_missing_file_comes_back_from_its_last_good_copy(tmp_path):
    PhoneBook(tmp_path).add(ANN)
    (tmp_path / PHONEBOOK_NAME).unlink()
    assert PhoneBook(tmp_path).find("01632960001")["name"] == "Ann Example"
    assert (tmp_path / PHONEBOOK_NAME).exists()


def test_a_change_by_another_process_is_seen(tmp_path):
    web, other = PhoneBook(tmp_path), PhoneBook(tmp_path)
    assert web.find("01632960001") is None
    other.add(ANN)
    assert web.find("01632960001")["name"] == "Ann Example"
