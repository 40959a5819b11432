"""Operators: add, edit and remove (up to 20), with handset, queues, enabled and paused; the number
of desk phones fitted. Removing, or a save after which nobody takes calls, is confirmed first."""
from __future__ import annotations

import bottle

from appliance.errors import SettingsError
from appliance.web import forms
from appliance.web.context import WebContext
from appliance.web.i18n import gettext_now

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
    raise bottle.HTTPError(404, gettext_now("There is no operator {id}.").format(id=operator_id))


def _fate(queue: dict, name: str) -> str:
    """What a caller of queue ``name`` gets while no operator is there to take them."""
    overflow = (queue["overflow"] or {}).get("action")
    then = {"voicemail": "can leave a voicemail", "callback_offer": "are offered a callback",
            "goodbye": "hear goodbye and are hung up on",
            "queue": f"move to queue {(queue['overflow'] or {}).get('queue')}"}.get(overflow)
    if queue["leave_when_empty"]:
        return f"in queue {name} {then or 'hear goodbye and are hung up on'} at once"
    if queue["max_wait_s"] is not None and then:
        return f"in queue {name} wait {queue['max_wait_s']:g} s and then {then}"
    return f"in queue {name} wait until they give up and hang up"


def nobody_answers(doc: dict) -> str | None:
    """The question to ask before saving settings in which no enabled operator is left."""
    if any(op["enabled"] for op in doc["operators"]):
        return None
    fates = "; ".join(_fate(queue, name) for name, queue in sorted(doc["queues"].items()))
    return (f"Nobody will be offered calls: no operator is left enabled. Callers will hear the "
            f"greeting and the menu, then those {fates}.")


def _page(ctx: WebContext, status: int = 200, **values) -> str:
    settings = ctx.store.load()
    return ctx.render("operators.tpl", status=status, operators=settings["operators"],
                      queues=sorted(settings["queues"]), count=settings["handsets"]["count"],
                      help=forms.help_for,
                      **{"editing": None, "removing": None, "add_typed": forms.Typed(),
                         "edit_typed": forms.Typed(), "confirm_form": "", **values})


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
                                 lambda: gettext_now("Operator {name} added.").format(name=added[0]['name']), form=form,
                                 ask=nobody_answers, add_typed=forms.Typed(form),
                                 confirm_form="add-operator",
                                 confirm_label=gettext_now("Yes, add the operator anyway"))


def edit(ctx: WebContext, operator_id: str):
    form = bottle.request.forms.decode()

    def change(settings: dict) -> dict:
        operators = list(settings["operators"])
        index = _index(settings, operator_id)
        operators[index] = _from_form(form, operators[index])
        return {**settings, "operators": operators}
    return forms.save_or_explain(ctx, change, _page, "/operators",
                                 gettext_now("Operator {id} saved.").format(id=operator_id),
                                 editing=operator_id, form=form,
                                 ask=nobody_answers, edit_typed=forms.Typed(form),
                                 confirm_form="edit-operator",
                                 confirm_label=gettext_now("Yes, save: nobody takes calls"))


def remove(ctx: WebContext, operator_id: str):
    """Without ``confirmed=1``: the confirmation, saying what removing them means."""
    form = bottle.request.forms.decode()
    settings = ctx.store.load()
    index = _index(settings, operator_id)

    def change(settings: dict) -> dict:
        index = _index(settings, operator_id)
        return {**settings, "operators": settings["operators"][:index] + settings["operators"][index + 1:]}
    if not forms.confirmed(form):
        left = change(settings)
        return _page(ctx, removing=settings["operators"][index], consequence=nobody_answers(left))
    return forms.save_or_explain(ctx, change, _page, "/operators",
                                 gettext_now("Operator {id} removed.").format(id=operator_id))


def save_count(ctx: WebContext):
    """How many desk phones are fitted; never fewer than an operator's own phone number."""
    form = bottle.request.forms.decode()

    def change(settings: dict) -> dict:
        count = forms.number(form, "handsets.count")
        for op in settings["operators"]:
            if isinstance(count, (int, float)) and op["handset"] > count:
                raise SettingsError(
                    f"Setting 'handsets.count' cannot be {count:g}: operator {op['id']} "
                    f"({op['name']}) has desk phone {op['handset']}. Give them a phone from 1 to "
                    f"{count:g} first, or remove them.")
        return {**settings, "handsets": {**settings["handsets"], "count": count}}
    return forms.save_or_explain(ctx, change, _page, "/operators",
                                 lambda: gettext_now("Number of desk phones saved."), form=form)


OPERATOR = "<operator_id:re:[A-Za-z0-9_-]+>"
ROUTES = (("GET", "/operators", operators), ("POST", "/operators", add),
          ("POST", "/operators/phones/count", save_count),
          ("POST", f"/operators/{OPERATOR}", edit), ("POST", f"/operators/{OPERATOR}/delete", remove))
