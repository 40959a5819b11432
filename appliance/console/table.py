"""The console's one command table: name -> (handler, help, usage); HELP and parsing come from it.

Every console command is registered here once (style lesson 13), so ``help`` can never miss a
command and an unknown name can be answered with the nearest known one.

Example::

    table = CommandTable()
    table.register("version", lambda args: "0.1.0", "firmware version", "version")
    table.run("version")          # -> "0.1.0"
"""
from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass
from typing import Callable

from appliance.errors import ApplianceError


class ConsoleError(ApplianceError):
    """A command the console cannot carry out; the text is the one line the technician sees."""


class SessionEnd(Exception):
    """The technician asked to end the session (``quit``)."""


Handler = Callable[[list[str]], str]      # or a follow.Live for a command that prints live
SHOWN_NAME = 40                            # an unknown name longer than this is cut in the error


@dataclass(frozen=True)
class Command:
    """One console command: what runs it, one line of help, and how to type it."""

    name: str
    handler: Handler
    help: str
    usage: str


class CommandTable:
    """Registered commands by name; ``run(line)`` parses a typed line and answers with text."""

    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}

    def register(self, name: str, handler: Handler, help: str, usage: str) -> None:
        """Add ``name``; registering a name twice is a bug."""
        if name in self.commands:
            raise ValueError(f"console command {name!r} is registered twice")
        self.commands[name] = Command(name, handler, help, usage)

    def run(self, line: str) -> str:
        """The answer to one typed line (a ``follow.Live`` for a live command, which the
        session runs); errors come back as one ``error: ...`` line."""
        try:
            words = split(line)
            return self._dispatch(words) if words else ""
        except ConsoleError as exc:
            return f"error: {exc}"

    def _dispatch(self, words: list[str]) -> str:
        command = self.commands.get(words[0].lower())
        if command is None:
            raise ConsoleError(self.unknown(words[0]))
        return command.handler(words[1:])

    def unknown(self, name: str) -> str:
        """The message for a command that does not exist, with the nearest one if any."""
        near = difflib.get_close_matches(name.lower(), self.commands, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        shown = name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "..."   # line noise
        return f"unknown command '{shown}'{hint} (type 'help' for the list)"

    def help(self, args: list[str]) -> str:
        """All commands with their help, or one command's usage and help."""
        if args:
            return self._help_one(expect(args, "help [COMMAND]", 1)[0])
        return "\n".join(map(_help_row, self.commands.values()))

    def _help_one(self, name: str) -> str:
        command = self.commands.get(name.lower())
        if command is None:
            raise ConsoleError(self.unknown(name))
        return f"usage: {command.usage}\n{command.help}"


USAGE_WIDTH = 24


def _help_row(command: Command) -> str:
    """``usage  help`` in 80 columns; a long usage gets a line of its own."""
    if len(command.usage) <= USAGE_WIDTH:
        return f"{command.usage:<{USAGE_WIDTH}}  {command.help}"
    return f"{command.usage}\n{'':<{USAGE_WIDTH}}  {command.help}"


def split(line: str) -> list[str]:
    """Words of a typed line, shell-style (quotes keep spaces); a stray quote is a ConsoleError."""
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise ConsoleError(f"cannot read the line: {exc} (close the quote)") from None


def expect(args: list[str], usage: str, low: int, high: int | None = None) -> list[str]:
    """``args`` if there are ``low`` to ``high`` of them, else ConsoleError showing the usage."""
    high = low if high is None else high
    if not low <= len(args) <= high:
        raise ConsoleError(f"usage: {usage}")
    return args


def count_arg(text: str | None, default: int, what: str, high: int = 1000) -> int:
    """A positive whole number typed by the technician, or ``default`` when none is given."""
    if text is None:
        return default
    if not text.isdigit() or not 1 <= int(text) <= high:
        raise ConsoleError(f"{what} must be a whole number from 1 to {high} (got '{text}')")
    return int(text)
