"""Russian: numbers with gender, the three plural forms, queue positions, waits and phone numbers.

Numbers are built from recorded words (двадцать + одна), so the units agree with the noun:
minutes are feminine (одна минута, две минуты), hours and the queue number masculine (один час,
два часа). The noun after a number takes one of three forms (see ``plural``): 1 минута, 2 минуты,
5 минут, 11 минут, 21 минута. Everything is in the nominative: the phrases are built so that no
number is governed by a preposition ("Примерное время ожидания — пять минут", not "около пяти
минут"), and the queue place is a number, not an ordinal ("Ваш номер в очереди — три"), which
would need the caller's gender.

>>> wait(21 * 60), wait(4500)
(['num_20', 'num_1f', 'minute_one'], ['num_1', 'hour_one', 'num_15', 'minute_many'])
"""
from __future__ import annotations

from appliance.audio.sentences import common

LANGUAGE = "ru"
_FEMININE = {1: "num_1f", 2: "num_2f"}


def plural(n: int) -> str:
    """The noun form after ``n``: "one" (1, 21, 101), "few" (2-4, 22), "many" (0, 5-20, 11-14)."""
    if n % 100 in (11, 12, 13, 14):
        return "many"
    return {1: "one", 2: "few", 3: "few", 4: "few"}.get(n % 10, "many")


def _unit(n: int, gender: str) -> str:
    return _FEMININE[n] if gender == "f" and n in _FEMININE else f"num_{n}"


def _below_hundred(n: int, gender: str) -> list[str]:
    if n < 20:
        return [_unit(n, gender)] if n else []
    tens, unit = divmod(n, 10)
    return [f"num_{tens * 10}"] + ([_unit(unit, gender)] if unit else [])


def _thousands(k: int) -> list[str]:
    # тысяча is feminine: тысяча, две тысячи, пять тысяч
    return ["thousand_one"] if k == 1 else [_unit(k, "f"), f"thousand_{plural(k)}"]


def number(n: int, gender: str = "m") -> list[str]:
    """A cardinal 0-9999 in the nominative, ``gender`` "m" or "f": 2, "f" -> ["num_2f"] (две)."""
    common.check_number(n)
    if n == 0:
        return ["num_0"]
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    keys = _thousands(thousands) if thousands else []
    keys += [f"num_{hundreds * 100}"] if hundreds else []
    return keys + _below_hundred(rest, gender)


def position(n: int) -> list[str]:
    """Said after "Ваш номер в очереди": the number, masculine like номер."""
    return number(n, "m")


def _count(n: int, noun: str, gender: str) -> list[str]:
    return number(n, gender) + [f"{noun}_{plural(n)}"]


def wait(seconds: float) -> list[str]:
    """Said after "Примерное время ожидания": "один час пятнадцать минут", "менее минуты"."""
    if seconds < 60:
        return ["less_than_minute"]
    hours, minutes = common.hours_minutes(seconds)
    keys = _count(hours, "hour", "m") if hours else []
    return keys + (_count(minutes, "minute", "f") if minutes else [])


def phone(number: str) -> list[str]:
    """Digit by digit, "плюс" first, the last four digits as two pairs (+7 916 123 45 67)."""
    return common.spell(number, lambda d: f"num_{d}", common.threes_then_pairs)
