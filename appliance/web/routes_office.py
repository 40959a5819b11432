"""Queues (add, rename, remove, and every setting of each), and opening hours, holidays and what
callers hear when closed."""
from __future__ import annotations

import re

import bottle

from appliance.errors import SettingsError
from appliance.store import menu_schema
from appliance.store.fields import NAME
from appliance.store.schema import DAYS, OVERFLOW_ACTIONS, STRATEGIES
from appliance.web import forms
from appliance.web.context import WebContext
from appliance.web.i18n import N_, gettext_now

# labels in English, marked N_ for the catalogs; the templates translate them with _()
DAY_NAMES = dict(zip(DAYS, (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
                            N_("Friday"), N_("Saturday"), N_("Sunday"))))
STRATEGY_LABELS = {"lru": N_("Idle longest (lru)"), "fewest_calls": N_("Fewest calls today"),
                   "random": N_("Random"), "ring_all": N_("All phones at once")}
OVERFLOW_LABELS = {"voicemail": N_("Leave a voicemail"), "callback_offer": N_("Offer a callback"),
                   "goodbye": N_("Say goodbye and hang up")}


# ---- a queue from the form ------------------------------------------------------------------------

def _overflow(form, path: str):
    kind, _, target = (form.get(path) or "").partition(":")
    if not kind:
        return None
    return {"action": "queue", "queue": target} if kind == "queue" else {"action": kind}


def _queue(form, name: str, old: dict) -> dict:
    path = f"queues.{name}."
    number = forms.number
    return {**old,
            "strategy": forms.text(form, path + "strategy"),
            "ring_timeout_s": number(form, path + "ring_timeout_s"),
            "wrapup_s": number(form, path + "wrapup_s"),
            "announce_position": forms.checkbox(form, path + "announce_position"),
            "announce_wait": forms.checkbox(form, path + "announce_wait"),
            "announce_every_s": number(form, path + "announce_every_s"),
            "callback_offer_after_s": number(form, path + "callback_offer_after_s", nullable=True),
            "autopause_after_missed": number(form, path + "autopause_after_missed"),
            "escalate_to": forms.text(form, path + "escalate_to", nullable=True),
            "escalate_after_s": number(form, path + "escalate_after_s", nullable=True),
            "max_wait_s": number(form, path + "max_wait_s", nullable=True),
            "overflow": _overflow(form, path + "overflow"),
            "leave_when_empty": forms.checkbox(form, path + "leave_when_empty"),
            "default_handle_s": number(form, path + "default_handle_s"),
            "service_level_s": number(form, path + "service_level_s", nullable=True)}


def _callbacks(form, old: dict) -> dict:
    return {**old, "max_attempts": forms.number(form, "callbacks.max_attempts"),
            "retry_after_s": forms.number(form, "callbacks.retry_after_s"),
            "answer_timeout_s": forms.number(form, "callbacks.answer_timeout_s"),
            "close_margin_s": forms.number(form, "callbacks.close_margin_s")}


def _reports(form, old: dict) -> dict:
    return {**old, "service_level_s": forms.number(form, "reports.service_level_s"),
            "missed_rings_flag": forms.number(form, "reports.missed_rings_flag")}


def check_name(name: str, path: str, taken) -> str:
    """A queue name as the schema wants it (it is a key in call records), and a new one."""
    if not re.fullmatch(NAME[0], name):
        raise SettingsError(f"Setting '{path}' is not a valid queue name (got \"{name[:30]}\"): "
                            f"use only {NAME[1]}")
    if name in taken:
        raise SettingsError(f"Setting '{path}' is '{name}', but there is already a queue "
                            f"'{name}'")
    return name


# ---- renaming: every reference moves with the queue -----------------------------------------------

def _moved(action: dict, renames: dict) -> dict:
    if action.get("action") == "queue" and action.get("queue") in renames:
        return {**action, "queue": renames[action["queue"]]}
    if action.get("action") == "submenu":
        return {**action, "menu": _moved_node(action["menu"], renames)}
    return action


def _moved_node(node: dict, renames: dict) -> dict:
    node = {**node, "options": {k: _moved(a, renames) for k, a in node["options"].items()}}
    if "fallback" in node:
        node["fallback"] = _moved(node["fallback"], renames)
    return node


def rename_queues(doc: dict, renames: dict) -> dict:
    """``doc`` with queues renamed (``{old: new}``) and every reference to them moved along:
    operators' queues, the voice menu, other queues' escalation and overflow targets."""
    if not renames:
        return doc
    new = lambda name: renames.get(name, name)                        # noqa: E731
    queues = {}
    for name, queue in doc["queues"].items():
        overflow = queue.get("overflow")
        if overflow and overflow.get("queue"):
            overflow = {**overflow, "queue": new(overflow["queue"])}
        queues[new(name)] = {**queue, "escalate_to": queue.get("escalate_to") and
                             new(queue["escalate_to"]), "overflow": overflow}
    operators = [{**op, "queues": [new(q) for q in op["queues"]]} for op in doc["operators"]]
    menu = {**doc["menu"], "fallback": _moved(doc["menu"]["fallback"], renames),
            "root": _moved_node(doc["menu"]["root"], renames)}
    return {**doc, "queues": queues, "operators": operators, "menu": menu}


def _renames(form, queues) -> dict:
    renames, final = {}, set()
    for name in queues:
        typed = (form.get(f"queues.{name}.name") or name).strip()
        if typed != name:
            others = {q for q in queues if q != name and q not in renames}
            renames[name] = check_name(typed, f"queues.{name}.name", others | final)
        final.add(renames.get(name, name))
    return renames


# ---- removing: only what nothing points at --------------------------------------------------------

def _menu_place(path: str) -> str:
    """``menu.root.options.2.menu.options.1.queue`` as "the voice menu, Main menu › key 2 › key 1"."""
    if path.startswith("menu.fallback"):
        return "the voice menu's fallback"
    keys = re.findall(r"options\.([^.]+)", path)
    where = " › ".join(["Main menu"] + [f"key {k}" for k in keys])
    if path.endswith("fallback.queue"):
        where += " (its fallback)"
    return "the voice menu, " + where


def pointing_at(doc: dict, name: str) -> list[str]:
    """Where the settings send callers to queue ``name``, in the owner's words."""
    found = [_menu_place(path) for path, queue in menu_schema.queue_refs(doc["menu"]) if queue == name]
    for other, queue in doc["queues"].items():
        if other == name:
            continue
        if queue["escalate_to"] == name:
            found.append(f"queue {other} (escalates to it)")
        if (queue["overflow"] or {}).get("queue") == name:
            found.append(f"queue {other} (overflows to it)")
    return found


def removal_blockers(doc: dict, name: str) -> list[str]:
    """Why ``name`` cannot be removed: what points at it, operators who serve only it, the last
    queue. Empty when it can go."""
    if len(doc["queues"]) == 1:
        return ["it is the only queue: callers need at least one"]
    blockers = [f"{where} sends callers there" for where in pointing_at(doc, name)]
    blockers += [f"operator {op['id']} serves only this queue (give them another first)"
                 for op in doc["operators"] if op["queues"] == [name]]
    return blockers


def without_queue(doc: dict, name: str) -> dict:
    queues = {q: v for q, v in doc["queues"].items() if q != name}
    operators = [{**op, "queues": [q for q in op["queues"] if q != name]} for op in doc["operators"]]
    return {**doc, "queues": queues, "operators": operators}


# ---- hours ----------------------------------------------------------------------------------------

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


def closed_all_week(doc: dict) -> str | None:
    """The question to ask before saving a week without a single opening time."""
    weekly = doc["hours"]["weekly"]
    if weekly is None or any(weekly.get(day) for day in DAYS):
        return None
    return ("The office will be closed all week: every caller hears the closed message "
            f"(prompt '{doc['hours']['closed_prompt']}') and no call reaches an operator. "
            "To be open at all hours, tick “Always open” instead.")


def _show_ranges(ranges: list) -> str:
    return ", ".join(f"{start}-{end}" for start, end in ranges)


# ---- pages ----------------------------------------------------------------------------------------

def _overflow_value(overflow) -> str:
    if not overflow:
        return ""
    return f"queue:{overflow['queue']}" if overflow["action"] == "queue" else overflow["action"]


def queues_page(ctx: WebContext, status: int = 200, **values):
    settings = ctx.store.load()
    names = sorted(settings["queues"])
    overflows = [("", N_("Nothing: keep waiting"))] + [
        (a, OVERFLOW_LABELS[a]) for a in OVERFLOW_ACTIONS if a != "queue"]
    return ctx.render("queues.tpl", status=status, settings=settings, names=names,
                      strategies=[(s, STRATEGY_LABELS.get(s, s)) for s in STRATEGIES],
                      overflows=overflows, overflow_value=_overflow_value, help=forms.help_for,
                      **{"typed": forms.Typed(), "removing": None, "blockers": [],
                         "confirm_form": "queues-form", "confirm_label": gettext_now("Yes, save the queues"),
                         **values})


def hours_page(ctx: WebContext, status: int = 200, **values):
    return ctx.render("hours.tpl", status=status, settings=ctx.store.load(), days=DAY_NAMES,
                      show=_show_ranges, help=forms.help_for,
                      **{"typed": forms.Typed(), "confirm_form": "hours-form",
                         "confirm_label": gettext_now("Yes, close the office all week"),
                         **values})


def save_queues(ctx: WebContext):
    form = bottle.request.forms.decode()
    renames: dict = {}

    def change(settings: dict) -> dict:
        queues = {name: _queue(form, name, old) for name, old in settings["queues"].items()}
        renames.update(_renames(form, settings["queues"]))
        doc = {**settings, "queues": queues, "callbacks": _callbacks(form, settings["callbacks"]),
               "reports": _reports(form, settings["reports"])}
        return rename_queues(doc, renames)

    def page(ctx, status, **values):
        """An error names the queue by its new name; the form's fields have the old one."""
        at = values.get("error_at") or ""
        for old, new in renames.items():
            if at.startswith(f"queues.{new}.") or at == f"queues.{new}":
                values["error_at"] = f"queues.{old}" + at[len(f"queues.{new}"):]
        return queues_page(ctx, status, **values)

    def message() -> str:
        moved = "; ".join(gettext_now("queue {old} is now {new}, with every operator, menu key "
                                      "and queue that named it").format(old=old, new=new)
                          for old, new in renames.items())
        return gettext_now("Queues saved.") + (f" {moved[0].upper()}{moved[1:]}." if moved else "")
    return forms.save_or_explain(ctx, change, page, "/queues", message, form=form,
                                 renamed=renames)


def add_queue(ctx: WebContext):
    form = bottle.request.forms.decode()
    added = []

    def change(settings: dict) -> dict:
        name = check_name(forms.text(form, "new_queue"), "new_queue", settings["queues"])
        added.append(name)
        return {**settings, "queues": {**settings["queues"], name: {}}}
    return forms.save_or_explain(
        ctx, change, queues_page, "/queues", lambda: gettext_now(
            "Queue {name} added. Give it operators (Operators page) and a menu key (Voice menu) "
            "so that callers reach it.").format(name=added[0]), form=form)


def remove_queue(ctx: WebContext, name: str):
    """Without ``confirmed=1``: the confirmation, saying what will happen (or why it cannot)."""
    form = bottle.request.forms.decode()
    settings = ctx.store.load()
    if name not in settings["queues"]:
        raise bottle.HTTPError(404, gettext_now("There is no queue {name}.").format(name=name))
    blockers = removal_blockers(settings, name)
    if blockers or not forms.confirmed(form):
        status = 409 if blockers and forms.confirmed(form) else 200
        losing = [op["id"] for op in settings["operators"] if name in op["queues"]]
        return queues_page(ctx, status, removing=name, blockers=blockers, losing=losing)
    return forms.save_or_explain(ctx, lambda s: without_queue(s, name), queues_page, "/queues",
                                 gettext_now("Queue {name} removed.").format(name=name))


def save_hours(ctx: WebContext):
    form = bottle.request.forms.decode()
    return forms.save_or_explain(ctx, lambda s: {**s, "hours": _hours(form, s["hours"])},
                                 hours_page, "/hours", gettext_now("Opening hours saved."), form=form,
                                 ask=closed_all_week)


QUEUE = "<name:re:[A-Za-z0-9_-]+>"
ROUTES = (("GET", "/queues", queues_page), ("POST", "/queues", save_queues),
          ("POST", "/queues/add", add_queue),
          ("GET", f"/queues/{QUEUE}/remove", remove_queue),
          ("POST", f"/queues/{QUEUE}/remove", remove_queue),
          ("GET", "/hours", hours_page), ("POST", "/hours", save_hours))
