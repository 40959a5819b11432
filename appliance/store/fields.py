"""Typed setting declarations: each knows its default, its bounds, its one-line doc and how to check a value.

A declaration checks a value and returns it normalised (records completed from their defaults), or
raises ``SettingsError`` with a Klipper-style message that names the key path:
``Setting 'queues.sales.ring_timeout_s' must be at least 5``.

>>> Int(15, "seconds", low=5).check(3, "queues.sales.ring_timeout_s")
Traceback (most recent call last):
...
appliance.errors.SettingsError: Setting 'queues.sales.ring_timeout_s' must be at least 5
"""
from __future__ import annotations

import copy
import difflib
import json
import math
import re
from abc import ABC, abstractmethod
from typing import Any, Callable, NamedTuple, NoReturn

from appliance.errors import SettingsError


class _Marker:
    """A default that is not a value (shown by name in docs)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


REQUIRED = _Marker("required")   # must be given: no default makes sense (an operator's id)
INHERIT = _Marker("inherited")   # absent means "use the enclosing level's value"; nothing is filled in


class Row(NamedTuple):
    """One line of the settings reference: where, default, what is allowed, what it means."""
    path: str
    default: Any
    allowed: str
    doc: str


def join(path: str, key: str | int) -> str:
    """The key path of a child as messages show it: ``queues.sales``, ``lines[0].port``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def fail(path: str, text: str) -> NoReturn:
    """Raise the one error type settings use, naming the key path first."""
    raise SettingsError(f"Setting '{path}' {text}")


def shown(value: Any) -> str:
    """A value as JSON, short enough for a one-line message."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 40 else text[:37] + "..."


def as_map(value: Any, path: str) -> dict:
    """``value`` if it is a JSON object, else the error a person can fix."""
    if not isinstance(value, dict):
        fail(path, f"must be a map of settings (got {shown(value)})")
    return value


def reject_unknown(mapping: dict, known, path: str, what: str = "setting") -> None:
    """Unknown keys are typos more often than not: name the key and the nearest known one."""
    for key in mapping:
        if key not in known:
            near = difflib.get_close_matches(str(key), list(known), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            fail(join(path, str(key)), f"is not a known {what}{hint}")


class Spec(ABC):
    """A declared setting: a default (or REQUIRED / INHERIT), a one-line doc, and a check."""

    def __init__(self, default: Any, doc: str, nullable: bool = False):
        self.default, self.doc, self.nullable = default, doc, nullable

    def check(self, value: Any, path: str) -> Any:
        """The value normalised, or SettingsError naming ``path``."""
        if value is None and self.nullable:
            return None
        return self.check_value(value, path)

    @abstractmethod
    def check_value(self, value: Any, path: str) -> Any:
        """Each kind of setting checks and normalises its own values."""

    def default_value(self, path: str = "") -> Any:
        """The default, completed and checked like any given value."""
        return self.check(copy.deepcopy(self.default), path)

    def allowed(self) -> str:
        """What values are accepted, in words for docs/settings.md."""
        text = self.allowed_value()
        return f"{text}, or null" if self.nullable else text

    @abstractmethod
    def allowed_value(self) -> str:
        """Each kind of setting says in words what it accepts."""

    def rows(self, path: str) -> list[Row]:
        """Reference rows for this setting (and its children, for containers)."""
        return [Row(path, self.default, self.allowed(), self.doc)]


def _range_text(low, high) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    return f"at most {high}" if high is not None else "any"


def _too_few(least: int, noun: str) -> str:
    return "must not be empty" if least == 1 else f"needs at least {least} {noun}"


class _Bounded(Spec):
    """Numbers with optional inclusive bounds."""

    noun = "number"

    def __init__(self, default, doc, low=None, high=None, nullable=False):
        super().__init__(default, doc, nullable)
        self.low, self.high = low, high

    def bounded(self, value, path: str):
        if self.low is not None and value < self.low:
            fail(path, f"must be at least {self.low}")
        if self.high is not None and value > self.high:
            fail(path, f"must be at most {self.high}")
        return value

    def allowed_value(self) -> str:
        return f"{self.noun} {_range_text(self.low, self.high)}"


class Int(_Bounded):
    """A whole number (counts, ports, pins). ``true`` is not 1 here, whatever Python thinks."""

    noun = "whole number"

    def check_value(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            fail(path, f"must be a whole number (got {shown(value)})")
        return self.bounded(value, path)


class Number(_Bounded):
    """A finite number, whole or not (durations in seconds); kept as given so 15 stays 15."""

    def check_value(self, value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            fail(path, f"must be a number (got {shown(value)})")
        return self.bounded(value, path)


class Bool(Spec):
    """``true`` or ``false``; 0, 1 and "yes" are refused so a typo cannot flip a switch."""

    def check_value(self, value, path):
        if not isinstance(value, bool):
            fail(path, f"must be true or false (got {shown(value)})")
        return value

    def allowed_value(self) -> str:
        return "true or false"


NAME = (r"[A-Za-z0-9_-]+", "letters, digits, '_' and '-'")
PROMPT_KEY = (r"[a-z0-9_]+", "lowercase letters, digits and '_'")


def _encodable(value: str) -> bool:
    """UTF-8 can hold it (a lone surrogate, from a broken \\ud800 escape, it cannot)."""
    try:
        value.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


class Text(Spec):
    """Non-empty text, optionally limited to a character set such as ``NAME``."""

    def __init__(self, default, doc, charset: tuple[str, str] | None = None, nullable=False):
        super().__init__(default, doc, nullable)
        self.charset = charset

    def check_value(self, value, path):
        if not isinstance(value, str):
            fail(path, f"must be text (got {shown(value)})")
        if not value:
            fail(path, "must not be empty")
        if not value.isprintable() and not _encodable(value):
            safe = value.encode("utf-8", "backslashreplace").decode("utf-8")
            fail(path, f"holds a character that is not text (got \"{safe[:40]}\")")
        if self.charset and not re.fullmatch(self.charset[0], value):
            fail(path, f"may contain only {self.charset[1]} (got {shown(value)})")
        return value

    def allowed_value(self) -> str:
        return f"text of {self.charset[1]}" if self.charset else "text"


class Choice(Spec):
    """One of a fixed set of words."""

    def __init__(self, default, choices: tuple, doc, nullable=False):
        super().__init__(default, doc, nullable)
        self.choices = choices

    def check_value(self, value, path):
        if not isinstance(value, str) or value not in self.choices:
            fail(path, f"must be one of: {', '.join(self.choices)} (got {shown(value)})")
        return value

    def allowed_value(self) -> str:
        return ", ".join(self.choices)


class Custom(Spec):
    """A setting whose check is a function (time zones, dates, the menu tree)."""

    def __init__(self, default, doc, check: Callable[[Any, str], Any], allowed: str, nullable=False):
        super().__init__(default, doc, nullable)
        self.fn, self.allowed_text = check, allowed

    def check_value(self, value, path):
        return self.fn(value, path)

    def allowed_value(self) -> str:
        return self.allowed_text


class Record(Spec):
    """A map of declared fields; missing ones are filled from their defaults, unknown ones refused.

    ``finish(record, path)`` runs after the fields, for defaults that depend on other fields and
    for checks between them.
    """

    def __init__(self, fields: dict[str, Spec], doc: str = "", finish=None, nullable=False):
        super().__init__({}, doc, nullable)
        self.fields, self.finish = fields, finish

    def check_value(self, value, path):
        mapping = as_map(value, path)
        reject_unknown(mapping, self.fields, path)
        out: dict = {}
        for key, spec in self.fields.items():
            out.update(self._field(mapping, key, spec, path))
        return self.finish(out, path) if self.finish else out

    @staticmethod
    def _field(mapping: dict, key: str, spec: Spec, path: str) -> dict:
        where = join(path, key)
        if key in mapping:
            return {key: spec.check(mapping[key], where)}
        if spec.default is REQUIRED:
            fail(where, "is required")
        return {} if spec.default is INHERIT else {key: spec.default_value(where)}

    def allowed_value(self) -> str:
        return "settings (below)"

    def rows(self, path: str) -> list[Row]:
        return [row for key, spec in self.fields.items() for row in spec.rows(join(path, key))]


class ListOf(Spec):
    """A list of items of one kind, with a size range and optionally no repeats.

    ``unique`` is the field of each item that must not repeat (``"id"``), or True when the items
    themselves must not repeat (a list of names).
    """

    def __init__(self, item: Spec, default, doc, noun: str, min_items=0, max_items=None,
                 unique: str | bool = False, note: str = ""):
        super().__init__(default, doc)
        self.item, self.noun, self.unique, self.note = item, noun, unique, note
        self.min_items, self.max_items = min_items, max_items

    def check_value(self, value, path):
        if not isinstance(value, list):
            fail(path, f"must be a list (got {shown(value)})")
        self._check_size(len(value), path)
        items = [self.item.check(item, join(path, i)) for i, item in enumerate(value)]
        self._check_unique(items, path)
        return items

    def _check_size(self, size: int, path: str) -> None:
        if size < self.min_items:
            fail(path, _too_few(self.min_items, self.noun))
        if self.max_items is not None and size > self.max_items:
            fail(path, f"allows at most {self.max_items} {self.noun}{self.note}; got {size}")

    def _check_unique(self, items: list, path: str) -> None:
        if not self.unique:
            return
        field = self.unique if isinstance(self.unique, str) else None
        seen: dict = {}
        for index, item in enumerate(items):
            value = item[field] if field else item
            where = join(join(path, index), field) if field else join(path, index)
            if value in seen:
                fail(where, f"repeats {shown(value)}, already given at {seen[value]}")
            seen[value] = where

    def allowed_value(self) -> str:
        if self.max_items is not None:
            size = f"{self.min_items} to {self.max_items}" if self.min_items else f"up to {self.max_items}"
            return f"list of {size} {self.noun}"
        return f"list of {self.min_items} or more {self.noun}" if self.min_items else f"list of {self.noun}"

    def rows(self, path: str) -> list[Row]:
        own = Row(path, self.default, self.allowed(), self.doc)
        return [own] + (self.item.rows(path + "[]") if isinstance(self.item, Record) else [])


class MapOf(Spec):
    """A map from names to items of one kind (queues by name, pins by signal)."""

    def __init__(self, item: Spec, default, doc, noun: str, keys: tuple | None = None,
                 key_noun: str = "name", min_items=0, nullable=False):
        super().__init__(default, doc, nullable)
        self.item, self.noun, self.keys, self.min_items = item, noun, keys, min_items
        self.key_noun = key_noun

    def check_value(self, value, path):
        mapping = as_map(value, path)
        if len(mapping) < self.min_items:
            fail(path, _too_few(self.min_items, self.noun))
        if self.keys is not None:
            reject_unknown(mapping, self.keys, path, self.key_noun)
        return {self._key(key, path): self.item.check(item, join(path, key))
                for key, item in mapping.items()}

    def _key(self, key: str, path: str) -> str:
        if self.keys is None and not re.fullmatch(NAME[0], key):
            fail(join(path, key), f"is not a valid name: use only {NAME[1]}")
        return key

    def allowed_value(self) -> str:
        names = ", ".join(self.keys) if self.keys else NAME[1]
        return f"map of {self.key_noun} ({names}) to {self.item.allowed()}"

    def rows(self, path: str) -> list[Row]:
        own = Row(path, self.default, self.allowed(), self.doc)
        return [own] + (self.item.rows(path + ".<name>") if isinstance(self.item, Record) else [])
