"""Console commands over the call log, opened read-only: the last calls and a period's figures."""
from __future__ import annotations

from datetime import timedelta

from appliance.console import views
from appliance.console.context import Context
from appliance.console.table import ConsoleError, count_arg, expect
from appliance.cli.logs import render_text
from appliance.store import callstats

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
    with ctx.calllog() as log:
        figures = callstats.report(log, since, None, settings)
    return render_text(figures).rstrip()


def period_start(period: str, now: float, timezone: str) -> str:
    """Local midnight starting ``today``, this week (Monday) or this month, as UTC ISO text."""
    day = callstats.local_date(now, timezone)
    if period == "week":
        day -= timedelta(days=day.weekday())
    elif period == "month":
        day = day.replace(day=1)
    return callstats.local_midnight(day, timezone)


COMMANDS = [
    ("calls", cmd_calls, "the last N calls, one line each (default 10)", "calls [N]"),
    ("stats", cmd_stats, "report figures since midnight, Monday or the 1st (default today)",
     "stats [today|week|month]"),
]
