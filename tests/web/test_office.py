"""The queues and opening-hours pages: saved, applied, and errors shown beside the field."""
from __future__ import annotations

import html
import re

from appliance.events import SettingsChanged


def fields(page: str) -> list[tuple[str, str]]:
    """What a browser sends for the form unchanged (text inputs, ticked boxes, selections)."""
    pairs = []
    for tag in re.findall(r"<input ([^>]*)>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) == "csrf":
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                pairs.append((name.group(1), "on"))
        else:
            pairs.append((name.group(1), html.unescape(value.group(1)) if value else ""))
    for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r"<option selected>([^<]*)</option>", body)
        pairs.append((name, chosen.group(1) if chosen else ""))
    return pairs


def edited(pairs, drop=(), **values):
    out = [(n, values.pop(n, v)) for n, v in pairs if n not in drop]
    return out + list(values.items())


def test_queue_settings_are_saved_and_applied(owner, web):
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), drop=("queues.sales.announce_wait",), **{
        "queues.sales.strategy": "ring_all", "queues.sales.ring_timeout_s": "25",
        "queues.sales.callback_offer_after_s": "", "callbacks.max_attempts": "5"}))
    assert reply.status == 303, reply.text
    settings = web[2].load()
    sales = settings["queues"]["sales"]
    assert (sales["strategy"], sales["ring_timeout_s"], sales["announce_wait"],
            sales["callback_offer_after_s"]) == ("ring_all", 25, False, None)
    assert settings["callbacks"]["max_attempts"] == 5
    assert isinstance(web[1].posted[-1], SettingsChanged)


def test_a_queue_value_out_of_bounds_is_shown_beside_its_field(owner, web):
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), **{"queues.support.wrapup_s": "9999"}))
    assert reply.status == 400
    beside = re.search(r'<label class="has-error">Wrap-up after a call \(s\)\s*<input name='
                       r'"queues.support.wrapup_s"[^>]*>\s*<span class="field-error">([^<]*)</span>',
                       reply.text)
    assert beside and "at most 600" in beside.group(1)
    assert web[2].load()["queues"]["support"]["wrapup_s"] == 10


def test_the_queue_form_shows_the_schemas_help(owner):
    assert "seconds a handset rings before the next operator is tried" in owner.get("/queues").text


def test_opening_hours_and_holidays_are_saved(owner, web):
    page = owner.get("/hours").text
    reply = owner.post("/hours", edited(fields(page), drop=("hours.always_open",), **{
        "hours.weekly.mon": "09:00-12:30, 13:30-17:00", "hours.weekly.sat": "",
        "hours.holidays": "2026-12-25 2026-12-26", "hours.timezone": "Europe/London"}))
    assert reply.status == 303, reply.text
    hours = web[2].load()["hours"]
    assert hours["weekly"]["mon"] == [["09:00", "12:30"], ["13:30", "17:00"]]
    assert hours["weekly"]["sat"] == [] and hours["timezone"] == "Europe/London"
    assert hours["holidays"] == ["2026-12-25", "2026-12-26"]
    assert "09:00-12:30, 13:30-17:00" in owner.get("/hours").text


def test_always_open_clears_the_week(owner, web):
    page = owner.get("/hours").text
    reply = owner.post("/hours", edited(fields(page), **{"hours.always_open": "on"}))
    assert reply.status == 303 and web[2].load()["hours"]["weekly"] is None


def test_bad_hours_are_explained_beside_the_field(owner, web):
    page = owner.get("/hours").text
    pairs = edited(fields(page), drop=("hours.always_open",), **{"hours.weekly.tue": "nine to five"})
    reply = owner.post("/hours", pairs)
    assert reply.status == 400 and "time ranges like 09:00-17:30" in reply.text
    assert 'class="field-error"' in reply.text
    bad_date = edited(fields(page), drop=("hours.always_open",), **{"hours.holidays": "2026-02-30"})
    reply = owner.post("/hours", bad_date)
    assert reply.status == 400 and "not a real date" in reply.text
    backwards = edited(fields(page), drop=("hours.always_open",), **{"hours.weekly.wed": "17:00-09:00"})
    assert "must start before it ends" in owner.post("/hours", backwards).text
