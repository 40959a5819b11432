"""CSV cells a spreadsheet shows as text, never runs as a formula (OWASP "CSV injection").

A caller ID, a name or a note comes from outside; ``=1+2`` or ``=HYPERLINK(...)`` in a cell would
run when the owner opens the export. Every cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or a line feed (after any spaces) gets a single quote in front, as
OWASP advises; the rest of the cell is unchanged and the csv module still does the quoting of
commas and double quotes.

Phone numbers: ``+441632960001`` begins with ``+``, which a spreadsheet reads as a formula and
turns into the number 441632960001. With the quote it stays text and keeps its ``+``; Excel and
LibreOffice take the quote as "text follows" when the cell is typed or pasted, and show it
when a file is opened, which is the cost of not running a formula. A plain negative number
(``-3``, ``-2.5``) is left alone: it cannot run anything. ``plain`` takes the quote off again
for a program (the phone book import) reading such a file back.

>>> row(["=1+2", "+441632960001", "Ann", -3, None])
["'=1+2", "'+441632960001", 'Ann', '-3', '']
>>> plain("'+441632960001")
'+441632960001'
"""
from __future__ import annotations

import re
from typing import Any, Iterable

RISKY = ("=", "+", "-", "@", "\t", "\r", "\n")
_NEGATIVE = re.compile(r"-[0-9]+(?:\.[0-9]+)?")


def cell(value: Any) -> str:
    """``value`` as the text of one CSV cell, with a quote in front if it could run as a formula."""
    text = "" if value is None else str(value)
    if _NEGATIVE.fullmatch(text):
        return text
    return "'" + text if text.lstrip(" ").startswith(RISKY) else text


def row(values: Iterable[Any]) -> list[str]:
    """``cell`` of each value, for ``csv.writer.writerow``."""
    return [cell(value) for value in values]


def plain(text: str) -> str:
    """The cell as it was before ``cell``: one leading quote taken off where ``cell`` put one."""
    if text.startswith("'") and cell(text[1:]) == text:
        return text[1:]
    return text
