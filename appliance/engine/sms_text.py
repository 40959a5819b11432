"""The words of a text message: templates with placeholders, filled in per language (pure).

A template is text with placeholders in braces. The settings check (``appliance.store.schema``)
uses ``placeholders`` and ``samples`` to refuse templates it cannot fill or that could not fit one
message; the engine (``engine/sms.py``) fills them with ``render``.

>>> render("Call back on {number} at about {time}.", {"number": "+441632960001", "time": "14:20"})
'Call back on +441632960001 at about 14:20.'
>>> is_mobile("+441632960001"), is_mobile("0612345"), is_mobile("+44 1632")
(True, False, False)
"""
from __future__ import annotations

import re
from datetime import time

from appliance.engine.schedule import DAYS, Schedule

KINDS = ("callback_confirm", "missed_apology")
# What each template may use: a missed call has no callback time.
ALLOWED = {"callback_confirm": ("number", "time", "hours", "business"),
           "missed_apology": ("number", "hours", "business")}
MAX_TEMPLATE_CHARS = 600
MAX_SENDER_CHARS = 40
ROUND_S = 300                          # "at about": the dial-back time to the nearest 5 minutes

# A number a text message can go to: a full number, 8 to 15 digits (E.164 allows 15) with an
# optional leading +. Shorter numbers are extensions, short codes or numbers keyed without their
# area code; nothing else (spaces, *, #) is dialled as a mobile number.
_MOBILE = re.compile(r"\+?[0-9]{8,15}")
LONGEST_NUMBER = "+" + "9" * 15
_FIELD = re.compile(r"\{([^{}]*)\}")

WORDS = {
    "en": {"days": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), "today": "today",
           "always": "24/7", "never": "closed", "time_on_day": "{time} on {day}"},
    "ru": {"days": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"), "today": "сегодня",
           "always": "круглосуточно", "never": "закрыто", "time_on_day": "{time} ({day})"},
    "it": {"days": ("lun", "mar", "mer", "gio", "ven", "sab", "dom"), "today": "oggi",
           "always": "24 ore su 24", "never": "chiuso", "time_on_day": "{time} ({day})"},
}


def is_mobile(number: str | None) -> bool:
    """True for a number a text message may be sent to (the rule above)."""
    return bool(number) and _MOBILE.fullmatch(number) is not None


def placeholders(template: str) -> list[str]:
    """The placeholder names in ``template``, in order; ValueError for a brace that does not
    belong to a placeholder (``{`` without ``}``, or ``}`` alone)."""
    names = _FIELD.findall(template)
    if "{" in _FIELD.sub("", template) or "}" in _FIELD.sub("", template):
        raise ValueError("has a '{' or '}' that is not part of a placeholder such as {number}")
    return names


def render(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by ``values[name]``."""
    return _FIELD.sub(lambda m: values[m.group(1)], template)


def words(language: str) -> dict:
    """The little words of ``language`` (English for a language without its own)."""
    return WORDS.get(language, WORDS["en"])


def _hhmm(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def clock(schedule: Schedule, at: float, now: float, language: str) -> str:
    """``at`` on the office's clock: ``14:20``, with the weekday when it is not today's date."""
    here = schedule.local(at)
    text = here.strftime("%H:%M")
    if here.date() == schedule.local(now).date():
        return text
    lang = words(language)
    return lang["time_on_day"].format(time=text, day=lang["days"][here.weekday()])


def dialback_time(schedule: Schedule, now: float, wait_s: float, language: str) -> str:
    """When the dial-back is expected: ``now + wait_s`` to the nearest 5 minutes; when the
    office closes (or is closed) before then, its next opening, with the day if not today."""
    expected = now + max(0.0, wait_s)
    closes = schedule.next_close(now)
    if closes is not None and closes <= expected:
        opens = schedule.next_open(closes)
        if opens is not None:
            return clock(schedule, opens, now, language)
    return clock(schedule, round(expected / ROUND_S) * ROUND_S, now, language)


def _ranges(schedule: Schedule, weekday: int) -> str:
    spans = [(time(0, 0), time.max)] if schedule.always_open else schedule.ranges[DAYS[weekday]]
    return ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in spans)


def hours(schedule: Schedule, now: float, language: str) -> str:
    """Opening hours in short: ``today 09:00-17:30``, or the next day the office opens
    (``Tue 09:00-12:30, 14:00-18:00``); ``24/7`` when always open; ``closed`` if it never opens."""
    lang, here = words(language), schedule.local(now)
    if schedule.always_open and here.date() not in schedule.holidays:
        return lang["always"]
    later_today = here.date() not in schedule.holidays and (schedule.always_open or any(
        end == time.max or end > here.time() for _, end in schedule.ranges[DAYS[here.weekday()]]))
    if later_today:
        day = here.date()
    else:
        opens = schedule.next_open(now)
        if opens is None:
            return lang["never"]
        day = schedule.local(opens).date()
    prefix = lang["today"] if day == here.date() else lang["days"][day.weekday()]
    return f"{prefix} {_ranges(schedule, day.weekday())}"


def samples(hours_settings: dict, language: str, sender_name: str | None) -> dict[str, list[str]]:
    """Every kind of value each placeholder can take in ``language`` (for the worst case of a
    template): the longest number, each weekday's form of a time and of the opening hours."""
    schedule, lang = Schedule(hours_settings), words(language)
    times = ["23:55"] + [lang["time_on_day"].format(time="23:55", day=day) for day in lang["days"]]
    spans = [_ranges(schedule, weekday) for weekday in range(7)]
    found = [lang["always"], lang["never"]]
    found += [f"{prefix} {span}" for span in spans for prefix in (lang["today"], *lang["days"])]
    return {"number": [LONGEST_NUMBER], "time": times, "hours": found,
            "business": [sender_name or ""]}
