"""The dashboard: warnings, lines, queue, callbacks, operators and today, refreshed by polling
`/live`.

"Today" comes from the call log for the office's date (``hours.timezone``), not from the
engine's memory, so a restart of the appliance changes nothing; it is kept until the log is
written again (SQLite's ``data_version``), as the page asks every 2 seconds.
"""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo

import bottle

from appliance.engine.line_facts import REGISTERED
from appliance.engine.schedule import Schedule
from appliance.events import OperatorPaused, OperatorUnpaused
from appliance.line_states import REGISTRATION_WORDS, health_text
from appliance.store import callstats
from appliance.web import i18n
from appliance.web.i18n import N_, gettext_now
from appliance.web.context import WebContext, done
from appliance.web.timeline import local_time

# Operator states; a line's state carries its own label (appliance.line_states).
STATE_WORDS = {"available": N_("Available"), "reserved": N_("Calling back"),
               "ringing": N_("Ringing"), "wrapup": N_("Wrap-up"), "talking": N_("Talking"),
               "paused": N_("Paused"), "offhook": N_("Off hook"), "disabled": N_("Disabled")}
ABSENT = ("paused", "disabled")     # operator states in which nobody takes calls
# A recording takes about 1 MB a minute of conversation (8 kHz, 16-bit; 2 MB with one channel
# each way), so 1 GB left is a day or two of a busy office's recordings: time to act before the
# call log and recordings can no longer be written.
DISK_LOW_BYTES = 1024 ** 3
disk_usage = shutil.disk_usage      # tests replace it


class TodayCache:
    """Today's figures from the call log, recounted only when the log or the date changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kept: tuple | None = None     # (key, data_version, figures)

    def figures(self, ctx: WebContext, zone: str) -> dict:
        day = callstats.local_date(ctx.clock(), zone)
        version = ctx.calllog.data_version()
        with self._lock:
            kept = self._kept
        if kept is not None and kept[0] == (day, zone) and kept[1] == version:
            return kept[2]
        figures = callstats.day_counts(ctx.calllog, day, zone)
        with self._lock:
            self._kept = ((day, zone), version, figures)
        return figures


def _opens(schedule: Schedule, now: float) -> str:
    """When the office opens next, as the owner says it: ``at 09:00`` or ``on Mon 09:00``."""
    at = schedule.next_open(now)
    if at is None:
        return gettext_now("The hours say it never opens")
    when = schedule.local(at)
    if when.date() == schedule.local(now).date():
        return gettext_now("It opens today at {time}").format(time=when.strftime("%H:%M"))
    return gettext_now("It opens on {day} at {time}").format(day=when.strftime("%a %d %b"),
                                                             time=when.strftime("%H:%M"))


def _operator_warning(operators: list[dict]) -> str | None:
    if not operators:
        return gettext_now("No operators are set up, so no call can be answered. Add them on the "
                           "Operators page.")
    if any(op["state"] not in ABSENT for op in operators):
        return None
    if all(op["state"] == "paused" for op in operators):
        return gettext_now("Every operator is paused: nobody is offered calls. Unpause someone "
                           "below, or callers wait in the queue.")
    if all(op["state"] == "disabled" for op in operators):
        return gettext_now("No operator is enabled: nobody is offered calls. Enable someone on "
                           "the Operators page.")
    return gettext_now("No operator is present: the others are paused or not enabled, so nobody "
                       "is offered calls. Unpause someone below.")


def _line_warnings(lines: list[dict]) -> list[str]:
    found = []
    for line in lines:
        registration = line["health"].get("registration")
        if line["warning"]:
            found.append(gettext_now("Line {line}: {warning}.").format(
                line=line['id'], warning=line['warning']))
        elif line["state"] == "down":
            found.append(gettext_now("Line {line} is out of service: calls cannot come in on "
                                     "it.").format(line=line['id']))
        elif registration is not None and registration not in REGISTERED:
            words = REGISTRATION_WORDS.get(registration, registration)
            found.append(gettext_now("Line {line} is not registered on the mobile network "
                                     "({words}): calls cannot come in on it until it is.").format(
                line=line['id'], words=words))
    return found


def _disk_warning(ctx: WebContext) -> str | None:
    try:
        usage = disk_usage(ctx.data_dir)
    except OSError:
        return None
    if usage.free >= DISK_LOW_BYTES:
        return None
    return gettext_now("The disk is nearly full: {free} MB free of {total} GB. Recordings, "
                       "voicemail and the call log stop being saved when it is full: delete old "
                       "recordings or fit a larger card.").format(
        free=f"{usage.free / 1024 ** 2:.0f}", total=f"{usage.total / 1024 ** 3:.1f}")


def warnings(ctx: WebContext, snap: dict | None, settings: dict) -> list[tuple[str, str]]:
    """``(level, text)`` the owner should know now: ``bad`` (calls are lost) or ``warn``."""
    found: list[tuple[str, str]] = []
    schedule = Schedule(settings["hours"])
    now = ctx.clock()
    if not schedule.is_open(now):
        found.append(("warn", gettext_now("The office is closed now (Hours page): callers hear "
                                          "the closed message. {opens}.").format(
            opens=_opens(schedule, now))))
    if snap is not None:
        nobody = _operator_warning(snap["operators"])
        if nobody:
            found.append(("bad", nobody))
        found += [("bad", text) for text in _line_warnings(snap["lines"])]
    disk = _disk_warning(ctx)
    if disk:
        found.append(("bad", disk))
    return found


def _today(ctx: WebContext, snap: dict | None, zone: str) -> dict:
    """Today's figures from the call log; the engine's own count if the log cannot be read
    (the dashboard must show the live state even then)."""
    try:
        return ctx.kept.setdefault("today", TodayCache()).figures(ctx, zone)
    except Exception:                       # noqa: BLE001 - a damaged or locked call log
        snap = snap or {"today": {}, "lines": [], "operators": []}
        return {**snap["today"],
                "per_line": {line["id"]: line["calls_today"] for line in snap["lines"]},
                "per_operator": {op["id"]: op["calls_today"] for op in snap["operators"]}}


def _live_values(ctx: WebContext) -> dict:
    snap = ctx.snapshot()
    settings = ctx.store.load()
    zone = (settings.get("hours") or {}).get("timezone") or "UTC"
    notices = [text for _, _, text in ctx.source.recent_notices()][-5:] \
        if hasattr(ctx.source, "recent_notices") else []
    today = _today(ctx, snap, zone)
    now = datetime.fromtimestamp(ctx.clock(), dt_timezone.utc).astimezone(ZoneInfo(zone))
    return {"snap": snap, "words": STATE_WORDS, "health_text": health_text,
            "notices": list(reversed(notices)), "today": today, "zone": zone,
            "warnings": warnings(ctx, snap, settings), "updated": now.strftime("%H:%M:%S"),
            "clock": lambda stamp: local_time(stamp, zone, date=False)}


def dashboard(ctx: WebContext):
    return ctx.render("dashboard.tpl", **_live_values(ctx))


def live(ctx: WebContext):
    bottle.response.set_header("Cache-Control", "no-store")
    return ctx.render("dashboard_live.tpl", **_live_values(ctx))


def pause(ctx: WebContext, operator_id: str):
    ctx.source.post(OperatorPaused(operator_id))
    done("/", gettext_now("{id} is paused: no calls are offered until unpaused.").format(
        id=operator_id))


def unpause(ctx: WebContext, operator_id: str):
    ctx.source.post(OperatorUnpaused(operator_id))
    done("/", gettext_now("{id} is back: calls are offered again.").format(id=operator_id))


OPERATOR = "<operator_id:re:[A-Za-z0-9_-]+>"
ROUTES = (*i18n.ROUTES, ("GET", "/", dashboard), ("GET", "/live", live),
          ("POST", f"/operators/{OPERATOR}/pause", pause),
          ("POST", f"/operators/{OPERATOR}/unpause", unpause))
