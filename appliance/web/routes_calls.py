"""The call log: filters, paging, one call's detail, CSV export of the filtered set, recordings."""
from __future__ import annotations

import bottle

from appliance import present, timefmt
from appliance.store.callsearch import CallFilter
from appliance.store.callstats import OUTCOMES
from appliance.web.context import WebContext
from appliance.web.timeline import duration, timeline

PAGE = 50
FILTERS = ("since", "until", "number", "operator", "queue", "outcome")


class BadFilter(ValueError):
    """A filter the owner typed that cannot be used; the message says which and why."""


def _day(text: str, label: str, next_day: bool = False) -> str | None:
    if not text:
        return None
    try:
        moment = timefmt.parse(text)
    except ValueError:
        raise BadFilter(f"{label}: '{text[:30]}' is not a date; use e.g. 2026-11-23") from None
    return timefmt.iso(moment + (86400 if next_day and len(text.strip()) == 10 else 0))


def read_filter(query) -> CallFilter:
    """The filter in the query string; ``until`` is inclusive of that whole day."""
    values = {name: (query.getunicode(name) or "").strip() for name in FILTERS}
    return CallFilter(since=_day(values["since"], "From"),
                      until=_day(values["until"], "To", next_day=True),
                      number=values["number"] or None, operator=values["operator"] or None,
                      queue=values["queue"] or None, outcome=values["outcome"] or None)


def csv_rows(records):
    """The CSV of ``ivr-appliance calls --format csv``, produced piece by piece."""
    return present.csv_chunks(records)


def _page_values(ctx: WebContext) -> dict:
    query = bottle.request.query
    page = max(1, int(query.get("page", "1")) if query.get("page", "1").isdigit() else 1)
    settings = ctx.store.load()
    values = {"form": {name: query.getunicode(name) or "" for name in FILTERS}, "page": page,
              "operators": [op["id"] for op in settings["operators"]],
              "queues": sorted(settings["queues"]), "outcomes": OUTCOMES,
              "duration": duration, "calls": [], "total": 0, "pages": 1, "query": ""}
    flt = read_filter(query)
    values["total"] = ctx.calllog.search_count(flt)
    values["pages"] = max(1, -(-values["total"] // PAGE))
    values["calls"] = ctx.calllog.search(flt, limit=PAGE, offset=(page - 1) * PAGE)
    values["query"] = bottle.urlencode([(k, v) for k, v in values["form"].items() if v])
    return values


def calls(ctx: WebContext):
    try:
        return ctx.render("calls.tpl", **_page_values(ctx))
    except BadFilter as exc:
        return ctx.render("calls.tpl", status=400, error=str(exc), calls=[], total=0, pages=1,
                          page=1, query="", duration=duration, outcomes=OUTCOMES,
                          operators=[], queues=[],
                          form={n: bottle.request.query.getunicode(n) or "" for n in FILTERS})


def export(ctx: WebContext):
    try:
        flt = read_filter(bottle.request.query)
    except BadFilter as exc:
        raise bottle.HTTPError(400, str(exc)) from None
    bottle.response.content_type = "text/csv; charset=utf-8"
    bottle.response.set_header("Content-Disposition", 'attachment; filename="calls.csv"')
    return csv_rows(ctx.calllog.search_all(flt))


def detail(ctx: WebContext, call_id: str):
    record = ctx.notes.with_notes(ctx.calllog.get(call_id))
    if record is None:
        raise bottle.HTTPError(404, f"There is no call {call_id} in the log.")
    return ctx.render("call.tpl", call=record, steps=timeline(record), duration=duration)


def media(ctx: WebContext, path: str):
    """A recording or voicemail, only from inside the data folder."""
    root = ctx.data_dir.resolve()
    target = (root / path).resolve()
    if not path.endswith(".wav") or root not in target.parents:
        raise bottle.HTTPError(404, "No such recording.")
    return bottle.static_file(str(target.relative_to(root)), root=str(root), mimetype="audio/wav")


ROUTES = (("GET", "/calls", calls), ("GET", "/calls.csv", export),
          ("GET", "/calls/<call_id:re:[A-Za-z0-9_.:-]+>", detail),
          ("GET", "/media/<path:path>", media))

