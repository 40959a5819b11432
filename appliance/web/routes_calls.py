"""The call log: filters, paging, one call's detail, CSV export of the filtered set, recordings.

Dates typed in the filters and times shown are the office's (``hours.timezone``): "to
2026-11-23" runs to the office's midnight ending that day, summer time or not. The CSV keeps the
records' own UTC times (the columns of ``ivr-appliance calls --format csv``).
"""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import bottle

from appliance import present
from appliance.store import callstats
from appliance.store.calllog import CALL_FIELDS
from appliance.store.callsearch import CallFilter
from appliance.store.callstats import OUTCOMES
from appliance.web import csvsafe
from appliance.web.context import WebContext
from appliance.web.timeline import duration, local_time, timeline
from appliance.web.i18n import gettext_now

PAGE = 50
FILTERS = ("since", "until", "number", "operator", "queue", "outcome")


class BadFilter(ValueError):
    """A filter the owner typed that cannot be used; the message says which and why."""


FIRST_YEAR, LAST_YEAR = 2000, 2100      # the call log's dates; others are a typo or a probe


def _day(text: str, label: str, zone: str, next_day: bool = False) -> str | None:
    """A date (the office's midnight; the next one for ``next_day``) or a time as canonical UTC."""
    if not text:
        return None
    try:
        if not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
            raise BadFilter(f"{label}: '{text[:30]}' is outside {FIRST_YEAR}-{LAST_YEAR}")
        if next_day and len(text) == 10:
            return callstats.local_midnight(date.fromisoformat(text) + timedelta(days=1), zone)
        return callstats.local_bound(text, zone)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, BadFilter):
            raise
        raise BadFilter(f"{label}: '{text[:30]}' is not a date; use e.g. 2026-11-23") from None


def read_filter(query, zone: str = "UTC") -> CallFilter:
    """The filter in the query string, dates in ``zone``; ``until`` includes that whole day."""
    values = {name: (query.getunicode(name) or "").strip() for name in FILTERS}
    return CallFilter(since=_day(values["since"], "From", zone),
                      until=_day(values["until"], "To", zone, next_day=True),
                      number=values["number"] or None, operator=values["operator"] or None,
                      queue=values["queue"] or None, outcome=values["outcome"] or None)


def csv_rows(records, every: int = 500):
    """The CSV of ``ivr-appliance calls --format csv``, every row made formula-safe, produced
    piece by piece so a year of calls streams without a year of memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csvsafe.row(list(CALL_FIELDS)))
    for index, record in enumerate(records):
        writer.writerow(csvsafe.row([present.csv_cell(record.get(name)) for name in CALL_FIELDS]))
        if index % every == every - 1:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _zone(ctx: WebContext, settings: dict | None = None) -> str:
    return ((settings or ctx.store.load()).get("hours") or {}).get("timezone") or "UTC"


def _page_values(ctx: WebContext) -> dict:
    query = bottle.request.query
    text = query.get("page", "1")
    page = int(text) if text.isdigit() and len(text) < 9 else 1
    settings = ctx.store.load()
    zone = _zone(ctx, settings)
    values = {"form": {name: query.getunicode(name) or "" for name in FILTERS}, "page": page,
              "operators": [op["id"] for op in settings["operators"]],
              "queues": sorted(settings["queues"]), "outcomes": OUTCOMES, "zone": zone,
              "when": lambda stamp: local_time(stamp, zone),
              "duration": duration, "calls": [], "total": 0, "pages": 1, "query": ""}
    flt = read_filter(query, zone)
    values["total"] = ctx.calllog.search_count(flt)
    values["pages"] = max(1, -(-values["total"] // PAGE))
    values["page"] = page = min(max(1, page), values["pages"])
    values["calls"] = ctx.calllog.search(flt, limit=PAGE, offset=(page - 1) * PAGE)
    values["query"] = bottle.urlencode([(k, v) for k, v in values["form"].items() if v])
    return values


def calls(ctx: WebContext):
    try:
        return ctx.render("calls.tpl", **_page_values(ctx))
    except BadFilter as exc:
        return ctx.render("calls.tpl", status=400, error=str(exc), calls=[], total=0, pages=1,
                          page=1, query="", duration=duration, outcomes=OUTCOMES,
                          operators=[], queues=[], zone=_zone(ctx), when=local_time,
                          form={n: bottle.request.query.getunicode(n) or "" for n in FILTERS})


def export(ctx: WebContext):
    try:
        flt = read_filter(bottle.request.query, _zone(ctx))
    except BadFilter as exc:
        raise bottle.HTTPError(400, str(exc)) from None
    bottle.response.content_type = "text/csv; charset=utf-8"
    bottle.response.set_header("Content-Disposition", 'attachment; filename="calls.csv"')
    return csv_rows(ctx.calllog.search_all(flt))


def detail(ctx: WebContext, call_id: str):
    record = ctx.notes.with_notes(ctx.calllog.get(call_id))
    if record is None:
        raise bottle.HTTPError(404, gettext_now("There is no call {id} in the log.").format(
            id=call_id))
    zone = _zone(ctx)
    return ctx.render("call.tpl", call=record, steps=timeline(record, zone), duration=duration,
                      zone=zone, when=lambda stamp: local_time(stamp, zone))


def media(ctx: WebContext, path: str):
    """A recording or voicemail, only from inside the data folder."""
    if "\x00" in path:
        raise bottle.HTTPError(404, "No such recording.")
    root = ctx.data_dir.resolve()
    target = (root / path).resolve()
    if not path.endswith(".wav") or root not in target.parents:
        raise bottle.HTTPError(404, "No such recording.")
    return bottle.static_file(str(target.relative_to(root)), root=str(root), mimetype="audio/wav")


ROUTES = (("GET", "/calls", calls), ("GET", "/calls.csv", export),
          ("GET", "/calls/<call_id:re:[A-Za-z0-9_.:-]+>", detail),
          ("GET", "/media/<path:path>", media))

