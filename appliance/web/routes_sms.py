"""Text messages to callers: which are sent, the business name, and each text per language.

The schema checks each template (known placeholders, one message once filled in with the longest
values); its message is shown beside the text it is about. Each text has an example filled in
with today's values so the owner reads what a caller would get.
"""
from __future__ import annotations

import bottle

from appliance.engine import sms_text
from appliance.engine.schedule import Schedule
from appliance.store.menu_schema import LANGUAGES
from appliance.web import forms
from appliance.web.context import WebContext
from appliance.web.i18n import N_, gettext_now

# labels in English, marked N_ for the catalogs; sms.tpl translates them with _()
KIND_WORDS = {"callback_confirm": (N_("Callback booked"),
                                   N_("sent when a caller books a callback: the number and the "
                                      "time we expect to call")),
              "missed_apology": (N_("Missed call"),
                                 N_("sent when a caller hangs up while waiting in the queue"))}
LANGUAGE_NAMES = {"en": N_("English"), "ru": N_("Russian"), "it": N_("Italian")}
EXAMPLE_NUMBER = "+441632960001"


def _example(template: str | None, settings: dict, language: str, now: float) -> str:
    """``template`` filled in as a caller would get it now (empty when it cannot be)."""
    if not template:
        return ""
    try:
        schedule = Schedule(settings["hours"])
        values = {"number": EXAMPLE_NUMBER,
                  "time": sms_text.dialback_time(schedule, now, 900, language),
                  "hours": sms_text.hours(schedule, now, language),
                  "business": settings["sms"]["sender_name"] or ""}
        return sms_text.render(template, values)
    except (KeyError, ValueError):
        return ""


def sms_page(ctx: WebContext, status: int = 200, **values):
    settings = ctx.store.load()
    templates = settings["sms"]["templates"]
    examples = {(kind, lang): _example(templates[kind][lang] or templates[kind]["en"], settings,
                                       lang, ctx.clock())
                for kind in sms_text.KINDS for lang in LANGUAGES}
    return ctx.render("sms.tpl", status=status, settings=settings, kinds=sms_text.KINDS,
                      kind_words=KIND_WORDS, languages=LANGUAGES, language_names=LANGUAGE_NAMES,
                      allowed=sms_text.ALLOWED, examples=examples, help=forms.help_for,
                      max_chars=sms_text.MAX_TEMPLATE_CHARS, **values)


def _sms(form, old: dict) -> dict:
    """The section from the form; an empty translation means "send the English text"."""
    templates = {}
    for kind in sms_text.KINDS:
        path = f"sms.templates.{kind}."
        templates[kind] = {lang: forms.text(form, path + lang, nullable=lang != "en")
                           for lang in old["templates"][kind]}
    return {**old, "callback_confirm": forms.checkbox(form, "sms.callback_confirm"),
            "missed_apology": forms.checkbox(form, "sms.missed_apology"),
            "sender_name": forms.text(form, "sms.sender_name", nullable=True),
            "templates": templates}


def save_sms(ctx: WebContext):
    form = bottle.request.forms.decode()
    return forms.save_or_explain(ctx, lambda s: {**s, "sms": _sms(form, s["sms"])}, sms_page,
                                 "/sms", gettext_now("Text messages saved."), form=form)


ROUTES = (("GET", "/sms", sms_page), ("POST", "/sms", save_sms))
