"""The phone book page: add, edit, delete, find, import (all or nothing) and export."""
from __future__ import annotations

from appliance.store.phonebook import PHONEBOOK_NAME
from tests.web.client import Client

GOOD = b"\xef\xbb\xbfnumber,name,company,notes\n+44 1632 960001,Ann Example,Example Ltd,\n" \
       b"01632 960002,Bruno Rossi,\"Rossi, Figli & Co\",VIP\n"


def book(web):
    return web[0].config["ivr.context"].phonebook


def test_the_phone_book_needs_the_login(web):
    stranger = Client(web[0])
    assert stranger.get("/phonebook").status == 303
    assert stranger.get("/phonebook.csv").status == 401
    assert stranger.post("/phonebook", {"number": "1", "name": "x"}).status in (401, 403)


def test_adding_editing_and_deleting_an_entry(owner, web):
    owner.get("/phonebook")
    reply = owner.post("/phonebook", {"number": "01632 960001", "name": "Ann Example",
                                      "company": "Example Ltd", "notes": ""})
    assert reply.status == 303
    page = owner.get("/phonebook").text
    assert "Ann Example added to the phone book" in page and "01632960001" in page
    assert book(web).find("+441632960001")["company"] == "Example Ltd"
    assert 'href="/phonebook?edit=01632960001"' in page
    edit = owner.get("/phonebook?edit=01632960001").text
    assert 'action="/phonebook/01632960001"' in edit
    reply = owner.post("/phonebook/01632960001", {"number": "+44 1632 960001", "name": "Ann E.",
                                                  "company": "", "notes": "prefers email"})
    assert reply.status == 303
    assert book(web).find("01632960001") == {"number": "+441632960001", "name": "Ann E.",
                                             "company": "", "notes": "prefers email"}
    owner.get("/phonebook")
    assert owner.post("/phonebook/+441632960001/delete").status == 303
    assert book(web).entries() == []
    owner.get("/phonebook")
    assert owner.post("/phonebook/+441632960001/delete").status == 400


def test_a_refused_entry_is_explained_and_what_was_typed_stays(owner, web):
    owner.get("/phonebook")
    owner.post("/phonebook", {"number": "+441632960001", "name": "Ann"})
    reply = owner.post("/phonebook", {"number": "01632 960001", "name": "Ann twice"})
    assert reply.status == 400
    assert "Not saved: 01632960001 is already in the phone book (Ann, +441632960001)" in reply.text
    assert 'value="Ann twice"' in reply.text
    reply = owner.post("/phonebook", {"number": "ring me", "name": "Bob"})
    assert reply.status == 400 and "is not a phone number" in reply.text
    assert len(book(web).entries()) == 1


def test_find_narrows_by_name_company_or_number(owner, web):
    book(web).import_csv(GOOD)
    page = owner.get("/phonebook?q=rossi").text
    assert "Bruno Rossi" in page and "Ann Example" not in page and "1 entry found" in page
    assert "Ann Example" in owner.get("/phonebook?q=960001").text


def test_a_good_csv_is_imported(owner, web):
    owner.get("/phonebook")
    reply = owner.upload("/phonebook/import", "csv", "book.csv", GOOD)
    assert reply.status == 303, reply.text
    assert "Imported: 2 added, 0 updated" in owner.get("/phonebook").text
    assert book(web).find("+441632960002")["company"] == "Rossi, Figli & Co"


def test_a_malformed_csv_is_refused_with_the_line_and_nothing_changes(owner, web, tmp_path):
    book(web).import_csv(GOOD)
    before = (tmp_path / PHONEBOOK_NAME).read_bytes()
    owner.get("/phonebook")
    reply = owner.upload("/phonebook/import", "csv", "book.csv",
                         b"number,name\n01632960009,Carla\nnot-a-number,Dan\n")
    assert reply.status == 400
    assert "The file was not imported, nothing changed: line 3: &#039;not-a-number&#039; is " \
           "not a phone number" in reply.text
    assert (tmp_path / PHONEBOOK_NAME).read_bytes() == before


def test_a_file_too_large_or_missing_is_refused(owner, web):
    owner.get("/phonebook")
    reply = owner.upload("/phonebook/import", "csv", "big.csv", b"number,name\n" + b"x" * 3 * 2 ** 20)
    assert reply.status == 400 and "too large" in reply.text
    assert owner.post("/phonebook/import", {}).status == 400
    assert book(web).entries() == []


def test_export_is_the_csv_import_reads(owner, web):
    book(web).import_csv(GOOD)
    reply = owner.get("/phonebook.csv")
    assert reply.status == 200 and "attachment" in reply.header("Content-Disposition")
    assert reply.text.startswith("\ufeffnumber,name,company,notes\r\n")
    assert '01632960002,Bruno Rossi,"Rossi, Figli & Co",VIP' in reply.text


def test_a_damaged_phone_book_is_said_on_the_page(owner, tmp_path):
    (tmp_path / PHONEBOOK_NAME).write_text("{broken")
    page = owner.get("/phonebook").text
    assert "phonebook.json is damaged" in page and "kept as phonebook.json.damaged" in page
