"""The one JSON reader for every file the appliance reads that a person or a power cut may have
spoiled: settings, scenarios, recovery files.

Python's ``json`` takes things no such file should hold and some that crash the reader: NaN and
Infinity (a scenario time of NaN made ``sim --fast`` hang), numbers of a thousand digits or
``1e999`` (which turn into an exception far from the file), a map with one key twice (the last
silently wins), and nesting deep enough to exhaust Python's stack (``RecursionError`` at boot,
although the settings backup was good). Here each is a ``JsonError`` (a ValueError) that says
what and where, before anything downstream sees the data.

>>> loads('{"a": 1}')
{'a': 1}
>>> loads('{"a": NaN}')
Traceback (most recent call last):
...
appliance.safejson.JsonError: NaN is not a number a file may hold (use null or a number)
"""
from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64                  # settings nest about 10 deep (the voice menu's submenus)
MAX_BYTES = 8 * 2**20
MAX_DIGITS = 18                 # whole numbers up to about 10**18: seconds, counts, ports


class JsonError(ValueError):
    """Text that is not JSON this appliance accepts; the message says what and where."""


def loads(text: str | bytes, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> Any:
    """``text`` as data, or JsonError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError(f"not UTF-8 text (byte {exc.start})") from None
    if len(text) > max_bytes:
        raise JsonError(f"{len(text)} characters: more than the {max_bytes} a file may hold")
    _check_depth(text, max_depth)
    try:
        return json.loads(text, parse_constant=_constant, parse_int=_int, parse_float=_float,
                          object_pairs_hook=_unique)
    except json.JSONDecodeError as exc:
        raise JsonError(f"line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise JsonError(f"nested more than {max_depth} deep") from None


def _check_depth(text: str, limit: int) -> None:
    """Refuse deep nesting before the parser recurses into it (strings skipped)."""
    depth, inside, escaped = 0, False, False
    for index, char in enumerate(text):
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, index) + 1
                raise JsonError(f"line {line}: nested more than {limit} deep")
        elif char in "]}":
            depth -= 1


def _constant(name: str):
    raise JsonError(f"{name} is not a number a file may hold (use null or a number)")


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise JsonError(f"the number {digits[:12]}... has more than {MAX_DIGITS} digits")
    return int(digits)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonError(f"the number {text[:20]} is too large")
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise JsonError(f"the key '{key}' appears twice in one map")
        out[key] = value
    return out
