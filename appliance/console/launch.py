"""Starting and stopping the console beside a running appliance (``run`` and the live ``sim``).

Example::

    console = launch.start(loop, data_dir, settings, lines, handsets)
    try:
        serve(...)
    finally:
        launch.stop(console)
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from appliance.console.commands import build_table
from appliance.console.context import Context
from appliance.console.server import SOCKET_NAME, ConsoleServer, SerialConsole
from appliance.errors import ApplianceError

log = logging.getLogger("appliance.console")


@dataclass
class Running:
    """The console's servers for one appliance (either may be None)."""

    socket: ConsoleServer | None
    serial: SerialConsole | None


def simulated(settings: dict, lines: list, handsets: Any) -> tuple[dict, Any]:
    """The drivers that are the simulator's (they have fault switches): lines by id, the bank.
    A simulator's line is a plain simulated line or a simulated module under the real driver
    (``port: "sim"``); both can drop a call."""
    sim_lines = {line.id: line for line in lines if hasattr(line, "drop_call")}
    switchable = settings["handsets"]["driver"] == "sim" or hasattr(handsets, "lift")
    return sim_lines, handsets if switchable else None


def start(loop, data_dir: Path, settings: dict, lines: list, handsets: Any) -> Running:
    """Serve the console on ``data_dir/console.sock`` and on ``settings.console.port`` if set.

    A console that cannot start is logged, never fatal: the phones matter more."""
    sim_lines, sim_bank = simulated(settings, lines, handsets)
    ctx = Context(loop, Path(data_dir), sim_lines, sim_bank, handsets=handsets,
                  lines={line.id: line for line in lines})
    table = build_table(ctx)
    pin = console_pin(ctx, settings["console"].get("pin"))
    running = Running(_socket(table, Path(data_dir) / SOCKET_NAME, pin), None)
    port = settings["console"]["port"]
    if port is not None:
        running.serial = SerialConsole(table, port, settings["console"]["baud"], pin)
        running.serial.start()
    return running


def console_pin(ctx: Context, at_start: str | None) -> Callable[[], str | None]:
    """The PIN as saved when a session starts (``config set console.pin`` holds from the next
    session); if the settings cannot be read then, the PIN the daemon started with, never none."""
    def current() -> str | None:
        try:
            return ctx.store.load()["console"]["pin"]
        except (ApplianceError, OSError, KeyError):
            log.error("console: the settings could not be read; using the PIN set at start")
            return at_start
    return current


def _socket(table, path: Path, pin) -> ConsoleServer | None:
    server = ConsoleServer(table, path, pin)
    try:
        server.start()
    except (ApplianceError, OSError) as exc:
        log.error("the console socket %s is not served: %s", path, exc)
        return None
    return server


def stop(running: Running | None) -> None:
    """Stop both servers and remove the socket file."""
    if running is None:
        return
    for server in (running.socket, running.serial):
        if server is not None:
            server.stop()
