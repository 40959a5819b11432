"""The voice menu editor: greeting, options and what each does, timeouts, retries, fallback."""
from __future__ import annotations

import bottle

from appliance.web import forms, menu_form
from appliance.web.context import WebContext
from appliance.web.i18n import gettext_now


def _fallback(value: str) -> dict:
    kind, _, queue = value.partition(":")
    return {"action": "queue", "queue": queue} if kind == "queue" else {"action": "goodbye"}


def _menu(form, old: dict) -> dict:
    return {**old,
            "greeting": forms.text(form, "menu.greeting"),
            "timeout_s": forms.number(form, "menu.timeout_s"),
            "max_tries": forms.number(form, "menu.max_tries"),
            "fallback": _fallback(form.get("menu.fallback") or "goodbye"),
            "root": menu_form.parse(form, old["root"])}


def menu_page(ctx: WebContext, status: int = 200, **values):
    settings = ctx.store.load()
    menu, queues = settings["menu"], sorted(settings["queues"])
    return ctx.render("menu.tpl", status=status, menu=menu, nodes=menu_form.flatten(menu["root"]),
                      choices=menu_form.choices(queues), choice_of=menu_form.choice_of,
                      queues=queues, help=forms.help_for, **{"typed": forms.Typed(), **values})


def save_menu(ctx: WebContext):
    form = bottle.request.forms.decode()

    def page(ctx, status, **values):
        """The schema names ``menu.root.options.2.queue``; the form's field is ``root.opt.1.do``."""
        values["error_at"] = menu_form.form_path(values.get("error_at"), form)
        return menu_page(ctx, status, **values)
    return forms.save_or_explain(ctx, lambda s: {**s, "menu": _menu(form, s["menu"])}, page,
                                 "/menu", gettext_now("Voice menu saved. New calls hear it from now on."),
                                 form=form)


ROUTES = (("GET", "/menu", menu_page), ("POST", "/menu", save_menu))

