"""Declared checks for scenario JSON: each field names its type, bounds and default in one place.

A checker is ``check(value, path) -> value`` that raises ScenarioError naming the path. Objects
are checked against a table ``{key: (checker, default)}``; a key not in the table is an error that
names it, and ``REQUIRED`` marks a field without a default.

Example::

    CALLER = {"at_s": (seconds(), REQUIRED), "keys": (key_string, "")}
    check_object({"at_s": 5}, "callers[0]", CALLER)   # {"at_s": 5.0, "keys": ""}
"""
from __future__ import annotations

import re
from typing import Any, Callable

from appliance import timefmt
from appliance.errors import ScenarioError

Checker = Callable[[Any, str], Any]
REQUIRED = object()


def fail(path: str, what: str, value: Any) -> ScenarioError:
    """The error for ``path`` holding ``value`` where ``what`` was expected."""
    return ScenarioError(f"Scenario '{path}' must be {what}; got {value!r}")


def check_object(doc: Any, path: str, fields: dict[str, tuple[Checker, Any]]) -> dict:
    """``doc`` checked against ``fields``, with defaults filled in."""
    if not isinstance(doc, dict):
        raise fail(path or "(top level)", "a JSON object", doc)
    for key in doc:
        if key not in fields:
            known = ", ".join(fields)
            raise ScenarioError(f"Scenario key '{_join(path, key)}' is not known "
                                f"(known here: {known})")
    return {key: _field(doc, path, key, check, default)
            for key, (check, default) in fields.items()}


def _field(doc: dict, path: str, key: str, check: Checker, default: Any) -> Any:
    if key in doc:
        return check(doc[key], _join(path, key))
    if default is REQUIRED:
        raise ScenarioError(f"Scenario '{_join(path, key)}' is required")
    return default


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def list_of(item: Checker) -> Checker:
    """A JSON list whose entries each pass ``item``; entries are named ``path[i]``."""
    def check(value, path):
        if not isinstance(value, list):
            raise fail(path, "a list", value)
        return [item(entry, f"{path}[{i}]") for i, entry in enumerate(value)]
    return check


def optional(inner: Checker) -> Checker:
    """null, or a value passing ``inner``."""
    return lambda value, path: None if value is None else inner(value, path)


LARGEST = 1e12           # no count or duration of a scenario comes near (30,000 years of seconds)


def number(low: float = 0.0, high: float | None = None, what: str = "a number") -> Checker:
    """A JSON number (not a boolean) in ``[low, high]``; never NaN, infinite or absurdly large
    (a NaN arrival time made the simulated clock wait for ever)."""
    def check(value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail(path, what, value)
        if isinstance(value, int) and abs(value) > LARGEST or \
                isinstance(value, float) and not -LARGEST <= value <= LARGEST:
            raise fail(path, f"{what} (a finite one, under {LARGEST:.0e})", value)
        if value < low or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"between {low} and {high}"
            raise fail(path, f"{what} {bounds}", value)
        return float(value)
    return check


def seconds(low: float = 0.0, high: float | None = None) -> Checker:
    """A number of seconds in ``[low, high]``."""
    return number(low, high, "a number of seconds")


def integer(low: int, high: int) -> Checker:
    """A JSON integer in ``[low, high]``."""
    def check(value, path):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(path, f"an integer between {low} and {high}", str(value)[:20])
        return value
    return check


def boolean(value: Any, path: str) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise fail(path, "true or false", value)
    return value


def pattern(regex: str, what: str) -> Checker:
    """A string matching ``regex`` entirely."""
    compiled = re.compile(regex)
    def check(value, path):
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise fail(path, what, value)
        return value
    return check


key_string = pattern(r"[0-9*#]*", "a string of phone keys (0-9, * and #)")
phone_number = pattern(r"\+?[0-9]{2,20}", "a phone number such as \"+441632960001\"")
identifier = pattern(r"[A-Za-z0-9_-]+", "a name of letters, digits, _ and -")


def duration(value: Any, path: str) -> float | dict:
    """Seconds (a number above 0), or ``{"mean": s}`` for exponentially distributed times."""
    if isinstance(value, dict):
        return check_object(value, path, {"mean": (seconds(0.001), REQUIRED)})
    return seconds(0.001)(value, path)


def iso_time(value: Any, path: str) -> float:
    """An ISO 8601 time such as ``2026-11-23T09:00:00Z`` (UTC when no offset is given)."""
    try:
        return timefmt.parse(value)
    except ValueError:
        raise fail(path, "an ISO 8601 time such as \"2026-11-23T09:00:00Z\"", value) from None


def json_object(value: Any, path: str) -> dict:
    """Any JSON object (checked elsewhere, e.g. settings by their own schema)."""
    if not isinstance(value, dict):
        raise fail(path, "a JSON object", value)
    return value
