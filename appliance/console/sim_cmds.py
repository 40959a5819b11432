"""The simulator's fault switches from the console (style lesson 6): drop a call, unplug or plug
in a line, lift or put down a handset. Only simulated drivers have them; the switch is thrown
on the loop thread, as the simulator itself throws them."""
from __future__ import annotations

from appliance.console.context import Context
from appliance.console.table import ConsoleError, expect

USAGE = "sim fault LINE drop|unplug|plug_in | sim handset N lift|put_down"
LINE_SWITCHES = {"drop": "drop_call", "drop_call": "drop_call", "unplug": "unplug",
                 "plug_in": "plug_in"}
HANDSET_SWITCHES = ("lift", "put_down")


def cmd_sim(ctx: Context, args: list[str]) -> str:
    if not args or args[0] not in ("fault", "handset"):
        raise ConsoleError(f"usage: {USAGE}")
    return (sim_fault if args[0] == "fault" else sim_handset)(ctx, args[1:])


def sim_fault(ctx: Context, args: list[str]) -> str:
    line_id, switch = expect(args, "sim fault LINE drop|unplug|plug_in", 2)
    if switch not in LINE_SWITCHES:
        raise ConsoleError(f"a line switch is drop, unplug or plug_in (got '{switch}')")
    line = _sim_line(ctx, line_id)
    ctx.on_loop(getattr(line, LINE_SWITCHES[switch]))
    return f"line {line_id}: {LINE_SWITCHES[switch]} thrown"


def _sim_line(ctx: Context, line_id: str):
    known = [line["id"] for line in ctx.snapshot()["lines"]]
    if line_id not in known:
        raise ConsoleError(f"no line '{line_id}'; lines are: {', '.join(known)}")
    if line_id not in ctx.sim_lines:
        raise ConsoleError(f"line '{line_id}' is real hardware, not the simulator's: fault "
                           "switches work only on lines with driver 'sim'")
    return ctx.sim_lines[line_id]


def sim_handset(ctx: Context, args: list[str]) -> str:
    number, switch = expect(args, "sim handset N lift|put_down", 2)
    if switch not in HANDSET_SWITCHES:
        raise ConsoleError(f"a handset switch is lift or put_down (got '{switch}')")
    bank = _sim_bank(ctx)
    if not number.isdigit() or not 1 <= int(number) <= bank.count:
        raise ConsoleError(f"handset must be a number from 1 to {bank.count} (got '{number}')")
    ctx.on_loop(lambda: getattr(bank, switch)(int(number)))
    return f"handset {number}: {switch} thrown"


def _sim_bank(ctx: Context):
    if ctx.sim_handsets is None:
        raise ConsoleError("the handsets are real hardware, not the simulator's: handset "
                           "switches work only with handsets.driver 'sim'")
    return ctx.sim_handsets


COMMANDS = [
    ("sim", cmd_sim, "simulator only: drop a call, unplug or plug in a line, lift a handset",
     USAGE),
]
