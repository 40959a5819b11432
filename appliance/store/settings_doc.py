"""docs/settings.md rendered from the declared schema, so the reference can never drift from the code.

Regenerate after changing a setting::

    .venv/bin/python -m appliance.store.settings_doc docs/settings.md
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from appliance.store import menu_schema, schema
from appliance.store.fields import INHERIT, REQUIRED, Row

INTRO = """\
# Settings

Generated from `appliance/store/schema.py` by `python -m appliance.store.settings_doc`; do not edit
by hand (a test fails when this file and the schema disagree).

The settings live in `settings.json` in the data folder (`--data-dir`, default
`/var/lib/ivr-appliance`). The file is TinyDB's JSON: the document sits in table `settings` under
record `"1"`. Change settings on the web page, on the console, or as a whole document with
`ivr-appliance config export > mine.json` and `ivr-appliance config import mine.json`. Every save
is checked against the table below first and changes nothing when any key is wrong; the message
names the key, e.g. `Setting 'queues.sales.ring_timeout_s' must be at least 5`. Keys left out are
filled from the defaults (a queue given as `{}` gets every default); unknown keys are errors.
Each save keeps the previous good file as `settings.json.bak` (see troubleshooting.md).
"""


def _cell(value) -> str:
    if value is REQUIRED:
        return "required"
    if value is INHERIT:
        return "inherited"
    if isinstance(value, (list, dict)) and value:
        return "see the default document"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _table(rows: list[Row]) -> list[str]:
    lines = ["| setting | default | allowed | meaning |", "| --- | --- | --- | --- |"]
    for row in rows:
        cells = (f"`{row.path}`", _cell(row.default), row.allowed, row.doc)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return lines


def _sections(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(re.match(r"[a-z_]+", row.path).group(), []).append(row)
    return out


def _actions() -> list[str]:
    lines = ["| action | fields | what the caller gets |", "| --- | --- | --- |"]
    for kind, (fields, doc) in menu_schema.ACTIONS.items():
        names = ", ".join(f"`{name}`" for name in fields) or "none"
        lines.append(f"| `{kind}` | {names} | {doc} |")
    return lines


def _pins() -> list[str]:
    lines = ["| signal | default BCM pin |", "| --- | --- |"]
    return lines + [f"| `{signal}` | {pin} |" for signal, pin in schema.DEFAULT_PINS.items()]


def render() -> str:
    """The whole of docs/settings.md."""
    top = [row for row in schema.describe() if not row.path.startswith("menu.<node>")]
    nodes = [row for row in schema.describe() if row.path.startswith("menu.<node>")]
    out = [INTRO, "## The default document", "", "```json",
           json.dumps(schema.defaults(), indent=2), "```", ""]
    for section, rows in _sections(top).items():
        out += [f"## `{section}`", "", *_table(rows), ""]
    out += ["## Menu nodes", "", "`menu.root` and every `submenu` action's `menu` is a node:", "",
            *_table(nodes), "", "## Menu actions", "",
            "Each option (and each fallback) is a map with `action` and that action's fields, e.g. "
            '`{"action": "queue", "queue": "sales"}`. Fallbacks may only be `queue` or `goodbye`.',
            "", *_actions(), "", "## Board pins", "",
            "The reference board's wiring; `handsets.pins` moves a signal to another BCM pin. "
            "Two signals on one pin are refused.", "", *_pins(), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Write the reference to the path given, or print it."""
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
