"""Console commands about the running appliance: status, lines, queue, operators, pause, notices,
version and uptime. They read ``loop.snapshot()`` and post events; nothing else."""
from __future__ import annotations

import importlib.metadata
import platform
import time

from appliance import timefmt
from appliance.console import views
from appliance.console.context import Context
from appliance.console.table import ConsoleError, count_arg, expect
from appliance.events import OperatorPaused, OperatorUnpaused
from appliance.present import duration


def cmd_status(ctx: Context, args: list[str]) -> str:
    expect(args, "status", 0)
    return views.status(ctx.snapshot())


def cmd_lines(ctx: Context, args: list[str]) -> str:
    expect(args, "lines", 0)
    return views.lines(ctx.snapshot())


def cmd_queue(ctx: Context, args: list[str]) -> str:
    expect(args, "queue", 0)
    snap = ctx.snapshot()
    return views.queue(snap) + "\n" + views.callbacks(snap)


def cmd_operators(ctx: Context, args: list[str]) -> str:
    expect(args, "operators", 0)
    return views.operators(ctx.snapshot())


def _operator(ctx: Context, args: list[str], usage: str) -> str:
    name = expect(args, usage, 1)[0]
    known = [op["id"] for op in ctx.snapshot()["operators"]]
    if name not in known:
        raise ConsoleError(f"no operator '{name}'; operators are: {', '.join(known) or 'none'}")
    return name


def cmd_pause(ctx: Context, args: list[str]) -> str:
    name = _operator(ctx, args, "pause OP")
    ctx.loop.post(OperatorPaused(name))
    return f"{name} paused: no calls are offered until 'unpause {name}'"


def cmd_unpause(ctx: Context, args: list[str]) -> str:
    name = _operator(ctx, args, "unpause OP")
    ctx.loop.post(OperatorUnpaused(name))
    return f"{name} unpaused: calls are offered again"


def cmd_notices(ctx: Context, args: list[str]) -> str:
    count = count_arg(expect(args, "notices [N]", 0, 1)[0] if args else None, 20, "N")
    notices = ctx.loop.recent_notices()[-count:]
    return "\n".join(map(views.notice_row, notices)) if notices else "no notices"


def cmd_version(ctx: Context, args: list[str]) -> str:
    expect(args, "version", 0)
    return (f"ivr-appliance {importlib.metadata.version('ivr-appliance')} "
            f"(Python {platform.python_version()}, {platform.machine()})")


def cmd_uptime(ctx: Context, args: list[str]) -> str:
    expect(args, "uptime", 0)
    return (f"up {duration(time.monotonic() - ctx.started_mono)} since "
            f"{timefmt.iso(ctx.started_at)}; appliance clock {timefmt.iso(ctx.loop.now())}")


COMMANDS = [
    ("status", cmd_status, "lines, waiting callers, callbacks, operators and today, at a glance",
     "status"),
    ("lines", cmd_lines, "each phone line: idle, down, menu, waiting, talking...", "lines"),
    ("queue", cmd_queue, "waiting callers by queue, and callbacks owed", "queue"),
    ("operators", cmd_operators, "each operator: handset, state, calls today", "operators"),
    ("pause", cmd_pause, "stop offering calls to operator OP (a break)", "pause OP"),
    ("unpause", cmd_unpause, "offer calls to operator OP again (also ends an automatic pause)",
     "unpause OP"),
    ("notices", cmd_notices, "the last N warnings and errors (default 20)", "notices [N]"),
    ("version", cmd_version, "firmware version", "version"),
    ("uptime", cmd_uptime, "how long the appliance has been running", "uptime"),
]
