"""The phone book page: find, add, edit and delete entries; import and export CSV."""
from __future__ import annotations

import csv
import io
import urllib.parse

import bottle

from appliance.errors import PhoneBookError, StoreError
from appliance.store.phonebook import FIELDS
from appliance.store.phonebook_csv import HEADER, MAX_BYTES
from appliance.web import csvsafe
from appliance.web.context import WebContext, done
from appliance.web.i18n import gettext_now

SHOWN = 200
NUMBER = r"<number:re:\+?[0-9]{1,32}>"


def _matches(entry: dict, words: str) -> bool:
    text = " ".join(entry[field] for field in FIELDS).casefold()
    return all(word in text for word in words.casefold().split())


def _page(ctx: WebContext, status: int = 200, editing: str | None = None,
          form: dict | None = None, **values) -> str:
    """The page; ``form`` holds what was typed into a refused add (or, with ``editing``, edit)."""
    query = bottle.request.query
    search = (query.getunicode("q") or "").strip()
    found = [e for e in ctx.phonebook.entries() if _matches(e, search)]
    return ctx.render("phonebook.tpl", status=status, entries=found[:SHOWN], total=len(found),
                      search=search, editing=editing or query.getunicode("edit"),
                      form=form or {"number": query.getunicode("add") or ""},
                      problems=ctx.store_problems(), quote=urllib.parse.quote, **values)


def phonebook(ctx: WebContext):
    return _page(ctx)


def _entry(form) -> dict:
    return {field: form.getunicode(field, "") for field in FIELDS}


def _change(ctx: WebContext, action, message: str, **page_values):
    """Run ``action`` on the phone book; back to the page with ``message``, or the reason (400)."""
    try:
        action()
    except (PhoneBookError, StoreError) as exc:
        return _page(ctx, 400, error=gettext_now("Not saved: {why}.").format(why=exc),
                     **page_values)
    done("/phonebook", message)


def add(ctx: WebContext):
    entry = _entry(bottle.request.forms)
    return _change(ctx, lambda: ctx.phonebook.add(entry),
                   gettext_now("{name} added to the phone book.").format(
                       name=entry['name'] or entry['company']), form=entry)


def edit(ctx: WebContext, number: str):
    entry = _entry(bottle.request.forms)
    return _change(ctx, lambda: ctx.phonebook.edit(number, entry), gettext_now("{number} saved.").format(number=entry['number']),
                   editing=number, form=entry)


def delete(ctx: WebContext, number: str):
    return _change(ctx, lambda: ctx.phonebook.delete(number), gettext_now("{number} deleted.").format(number=number))


def import_csv(ctx: WebContext):
    too_large = gettext_now("The file is too large; the limit is {mb} MB. Nothing "
                            "changed.").format(mb=MAX_BYTES // 2 ** 20)
    if (bottle.request.content_length or 0) > MAX_BYTES + 64 * 1024:
        return _page(ctx, 400, error=too_large)
    upload = bottle.request.files.get("csv")
    if upload is None:
        return _page(ctx, 400, error=gettext_now("Choose a CSV file to import."))
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _page(ctx, 400, error=too_large)
    replace = bottle.request.forms.get("replace") == "on"
    try:
        added, updated = ctx.phonebook.import_csv(_unquoted(data), replace=replace)
    except (PhoneBookError, StoreError) as exc:
        return _page(ctx, 400, error=gettext_now("The file was not imported, nothing changed: "
                                                   "{why}.").format(why=exc))
    done("/phonebook", gettext_now("Imported: {added} added, {updated} updated").format(
        added=added, updated=updated)
        + (gettext_now(" (the phone book is now this file).") if replace else "."))


def _unquoted(data: bytes) -> bytes:
    """The file with the quotes the export put before ``+44...`` or ``=...`` taken off again
    (``csvsafe.plain``), so an export imports as it is; unchanged when it is not readable UTF-8
    CSV, which the import then explains, or when there is nothing to take off."""
    if b"'" not in data:
        return data
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error):
        return data
    plain = [[csvsafe.plain(cell) for cell in cells] for cells in rows]
    if plain == rows:
        return data
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(plain)      # one line per line: same numbers
    return out.getvalue().encode("utf-8")


def export_csv(ctx: WebContext):
    """The whole book (as ``phonebook_csv.export``: BOM, header) with every cell through
    ``csvsafe``: a name like ``=HYPERLINK(...)`` does not run, ``+44...`` stays text."""
    bottle.response.content_type = "text/csv; charset=utf-8"
    bottle.response.set_header("Content-Disposition", 'attachment; filename="phonebook.csv"')
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for entry in ctx.phonebook.entries():
        writer.writerow(csvsafe.row(entry.get(name) or "" for name in HEADER))
    return "\ufeff" + out.getvalue()


ROUTES = (("GET", "/phonebook", phonebook), ("POST", "/phonebook", add),
          ("GET", "/phonebook.csv", export_csv), ("POST", "/phonebook/import", import_csv),
          ("POST", f"/phonebook/{NUMBER}", edit), ("POST", f"/phonebook/{NUMBER}/delete", delete))
