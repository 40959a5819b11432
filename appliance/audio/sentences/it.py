"""Italian: numbers, queue positions, waits and phone numbers as prompt keys.

Numbers below a hundred are whole recorded words, so the elisions come out right (ventuno,
ventotto, ventitré); hundreds and thousands are their own words (cento, duecento; mille,
duemila), so 101 is "cento uno" and 2023 "duemila ventitré". One minute and one hour take the
article, not the number: "un minuto", "un'ora"; more take the plural: "cinque minuti", "due ore".

>>> wait(60), wait(4500)
(['about', 'minute_one'], ['about', 'hour_one', 'and', 'num_15', 'minutes'])
"""
from __future__ import annotations

from appliance.audio.sentences import common

LANGUAGE = "it"


def number(n: int) -> list[str]:
    """A cardinal number 0-9999: 1101 -> ["num_1000", "num_100", "num_1"] (mille cento uno)."""
    common.check_number(n)
    if n < 100:
        return [f"num_{n}"]
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    keys = [f"num_{thousands * 1000}"] if thousands else []
    keys += [f"num_{hundreds * 100}"] if hundreds else []
    return keys + ([f"num_{rest}"] if rest else [])


def position(n: int) -> list[str]:
    """Said after "La sua posizione in coda è": just the number."""
    return number(n)


def _count(n: int, one: str, many: str) -> list[str]:
    return [one] if n == 1 else number(n) + [many]


def wait(seconds: float) -> list[str]:
    """Said after "Il tempo di attesa stimato è": "di circa cinque minuti", "inferiore a un minuto"."""
    return common.about_hours_minutes(seconds, lambda n: _count(n, "hour_one", "hours"),
                                      lambda n: _count(n, "minute_one", "minutes"))


def phone(number: str) -> list[str]:
    """Digit by digit, "più" first, groups of three with a last group of four (+39 061 234 5678)."""
    return common.spell(number, lambda d: f"num_{d}")
