"""Operators: add, edit and remove (up to 20), with handset, queues, enabled and paused."""
from __future__ import annotations

import bottle

from appliance.errors import SettingsError
from appliance.web import forms
from appliance.web.context import WebContext

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
    added = []

    def change(settings: dict) -> dict:
        if len(settings["operators"]) >= MAX_OPERATORS:
            raise SettingsError(f"There are already {MAX_OPERATORS} operators, the most the "
                                "appliance has handsets for. Remove one first.")
        added.append(_from_form(form, None))
        return {**settings, "operators": settings["operators"] + added}
    return forms.save_or_explain(ctx, change, _page, "/operators",
                                 lambda: f"Operator {added[0]['name']} added.", form=dict(form))


def edit(ctx: WebContext, operator_id: str):
    form = bottle.request.forms.decode()

    def change(settings: dict) -> dict:
        operators = list(settings["operators"])
        index = _index(settings, operator_id)
        operators[index] = _from_form(form, operators[index])
        return {**settings, "operators": operators}
    return forms.save_or_explain(ctx, change, _page, "/operators",
                                 f"Operator {operator_id} saved.", editing=operator_id)


def remove(ctx: WebContext, operator_id: str):
    def change(settings: dict) -> dict:
        index = _index(settings, operator_id)
        return {**settings, "operators": settings["operators"][:index] + settings["operators"][index + 1:]}
    return forms.save_or_explain(ctx, change, _page, "/operators", f"Operator {operator_id} removed.")


OPERATOR = "<operator_id:re:[A-Za-z0-9_-]+>"
ROUTES = (("GET", "/operators", operators), ("POST", "/operators", add),
          ("POST", f"/operators/{OPERATOR}", edit), ("POST", f"/operators/{OPERATOR}/delete", remove))

