"""What the grammars share: the hours and minutes of a wait, the digit groups of a phone number."""
from __future__ import annotations

import re

MAX_NUMBER = 9999
# ITU country codes of one and two digits; every other code has three (E.164, 2024 list).
_CC1 = {"1", "7"}
_CC2 = {"20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"}


def check_number(n: int) -> int:
    """``n`` itself if the grammars can say it as a number (0-9999); ValueError otherwise."""
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"can only say whole numbers from 0 to {MAX_NUMBER} (got {n!r})")
    return n


def hours_minutes(seconds: float) -> tuple[int, int]:
    """A wait of at least a minute as (hours, minutes), to the nearest minute.

    The engine has already rounded the wait for speech (appliance.engine.ewt.round_for_speech), so
    this only turns seconds into the units spoken: 4500 s -> (1, 15).
    """
    return divmod(max(1, int(seconds / 60 + 0.5)), 60)


def about_hours_minutes(seconds: float, hours_keys, minutes_keys) -> list[str]:
    """"About <hours> and <minutes>" for languages that say it that way (English, Italian):
    ``hours_keys(n)`` and ``minutes_keys(n)`` give a count with its unit in the language's
    grammar. Under a minute: "less than a minute"."""
    if seconds < 60:
        return ["less_than_minute"]
    hours, minutes = hours_minutes(seconds)
    keys = ["about"] + (hours_keys(hours) if hours else [])
    keys += ["and"] if hours and minutes else []
    return keys + (minutes_keys(minutes) if minutes else [])


def country_code(digits: str) -> str:
    """The country code at the start of an international number's digits: "390612345" -> "39"."""
    for size, codes in ((1, _CC1), (2, _CC2)):
        if digits[:size] in codes:
            return digits[:size]
    return digits[:3]


def threes(digits: str) -> list[str]:
    """Groups of three, a last group of four instead of a lonely digit: 3-4, 3-3-4, 3-3-3, 3-2."""
    if len(digits) <= 4:
        return [digits] if digits else []
    cut = len(digits) - 4 if len(digits) % 3 == 1 else len(digits)
    groups = [digits[i:i + 3] for i in range(0, cut, 3)]
    return groups + ([digits[cut:]] if cut < len(digits) else [])


def threes_then_pairs(digits: str) -> list[str]:
    """Russian habit: the last four digits as two pairs (916 123 45 67, 123 45 67)."""
    if len(digits) < 7:
        return threes(digits)
    return threes(digits[:-4]) + [digits[-4:-2], digits[-2:]]


def phone_groups(number: str, national=threes) -> tuple[bool, list[str]]:
    """(international?, digit groups) of a phone number as it is read back.

    Separators the number already has (spaces, dashes, dots, brackets) mark the groups; a bare
    number is split into its country code and the ``national`` grouping of the rest.
    """
    text = number.strip()
    international = text.startswith("+")
    written = re.findall(r"\d+", text)
    if len(written) > 1:
        return international, [g for part in written for g in national(part)]
    digits = "".join(written)
    if not international:
        return False, national(digits)
    code = country_code(digits)
    return True, [code] + national(digits[len(code):])


def spell(number: str, digit_key, national=threes) -> list[str]:
    """Prompt keys reading ``number`` digit by digit: "plus", digits, and a "pause" between groups."""
    international, groups = phone_groups(number, national)
    keys = ["plus"] if international else []
    for index, group in enumerate(groups):
        if index:
            keys.append("pause")
        keys.extend(digit_key(int(d)) for d in group)
    return keys
