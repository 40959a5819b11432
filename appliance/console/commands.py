"""The console's command table, built once per appliance from every command group.

Example::

    table = build_table(Context(loop, data_dir))
    print(table.run("pause ann"))
"""
from __future__ import annotations

from functools import partial

from appliance.console import (live, records, service_cmds, settings_cmds, sim_cmds, system_cmds,
                              tail)
from appliance.console.context import Context
from appliance.console.table import CommandTable, SessionEnd, expect

GROUPS = (live.COMMANDS, records.COMMANDS, service_cmds.COMMANDS, settings_cmds.COMMANDS,
          sim_cmds.COMMANDS, system_cmds.COMMANDS, tail.COMMANDS)


def cmd_quit(args: list[str]) -> str:
    expect(args, "quit", 0)
    raise SessionEnd()


def build_table(ctx: Context) -> CommandTable:
    """Every console command bound to ``ctx``, with ``help`` first and ``quit`` last."""
    tail.log_ring()                         # from now on ``tail`` has the daemon's lines
    table = CommandTable()
    table.register("help", table.help, "every command, or how to use one", "help [COMMAND]")
    for group in GROUPS:
        for name, handler, text, usage in group:
            table.register(name, partial(handler, ctx), text, usage)
    table.register("quit", cmd_quit, "end this console session", "quit")
    return table
