"""Reports for a chosen period: the figures of docs/reports.md as tables an owner reads at a
glance, each downloadable as CSV, with charts drawn as SVG.

Every table is built once (``tables``) and then either rendered (reports.tpl) or written as CSV
(``/reports.csv?table=...``), so the page and its download never disagree. Dates and hours are
the owner's (``hours.timezone``): "today" and a chosen day run from local midnight.
"""
from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta

import bottle

from appliance import timefmt
from appliance.store import callstats
from appliance.web import charts, csvsafe
from appliance.web.context import WebContext
from appliance.web.i18n import N_, gettext_now
from appliance.web.timeline import duration

PRESETS = (("today", N_("Today")), ("7d", N_("Last 7 days")), ("30d", N_("Last 30 days")),
           ("365d", N_("Last 12 months")))
# Every outcome of the contract in the owner's words, then a live call's provisional record.
OUTCOME_WORDS = {
    "answered": N_("Answered by an operator"),
    "abandoned_menu": N_("Ended in the menu"),
    "abandoned_queue": N_("Gave up in the queue"),
    "callback_requested": N_("Asked to be called back"),
    "callback_answered": N_("Dial-backs answered"),
    "callback_failed": N_("Dial-backs that reached nobody"),
    "voicemail": N_("Left for voicemail"),
    "closed": N_("Called while the office was closed"),
    "no_operators": N_("Nobody there to answer (no operator present)"),
    "failed": N_("Failed (a line or appliance fault)"),
    "unknown": N_("Still going on (live calls)"),
}


def period(query, today: date) -> tuple[str, str, str]:
    """``(since, until, error)`` as YYYY-MM-DD (until inclusive) from the form or a preset."""
    days = {"today": 0, "7d": 6, "30d": 29, "365d": 364}.get(query.get("preset", ""), 6)
    since = query.get("since") or (today - timedelta(days=days)).isoformat()
    until = query.get("until") or today.isoformat()
    try:
        first, last = date.fromisoformat(since), date.fromisoformat(until)
    except ValueError:
        return since, until, "Dates must be written like 2026-11-23."
    if first > last:
        return since, until, "The start of the period must not be after its end."
    if not (2000 <= first.year <= 2100 and 2000 <= last.year <= 2100):
        return since, until, "Dates must be between the years 2000 and 2100."
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
        """Figures for the owner's dates ``since`` to ``until`` (inclusive), local midnights,
        with each operator's calls by day and hour (``operator_activity``)."""
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
        figures = {**callstats.report(ctx.calllog, start, end, settings),
                   "operator_activity": callstats.activity(ctx.calllog, start, end, settings)}
        with self._lock:
            if len(self._kept) >= self.SIZE:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = (count, figures)
        return figures


# ---- tables -------------------------------------------------------------------------------------

@dataclass
class Table:
    """One table of the page. ``columns``: ``(heading, kind)``, kind ``text``, ``n`` (a count),
    ``s`` (seconds, shown as m:ss) or ``%`` (a share 0..1); ``marks``: a CSS class per row
    (``sub`` = a part of the row above, not added to the total; ``total``; ``flagged``)."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[list] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)    # a row's own kind for its values
    hint: str = ""

    def add(self, values: list, mark: str = "", kind: str | None = None) -> None:
        self.rows.append(values)
        self.marks.append(mark)
        self.kinds.append(kind)

    def kind(self, row: int, column: int) -> str:
        own = self.kinds[row]
        return own if own and column > 0 else self.columns[column][1]


def shown(value, kind: str) -> str:
    """A cell as the page shows it."""
    if kind == "s":
        return duration(value)
    if kind == "%":
        return "-" if value is None else f"{value * 100:.0f}%"
    return "-" if value is None else str(value)


def raw(value, kind: str) -> str:
    """A cell as the CSV holds it: seconds to a tenth, shares as percent to a tenth."""
    if value is None:
        return ""
    if kind == "s":
        return f"{value:.1f}"
    if kind == "%":
        return f"{value * 100:.1f}"
    return str(value)


def outcome_table(f: dict) -> Table:
    """Every outcome, live calls included, so the rows add up to the calls of the period."""
    table = Table("outcomes", N_("Outcomes"), [(N_("Outcome"), "text"), (N_("Calls"), "n")],
                  hint=N_("The rows without indent add up to the total; indented rows are a "
                          "part of the row above."))
    counts = f["outcomes"]
    for name in (*OUTCOME_WORDS, *sorted(set(counts) - set(OUTCOME_WORDS))):
        if name == "unknown" and not counts.get(name):
            continue
        table.add([OUTCOME_WORDS.get(name, name.replace("_", " ")), counts.get(name, 0)])
        if name == "abandoned_menu":
            table.add([N_("of them self-service (heard a message, then left)"),
                       f["menu"]["self_service"]], "sub")
            table.add([N_("of them gave up in the menu"), f["menu"]["abandoned"]], "sub")
        if name == "abandoned_queue":
            table.add([f"of them within {f['abandon']['short_abandon_s']:g} s (short, not in "
                       "the abandon rate)", f["abandon"]["short_abandons"]], "sub")
    table.add([N_("Total"), f["calls"]], "total")
    return table


def summary_table(f: dict) -> Table:
    """The figures at a glance, with handle time, callbacks and transfers."""
    table = Table("summary", N_("At a glance"), [(N_("Figure"), "text"), (N_("Value"), "n")])
    back, handle = f["callbacks"]["time_to_callback"], f["handle"]
    for label, value, kind in (
            (N_("Calls"), f["calls"], "n"), (N_("Inbound calls"), f["inbound"], "n"),
            (N_("Dial-backs made"), f["callbacks_dialled"], "n"),
            (f"Service level (answered within {f['service_level']['target_s']:g} s)",
             f["service_level"]["share"], "%"),
            (N_("Average speed of answer"), f["asa"]["average_s"], "s"),
            (N_("Abandon rate (short abandons left out)"), f["abandon"]["rate"], "%"),
            (N_("Average wait"), f["wait"]["average_s"], "s"),
            (N_("Longest wait"), f["wait"]["longest_s"], "s"),
            (N_("Average talk"), handle["talk_s"], "s"),
            (N_("Average hold"), handle["hold_s"], "s"),
            (N_("Average wrap-up"), handle["wrapup_s"], "s"),
            (N_("Average handle time (talk + hold + wrap-up)"), handle["average_handle_s"], "s"),
            (N_("Average ring before answer (not in handle time)"), handle["ring_s"], "s"),
            (N_("Callbacks asked for"), f["callbacks"]["requested"], "n"),
            (N_("Callback requests called back"), back["served"], "n"),
            (N_("Time to callback, average"), back["average_s"], "s"),
            (N_("Time to callback, longest"), back["longest_s"], "s"),
            (N_("Transferred calls"), f["transfers"]["calls"], "n"),
            (N_("Transfers"), f["transfers"]["count"], "n")):
        table.add([label, value], kind=kind)
    return table


def queue_table(f: dict) -> Table:
    target = f"{f['service_level']['target_s']:g}"
    own = any(q["target_s"] != f["service_level"]["target_s"] for q in f["per_queue"])
    within = N_("Within its target") if own else f"Within {target} s"
    table = Table("queues", N_("Queues"), [
        (N_("Queue"), "text"), (N_("Queued"), "n"), (N_("Answered"), "n"), (within, "n"),
        (N_("Service level"), "%"), (N_("Speed of answer"), "s"), (N_("Gave up"), "n"),
        (N_("Short abandons"), "n"), (N_("Abandon rate"), "%"), (N_("Callbacks asked"), "n"),
        (N_("Target"), "s")],
        hint=f"Service level: answered within the queue's target (Queues page; {target} s "
             "unless the queue sets its own) of joining the queue. Short abandons "
             f"(gone within {f['abandon']['short_abandon_s']:g} s) are left out of the abandon "
             "rate.")
    for q in f["per_queue"]:
        table.add([q["queue"], q["offered"], q["answered"], q["answered_within"],
                   q["service_level"], q["asa_s"], q["abandoned"], q["short_abandons"],
                   q["abandon_rate"], q["callbacks_requested"], q["target_s"]])
    return table


def operator_table(f: dict) -> Table:
    table = Table("operators", N_("Operators"), [
        (N_("Operator"), "text"), (N_("Calls taken"), "n"), (N_("Rings missed"), "n"),
        (N_("Talk"), "s"), (N_("Average talk"), "s"), (N_("Hold"), "s"), (N_("Wrap-up"), "s"),
        (N_("Busy"), "s"), (N_("Average handle"), "s"), (N_("Present"), "s"),
        (N_("Occupancy"), "%"), (N_("Note"), "text")],
        hint=N_("Busy is talk + hold + wrap-up. Present runs from the first ring of the "
                "operator's phone to the end of their last wrap-up, each day. Pause time cannot "
                "be shown: the call log does not record log-ins or pauses (docs/reports.md)."))
    for o in f["per_operator"]:
        table.add([o["operator"], o["calls_taken"], o["rings_missed"], o["talk_s"],
                   o["average_talk_s"], o["hold_s"], o["wrapup_s"], o["busy_s"],
                   o["average_handle_s"], o["present_s"], o["occupancy"],
                   N_("many missed rings") if o["flagged"] else ""],
                  "flagged" if o["flagged"] else "")
    return table


def time_tables(f: dict, zone: str) -> list[Table]:
    """The charts' numbers: calls per hour and day, and each operator's by day and by hour."""
    hours = Table("hours", f"Calls per hour of the day ({zone})", [("Hour", "text"), ("Calls", "n")])
    for hour, calls in enumerate(f["per_hour"]):
        hours.add([f"{hour:02d}:00", calls])
    days = Table("days", "Calls per day", [("Date", "text"), ("Calls", "n")])
    for day, calls in f["per_day"].items():
        days.add([day, calls])
    op_days = Table("operator-days", "Calls taken per operator and day",
                    [("Operator", "text"), ("Date", "text"), ("Calls taken", "n"), ("Busy", "s")])
    op_hours = Table("operator-hours", f"Calls taken per operator and hour ({zone})",
                     [("Operator", "text"), ("Hour", "text"), ("Calls taken", "n")])
    for name, desk in f["operator_activity"].items():
        for day, calls in desk["per_day"].items():
            op_days.add([name, day, calls, desk["busy_per_day"].get(day)])
        for hour, calls in enumerate(desk["per_hour"]):
            op_hours.add([name, f"{hour:02d}:00", calls])
    return [hours, days, op_days, op_hours]


def tables(f: dict, zone: str) -> dict[str, Table]:
    found = [summary_table(f), outcome_table(f), queue_table(f), operator_table(f),
             *time_tables(f, zone)]
    return {table.key: table for table in found}


MONTHLY_AFTER_DAYS = 62     # a longer period charts each operator by month: readable on a phone


def _by_month(per_day: dict[str, int]) -> dict[str, int]:
    months: dict[str, int] = {}
    for day, calls in per_day.items():
        months[day[:7]] = months.get(day[:7], 0) + calls
    return months


def operator_charts(f: dict, zone: str) -> list[tuple[str, str, str]]:
    """``(operator, by-day SVG, by-hour SVG)`` for each operator who took calls; by month
    instead of by day when the period is longer than MONTHLY_AFTER_DAYS."""
    since, until = f["period"]["since"], f["period"]["until"]
    monthly = bool(since and until) and \
        timefmt.parse(until) - timefmt.parse(since) > MONTHLY_AFTER_DAYS * 86400 + 7200
    found = []
    for name, desk in f["operator_activity"].items():
        if monthly:
            months = _by_month(desk["per_day"])
            by_date = charts.bar_chart(list(months.values()), list(months),
                                       f"{name}: calls taken per month")
        else:
            by_date = charts.days_chart(desk["per_day"], f"{name}: calls taken per day")
        found.append((name, by_date,
                      charts.hours_chart(desk["per_hour"], zone, f"{name}: calls taken per hour")))
    return found


# ---- routes -------------------------------------------------------------------------------------

def _figures(ctx: WebContext):
    """``(zone, since, until, error, figures or None)`` for the period the request asks for."""
    settings = ctx.store.load()
    zone = settings["hours"]["timezone"] or "UTC"
    today = callstats.local_date(ctx.clock(), zone)
    since, until, error = period(bottle.request.query, today)
    if error:
        return zone, since, until, error, None
    figures = ctx.kept.setdefault("reports", FigureCache()).figures(ctx, since, until, settings)
    return zone, since, until, "", figures


def _drawn(figures: dict, zone: str) -> dict:
    """The tables and charts of ``figures``, made once per cached report and kept with it: a
    year of 20 operators' charts takes tens of milliseconds, too much for every page view."""
    drawn = figures.get("drawn")
    if drawn is None:
        drawn = figures["drawn"] = {
            "tables": tables(figures, zone),
            "hours_svg": charts.hours_chart(figures["per_hour"], zone),
            "days_svg": charts.days_chart(figures["per_day"]),
            "operator_svgs": operator_charts(figures, zone)}
    return drawn


def reports(ctx: WebContext):
    zone, since, until, error, figures = _figures(ctx)
    values = {"since": since, "until": until, "presets": PRESETS, "duration": duration,
              "figures": None, "hours_svg": "", "days_svg": "", "zone": zone, "tables": {},
              "shown": shown, "operator_svgs": [],
              "period_query": bottle.urlencode([("since", since), ("until", until)])}
    if error:
        return ctx.render("reports.tpl", status=400, error=error, **values)
    return ctx.render("reports.tpl", **{**values, "figures": figures, **_drawn(figures, zone)})


def export(ctx: WebContext):
    """One table of the page as CSV: a header row, then its rows, raw numbers (seconds, %)."""
    zone, since, until, error, figures = _figures(ctx)
    if error:
        raise bottle.HTTPError(400, error)
    table = _drawn(figures, zone)["tables"].get(bottle.request.query.get("table", ""))
    if table is None:
        raise bottle.HTTPError(404, gettext_now("There is no such table on the reports page."))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    units = {"s": " (s)", "%": " (%)"}
    own = any(table.kinds)                  # rows of mixed units: a column says which
    writer.writerow(csvsafe.row([heading + ("" if own else units.get(kind, ""))
                              for heading, kind in table.columns] + (["Unit"] if own else [])))
    for index, row in enumerate(table.rows):
        cells = [raw(value, table.kind(index, column)) for column, value in enumerate(row)]
        unit = {"s": "s", "%": "%"}.get(table.kinds[index] or "", "")
        writer.writerow(csvsafe.row(cells + ([unit] if own else [])))
    bottle.response.content_type = "text/csv; charset=utf-8"
    bottle.response.set_header("Content-Disposition",
                               f'attachment; filename="{table.key}-{since}-to-{until}.csv"')
    return "\ufeff" + buffer.getvalue()


ROUTES = (("GET", "/reports", reports), ("GET", "/reports.csv", export))
