"""The console's ``config`` command: read a setting, change one live, list them all.

Key paths are those of docs/settings.md: ``queues.sales.ring_timeout_s``, ``lines[0].baud``
(``lines.0.baud`` works too). A new value is JSON (``20``, ``true``, ``null``, ``"text"``); a bare
word that is not JSON is taken as text. Every change goes through ``SettingsStore.update`` (the
schema checks it; nothing changes on an error), into the audit log (``appliance.store.audit``)
and then to the engine as ``SettingsChanged``.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from appliance import safejson
from appliance.console.context import Context
from appliance.console.table import ConsoleError, expect
from appliance.errors import ApplianceError
from appliance.events import SettingsChanged
from appliance.store import audit, schema

USAGE = "config get KEY | config set KEY VALUE | config import FILE [--partial] | config show [PREFIX]"
SET = "(set)"
_PART = re.compile(r"[^.\[\]]+|\[(\d+)\]")


def parse_path(text: str) -> list[str | int]:
    """``lines[0].baud`` -> ``['lines', 0, 'baud']``; digits between dots are list indexes too."""
    parts = [int(m.group(1)) if m.group(1) else m.group(0) for m in _PART.finditer(text)]
    if not parts:
        raise ConsoleError(f"no key given; {USAGE}")
    return [int(p) if isinstance(p, str) and p.isdigit() else p for p in parts]


def lookup(doc: Any, path: list[str | int], text: str) -> Any:
    """The value at ``path``, or ConsoleError naming the key that does not exist."""
    for part in path:
        try:
            doc = doc[part]
        except (KeyError, IndexError, TypeError):
            raise ConsoleError(f"no setting '{text}' (see 'config show')") from None
    return doc


def parse_value(text: str) -> Any:
    """JSON if it parses (with the limits of every file: appliance/safejson.py); else the text
    itself (so ``Europe/London`` needs no quotes), which the setting's check then judges: a
    number of 400 digits is "must be a number", not a traceback."""
    try:
        return safejson.loads(text)
    except safejson.JsonError:
        return text


def cmd_config(ctx: Context, args: list[str]) -> str:
    if not args or args[0] not in ACTIONS:
        raise ConsoleError(f"usage: {USAGE}")
    return ACTIONS[args[0]](ctx, args[1:])


def config_get(ctx: Context, args: list[str]) -> str:
    text = expect(args, "config get KEY", 1)[0]
    return f"{text} = {_value(lookup(hide_secrets(ctx.store.load()), parse_path(text), text))}"


def _value(value: Any) -> str:
    return SET if value == SET else json.dumps(value, ensure_ascii=False)


def hide_secrets(doc: Any) -> Any:
    """``doc`` with every PIN or password that is set shown as ``(set)``: a console answer may be
    read over a shoulder or pasted into a ticket."""
    if isinstance(doc, list):
        return [hide_secrets(item) for item in doc]
    if not isinstance(doc, dict):
        return doc
    return {key: SET if key in audit.SECRET_KEYS and value is not None else hide_secrets(value)
            for key, value in doc.items()}


def config_set(ctx: Context, args: list[str]) -> str:
    text, raw = expect(args, "config set KEY VALUE", 2)
    path = parse_path(text)
    current = ctx.store.load()
    _check_place(lookup(current, path[:-1], text), path[-1], text)
    try:
        saved = ctx.store.update(_patch(current, path, parse_value(raw)))
    except ApplianceError as exc:
        raise ConsoleError(f"{exc}; nothing was changed") from None
    audit.record(ctx.data_dir, "console", current, saved, f"console: config set {text}")
    ctx.loop.post(SettingsChanged(saved))
    done = f"{text} = {_value(lookup(hide_secrets(saved), path, text))} (in effect now)"
    return "\n".join([done, *(f"warning: {w}" for w in schema.warnings(saved))])


def config_import(ctx: Context, args: list[str]) -> str:
    """A whole settings document from a file on the box, checked as ``ivr-appliance config
    import`` checks it; applied live and audit-logged."""
    partial = "--partial" in args
    path = Path(expect([a for a in args if a != "--partial"], "config import FILE [--partial]",
                       1)[0])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConsoleError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        current = ctx.store.load()
    except ApplianceError:
        current = None
    try:
        saved = ctx.store.import_json(text, partial)
    except ApplianceError as exc:
        raise ConsoleError(f"{path}: {exc}; nothing was changed") from None
    audit.record(ctx.data_dir, "console", current, saved, f"console: config import {path}")
    ctx.loop.post(SettingsChanged(saved))
    changed = schema.changes(current, saved) if current is not None else ["everything"]
    return "\n".join([f"settings imported from {path}: {len(changed)} changed (in effect now)",
                      *(f"warning: {w}" for w in schema.warnings(saved))])


def _check_place(parent: Any, key: str | int, text: str) -> None:
    """A map may take any key (the schema judges it); a list only an index it has."""
    fits_map = isinstance(parent, dict) and isinstance(key, str)
    fits_list = isinstance(parent, list) and isinstance(key, int) and key < len(parent)
    if not (fits_map or fits_list):
        raise ConsoleError(f"no setting '{text}' (see 'config show')")


def _patch(current: dict, path: list[str | int], value: Any) -> dict:
    """A patch for ``SettingsStore.update`` setting ``path`` to ``value``: the top-level section
    copied whole, so a list element (``lines[0].baud``) keeps its neighbours."""
    section = copy.deepcopy(current.get(path[0]))
    if len(path) == 1:
        return {path[0]: value}
    target = lookup(section, path[1:-1], "")
    target[path[-1]] = value
    return {path[0]: section}


def config_show(ctx: Context, args: list[str]) -> str:
    prefix = expect(args, "config show [PREFIX]", 0, 1)[0] if args else ""
    rows = [row for row in schema.describe() if row.path.startswith(prefix)]
    if not rows:
        raise ConsoleError(f"no setting starts with '{prefix}' (try 'config show' alone)")
    return "\n".join(f"{row.path}  [{row.allowed}; default {_shown(row.default)}]  {row.doc}"
                     for row in rows)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


ACTIONS = {"get": config_get, "set": config_set, "import": config_import, "show": config_show}

COMMANDS = [
    ("config", cmd_config, "read a setting, change it live (checked first), or list settings",
     USAGE),
]
