"""English: numbers, queue positions, waits and phone numbers as prompt keys.

Numbers below a hundred are whole recorded words ("twenty-one"); above, American style without
"and": 1234 -> "one thousand two hundred thirty-four". A wait is "about five minutes", "about one
hour and fifteen minutes", or "less than a minute".

>>> wait(240)
['about', 'num_4', 'minutes']
"""
from __future__ import annotations

from appliance.audio.sentences import common

LANGUAGE = "en"


def number(n: int) -> list[str]:
    """A cardinal number 0-9999: 105 -> ["num_1", "hundred", "num_5"]."""
    common.check_number(n)
    if n < 100:
        return [f"num_{n}"]
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    keys = [f"num_{thousands}", "thousand"] if thousands else []
    keys += [f"num_{hundreds}", "hundred"] if hundreds else []
    return keys + ([f"num_{rest}"] if rest else [])


def position(n: int) -> list[str]:
    """Said after "You are caller number": just the number."""
    return number(n)


def _count(n: int, one: str, many: str) -> list[str]:
    return number(n) + [one if n == 1 else many]


def wait(seconds: float) -> list[str]:
    """Said after "Your estimated wait is": 0 (under a minute) -> "less than a minute"."""
    return common.about_hours_minutes(seconds, lambda n: _count(n, "hour", "hours"),
                                      lambda n: _count(n, "minute", "minutes"))


def phone(number: str) -> list[str]:
    """Digit by digit, "plus" first, groups of three with a last group of four (+1 555 123 4567)."""
    return common.spell(number, lambda d: f"num_{d}")
