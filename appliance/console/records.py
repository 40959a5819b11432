"""Console commands over the call log, opened read-only: the last calls and a period's figures."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from appliance import timefmt
from appliance.console import views
from appliance.console.context import Context
from appliance.console.table import ConsoleError, count_arg, expect
from appliance.logcli import render_text

PERIODS = ("today", "week", "month")


def cmd_calls(ctx: Context, args: list[str]) -> str:
    count = count_arg(expect(args, "calls [N]", 0, 1)[0] if args else None, 10, "N")
    with ctx.calllog() as log:
        total = log.count()
        records = log.calls(limit=count, offset=max(0, total - count))
    return "\n".join(map(views.call_row, records)) if records else "no calls yet"


def cmd_stats(ctx: Context, args: list[str]) -> str:
    period = expect(args, "stats [today|week|month]", 0, 1)[0] if args else "today"
    if period not in PERIODS:
        raise ConsoleError(f"period must be today, week or month (got '{period}')")
    settings = ctx.store.load()
    since = period_start(period, ctx.loop.now(), settings["hours"]["timezone"])
    reports = settings["reports"]
    with ctx.calllog() as log:
        figures = log.stats(since, None, reports["service_level_s"], reports["missed_rings_flag"])
    return render_text(figures).rstrip()


def period_start(period: str, now: float, timezone: str) -> str:
    """Local midnight starting ``today``, this week (Monday) or this month, as UTC ISO text."""
    local = datetime.fromtimestamp(now, ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        midnight -= timedelta(days=midnight.weekday())
    elif period == "month":
        midnight = midnight.replace(day=1)
    return timefmt.iso(midnight.timestamp())


COMMANDS = [
    ("calls", cmd_calls, "the last N calls, one line each (default 10)", "calls [N]"),
    ("stats", cmd_stats, "report figures since midnight, Monday or the 1st (default today)",
     "stats [today|week|month]"),
]
