"""Queues (strategy, ring timeout, wrap-up, announcements, callback threshold and retries), and
opening hours, holidays and what callers hear when closed."""
from __future__ import annotations

import re

import bottle

from appliance.errors import SettingsError
from appliance.store.schema import DAYS, STRATEGIES
from appliance.web import forms
from appliance.web.context import WebContext

DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                            "Sunday")))


def _queue(form, name: str, old: dict) -> dict:
    path = f"queues.{name}."
    return {**old,
            "strategy": forms.text(form, path + "strategy"),
            "ring_timeout_s": forms.number(form, path + "ring_timeout_s"),
            "wrapup_s": forms.number(form, path + "wrapup_s"),
            "announce_position": forms.checkbox(form, path + "announce_position"),
            "announce_wait": forms.checkbox(form, path + "announce_wait"),
            "announce_every_s": forms.number(form, path + "announce_every_s"),
            "callback_offer_after_s": forms.number(form, path + "callback_offer_after_s",
                                                   nullable=True)}


def _callbacks(form, old: dict) -> dict:
    return {**old, "max_attempts": forms.number(form, "callbacks.max_attempts"),
            "retry_after_s": forms.number(form, "callbacks.retry_after_s")}


def _ranges(text: str, day: str) -> list[list[str]]:
    """``09:00-12:30, 13:30-17:00`` as ``[["09:00", "12:30"], ...]``; empty means closed."""
    ranges = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        found = re.fullmatch(r"(\d{1,2}:\d\d)\s*[-–]\s*(\d{1,2}:\d\d)", part)
        if not found:
            raise SettingsError(f"Setting 'hours.weekly.{day}' must be time ranges like "
                                f"09:00-17:30, separated by commas (got \"{part[:20]}\")")
        ranges.append([moment.zfill(5) for moment in found.groups()])
    return ranges


def _hours(form, old: dict) -> dict:
    weekly = None if forms.checkbox(form, "hours.always_open") else {
        day: _ranges(form.get(f"hours.weekly.{day}") or "", day) for day in DAYS}
    holidays = [d for d in re.split(r"[,\s]+", form.get("hours.holidays") or "") if d]
    return {**old, "timezone": forms.text(form, "hours.timezone"), "weekly": weekly,
            "holidays": holidays, "closed_prompt": forms.text(form, "hours.closed_prompt")}


def _show_ranges(ranges: list) -> str:
    return ", ".join(f"{start}-{end}" for start, end in ranges)


def queues_page(ctx: WebContext, status: int = 200, **values):
    return ctx.render("queues.tpl", status=status, settings=ctx.store.load(),
                      strategies=STRATEGIES, help=forms.help_for, **values)


def hours_page(ctx: WebContext, status: int = 200, **values):
    return ctx.render("hours.tpl", status=status, settings=ctx.store.load(), days=DAY_NAMES,
                      show=_show_ranges, help=forms.help_for, **values)


def save_queues(ctx: WebContext):
    form = bottle.request.forms.decode()

    def change(settings: dict) -> dict:
        queues = {name: _queue(form, name, old) for name, old in settings["queues"].items()}
        return {**settings, "queues": queues, "callbacks": _callbacks(form, settings["callbacks"])}
    return forms.save_or_explain(ctx, change, queues_page, "/queues", "Queues saved.")


def save_hours(ctx: WebContext):
    form = bottle.request.forms.decode()
    return forms.save_or_explain(ctx, lambda s: {**s, "hours": _hours(form, s["hours"])},
                                 hours_page, "/hours", "Opening hours saved.")


ROUTES = (("GET", "/queues", queues_page), ("POST", "/queues", save_queues),
          ("GET", "/hours", hours_page), ("POST", "/hours", save_hours))

