"""Operators: add, edit and remove (up to 20), with handset, queues, enabled and paused."""
from __future__ import annotations

import bottle

from appliance.errors import SettingsError
from appliance.web import forms
from appliance.web.context import WebContext, done

MAX_OPERATORS = 20


def _from_form(form, old: dict | None) -> dict:
    operator = dict(old or {})
    operator.update({
        "id": forms.text(form, "id") if old is None else old["id"],
        "name": forms.text(form, "name") or (old or {}).get("id") or forms.text(form, "id"),
        "handset": forms.number(form, "handset"),
        "queues": form.getall("queue"),
        "enabled": forms.checkbox(form, "enabled"),
        "paused": forms.checkbox(form, "paused"),
    })
    return operator


def _index(settings: dict, operator_id: str) -> int:
    for index, operator in enumerate(settings["operators"]):
        if operator["id"] == operator_id:
            return index
    raise bottle.HTTPError(404, f"There is no operator {operator_id}.")


def _page(ctx: WebContext, status: int = 200, **values) -> str:
    settings = ctx.store.load()
    return ctx.render("operators.tpl", status=status, operators=settings["operators"],
                      queues=sorted(settings["queues"]), count=settings["handsets"]["count"],
                      help=forms.help_for, **{"form": {}, "editing": None, **values})


def operators(ctx: WebContext):
    return _page(ctx, editing=bottle.request.query.get("edit"))


def add(ctx: WebContext):
    form = bottle.request.forms.decode()
    settings = ctx.store.load()
    try:
        if len(settings["operators"]) >= MAX_OPERATORS:
            raise SettingsError(f"There are already {MAX_OPERATORS} operators, the most the "
                                "appliance has handsets for. Remove one first.")
        new = _from_form(form, None)
        ctx.save({**settings, "operators": settings["operators"] + [new]})
    except SettingsError as exc:
        return _page(ctx, 400, error=str(exc), error_at=forms.error_path(str(exc)),
                     form=dict(form))
    done("/operators", f"Operator {new['name']} added.")


def edit(ctx: WebContext, operator_id: str):
    form = bottle.request.forms.decode()
    settings = ctx.store.load()
    index = _index(settings, operator_id)
    operators = list(settings["operators"])
    try:
        operators[index] = _from_form(form, operators[index])
        ctx.save({**settings, "operators": operators})
    except SettingsError as exc:
        return _page(ctx, 400, error=str(exc), error_at=forms.error_path(str(exc)),
                     editing=operator_id)
    done("/operators", f"Operator {operator_id} saved.")


def remove(ctx: WebContext, operator_id: str):
    settings = ctx.store.load()
    index = _index(settings, operator_id)
    operators = settings["operators"][:index] + settings["operators"][index + 1:]
    try:
        ctx.save({**settings, "operators": operators})
    except SettingsError as exc:
        return _page(ctx, 400, error=str(exc))
    done("/operators", f"Operator {operator_id} removed.")


OPERATOR = "<operator_id:re:[A-Za-z0-9_-]+>"
ROUTES = (("GET", "/operators", operators), ("POST", "/operators", add),
          ("POST", f"/operators/{OPERATOR}", edit), ("POST", f"/operators/{OPERATOR}/delete", remove))

