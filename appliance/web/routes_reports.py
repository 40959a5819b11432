"""Reports for a chosen period: the figures of docs/reports.md with charts drawn as SVG.

Dates are the owner's (``hours.timezone``): "today" and a chosen day run from local midnight.
"""
from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import bottle

from appliance.store import callstats
from appliance.web import charts
from appliance.web.context import WebContext
from appliance.web.timeline import duration

PRESETS = (("today", "Today"), ("7d", "Last 7 days"), ("30d", "Last 30 days"),
           ("365d", "Last 12 months"))


def period(query, today: date) -> tuple[str, str, str]:
    """``(since, until, error)`` as YYYY-MM-DD (until inclusive) from the form or a preset."""
    days = {"today": 0, "7d": 6, "30d": 29, "365d": 364}.get(query.get("preset", ""), 6)
    since = query.get("since") or (today - timedelta(days=days)).isoformat()
    until = query.get("until") or today.isoformat()
    try:
        if date.fromisoformat(since) > date.fromisoformat(until):
            return since, until, "The start of the period must not be after its end."
    except ValueError:
        return since, until, "Dates must be written like 2026-11-23."
    return since, until, ""


class FigureCache:
    """The last few reports, reused until the daemon writes to the call log again.

    A year of calls takes a few hundred milliseconds to sum; twenty browsers on the reports page
    should not cost that twenty times. SQLite's ``data_version`` tells when anything was written;
    the settings the figures depend on (targets, time zone, menu) are part of the key.
    """

    SIZE = 16

    def __init__(self):
        self._lock = threading.Lock()
        self._kept: dict[tuple, tuple[int, dict]] = {}      # key -> (data_version, figures)

    def figures(self, ctx: WebContext, since: str, until: str,
                settings: dict | None = None) -> dict:
        """Figures for the owner's dates ``since`` to ``until`` (inclusive), local midnights."""
        settings = settings or ctx.store.load()
        zone = settings["hours"]["timezone"] or "UTC"
        start = callstats.local_midnight(date.fromisoformat(since), zone)
        end = callstats.local_midnight(date.fromisoformat(until) + timedelta(days=1), zone)
        key = (start, end, json.dumps(callstats.options(settings), sort_keys=True))
        count = ctx.calllog.data_version()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] == count:
            return kept[1]
        figures = callstats.report(ctx.calllog, start, end, settings)
        with self._lock:
            if len(self._kept) >= self.SIZE:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = (count, figures)
        return figures


def reports(ctx: WebContext):
    settings = ctx.store.load()
    zone = settings["hours"]["timezone"] or "UTC"
    today = callstats.local_date(ctx.clock(), zone)
    since, until, error = period(bottle.request.query, today)
    values = {"since": since, "until": until, "presets": PRESETS, "duration": duration,
              "figures": None, "hours_svg": "", "days_svg": "", "zone": zone}
    if error:
        return ctx.render("reports.tpl", status=400, error=error, **values)
    figures = ctx.kept.setdefault("reports", FigureCache()).figures(ctx, since, until, settings)
    hours = charts.bar_chart(figures["per_hour"], [f"{hour:02d}" for hour in range(24)],
                             f"Calls per hour ({zone})")
    return ctx.render("reports.tpl", **{**values, "figures": figures, "hours_svg": hours,
                                        "days_svg": charts.days_chart(figures["per_day"])})


ROUTES = (("GET", "/reports", reports),)

