"""The operator page (``/operator``): pick your desk phone, see who is calling and what they
called about before, write notes about the call. ``/operator/live`` is the part that refreshes."""
from __future__ import annotations

import urllib.parse

import bottle

from appliance import timefmt
from appliance.present import duration
from appliance.web import desk
from appliance.web.context import WebContext, done, set_cookie
from appliance.web.i18n import gettext_now

HANDSET_COOKIE = "ivr_handset"
YEAR_S = 365 * 86400


def _handset(ctx: WebContext, count: int) -> int | None:
    """The desk phone asked for (query string, then remembered in a cookie), if one is fitted."""
    asked = bottle.request.query.get("handset")
    text = asked or bottle.request.get_cookie(HANDSET_COOKIE) or ""
    if not text.isdigit() or not 1 <= int(text) <= count:
        return None
    if asked:
        set_cookie(HANDSET_COOKIE, text, YEAR_S)
    return int(text)


def _values(ctx: WebContext) -> dict:
    settings, snap = ctx.store.load(), ctx.snapshot()
    handset = _handset(ctx, settings["handsets"]["count"])
    values = {"snap": snap, "handset": handset, "handsets": desk.handsets(settings, snap),
              "duration": duration, "quote": urllib.parse.quote, "call": None, "entry": None,
              "who": None, "recent": [], "callbacks": [], "target": None, "operator": None}
    if handset is not None:
        values.update(_call_values(ctx, snap, handset))
    return values


def _call_values(ctx: WebContext, snap: dict | None, handset: int) -> dict:
    operator = desk.operator_at(snap, handset)
    call = desk.current_call(snap, handset, ctx.calllog)
    target = ({"id": call["call_id"], "caller": call["caller"], "live": True} if call and call["call_id"]
              else _last(ctx, operator))
    caller = call["caller"] if call else (target or {}).get("caller")
    recent, callbacks = desk.history(ctx, caller, (target or {}).get("id"))
    if target:
        target["notes"] = ctx.notes.get(target["id"]) or ""
    entry = ctx.phonebook.find(caller)
    return {"operator": operator, "call": call, "entry": entry, "who": _who(entry, caller),
            "recent": recent, "callbacks": callbacks, "target": target}


def _who(entry: dict | None, caller: str | None) -> str:
    """The caller as the operator would greet them: name, else company, else the number."""
    return (entry and (entry["name"] or entry["company"])) or caller or "Withheld number"


def _last(ctx: WebContext, operator: dict | None) -> dict | None:
    record = desk.last_call(ctx.calllog, operator["id"] if operator else None)
    if record is None:
        return None
    return {"id": record["id"], "caller": record.get("caller"), "live": False,
            "started_at": record["started_at"]}


def operator_page(ctx: WebContext):
    values = _values(ctx)
    return ctx.render("desk.tpl", refresh=None if values["call"] else 10,
                      problems=ctx.store_problems(), **values)


def operator_live(ctx: WebContext):
    bottle.response.set_header("Cache-Control", "no-store")
    return ctx.render("desk_live.tpl", **_values(ctx))


def _known(ctx: WebContext, call_id: str) -> bool:
    """A call in the log, or one live now (a note may be written while the phone rings)."""
    if ctx.calllog.get(call_id) is not None:
        return True
    snap = ctx.snapshot() or {"lines": [], "queues": {}}
    live = {line.get("call_id") for line in snap["lines"]}
    return call_id in live | {m["call_id"] for ms in snap["queues"].values() for m in ms}


def save_notes(ctx: WebContext, call_id: str):
    """Keep the notes of a call; back to the operator page or the call's page."""
    if not _known(ctx, call_id):
        raise bottle.HTTPError(404, gettext_now("There is no call {id}.").format(id=call_id))
    form = bottle.request.forms
    try:
        ctx.notes.save(call_id, form.getunicode("notes", ""), timefmt.iso(ctx.clock()))
    except ValueError as exc:
        raise bottle.HTTPError(400, gettext_now("The notes were not saved: {why}.").format(
            why=exc)) from None
    back = "/operator" if form.getunicode("then") == "operator" else f"/calls/{call_id}"
    done(back, gettext_now("Notes saved."))


CALL = "<call_id:re:[A-Za-z0-9_.:-]+>"
ROUTES = (("GET", "/operator", operator_page), ("GET", "/operator/live", operator_live),
          ("POST", f"/calls/{CALL}/notes", save_notes))
