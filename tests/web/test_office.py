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
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        first = re.search(r'<option value="([^"]*)"', body)
        pairs.append((name, (chosen or first).group(1) if (chosen or first) else ""))
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


def test_every_queue_setting_is_editable(owner, web):
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), drop=("queues.sales.leave_when_empty",), **{
        "queues.sales.autopause_after_missed": "0", "queues.sales.escalate_to": "support",
        "queues.sales.escalate_after_s": "90", "queues.sales.max_wait_s": "600",
        "queues.sales.overflow": "queue:support", "queues.sales.leave_when_empty": "on",
        "queues.sales.default_handle_s": "240", "queues.support.max_wait_s": "900",
        "queues.support.overflow": "callback_offer"}))
    assert reply.status == 303, reply.text
    queues = web[2].load()["queues"]
    sales = queues["sales"]
    assert (sales["autopause_after_missed"], sales["escalate_to"], sales["escalate_after_s"],
            sales["max_wait_s"], sales["overflow"], sales["leave_when_empty"],
            sales["default_handle_s"]) == (0, "support", 90, 600,
                                           {"action": "queue", "queue": "support"}, True, 240)
    assert queues["support"]["overflow"] == {"action": "callback_offer"}
    page = owner.get("/queues").text
    assert '<option value="queue:support" selected>' in page


def test_service_level_targets_and_every_callback_setting_are_on_the_queues_page(owner, web):
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), **{
        "queues.sales.service_level_s": "30", "reports.service_level_s": "25",
        "reports.missed_rings_flag": "4", "callbacks.answer_timeout_s": "40",
        "callbacks.close_margin_s": "3600"}))
    assert reply.status == 303, reply.text
    saved = web[2].load()
    assert saved["queues"]["sales"]["service_level_s"] == 30
    assert saved["queues"]["support"]["service_level_s"] is None     # blank: the office's
    assert saved["reports"] == {"service_level_s": 25, "missed_rings_flag": 4}
    assert (saved["callbacks"]["answer_timeout_s"], saved["callbacks"]["close_margin_s"]) \
        == (40, 3600)


def test_escalation_without_a_target_is_explained_at_its_field(owner, web):
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), **{"queues.sales.escalate_after_s": "60"}))
    assert reply.status == 400
    assert re.search(r'name="queues.sales.escalate_after_s"[^>]*autofocus[^>]*>\s*'
                     r'<span class="field-error">[^<]*needs escalate_to', reply.text)


def test_schema_warnings_appear_after_saving(owner, web):
    settings = web[2].load()
    settings["queues"]["spare"] = {}
    web[2].save(settings)
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), **{"queues.sales.escalate_to": "spare",
                                                          "queues.sales.escalate_after_s": "60"}))
    assert reply.status == 303
    assert "Warning: queues.sales.escalate_to names &#039;spare&#039;, which no enabled operator" \
        in owner.get("/queues").text


def test_adding_a_queue(owner, web):
    owner.get("/queues")
    reply = owner.post("/queues/add", {"new_queue": "billing"})
    assert reply.status == 303, reply.text
    assert web[2].load()["queues"]["billing"]["ring_timeout_s"] == 15
    assert "Queue billing added" in owner.get("/queues").text


def test_a_bad_or_taken_queue_name_is_refused_where_it_was_typed(owner, web):
    owner.get("/queues")
    for name, why in (("bill ing", "not a valid queue name"), ("sales", "already a queue")):
        reply = owner.post("/queues/add", {"new_queue": name})
        assert reply.status == 400 and why in reply.text
        assert re.search(r'name="new_queue" value="%s"[^>]*autofocus' % name, reply.text)
    assert sorted(web[2].load()["queues"]) == ["sales", "support"]


def test_renaming_a_queue_moves_every_reference(owner, web):
    settings = web[2].load()
    settings["queues"]["sales"].update(escalate_to="support", escalate_after_s=60)
    settings["queues"]["support"].update(max_wait_s=300, overflow={"action": "queue", "queue": "sales"})
    settings["menu"]["fallback"] = {"action": "queue", "queue": "sales"}
    web[2].save(settings)
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), **{"queues.sales.name": "orders",
                                                          "queues.support.wrapup_s": "20"}))
    assert reply.status == 303, reply.text
    after = web[2].load()
    assert sorted(after["queues"]) == ["orders", "support"]
    assert after["queues"]["support"]["overflow"] == {"action": "queue", "queue": "orders"}
    assert after["queues"]["support"]["wrapup_s"] == 20
    assert after["queues"]["orders"]["escalate_to"] == "support"
    assert [op["queues"] for op in after["operators"]] == [["orders", "support"], ["orders"], ["support"]]
    assert after["menu"]["fallback"] == {"action": "queue", "queue": "orders"}
    assert after["menu"]["root"]["options"]["1"] == {"action": "queue", "queue": "orders"}
    assert "queue sales is now orders" in owner.get("/queues").text.lower()
    assert web[1].posted[-1].renamed == {"sales": "orders"}     # waiting callers follow the name


def test_an_error_in_a_renamed_queue_is_shown_at_its_field(owner, web):
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), **{"queues.sales.name": "orders",
                                                          "queues.sales.wrapup_s": "9999"}))
    assert reply.status == 400
    assert re.search(r'name="queues.sales.wrapup_s"[^>]*autofocus', reply.text)
    assert re.search(r'name="queues.sales.name" value="orders"', reply.text)
    assert sorted(web[2].load()["queues"]) == ["sales", "support"]


def test_a_queue_something_points_at_cannot_be_removed(owner, web):
    page = owner.get("/queues/sales/remove").text
    assert "cannot be removed" in page and "Main menu › key 1" in page
    assert "operator bob serves only this queue" in page
    assert 'id="confirm-remove"' not in page
    reply = owner.post("/queues/sales/remove", {"confirmed": "1"})
    assert reply.status == 409 and sorted(web[2].load()["queues"]) == ["sales", "support"]


def test_removing_a_queue_after_confirming(owner, web):
    owner.get("/queues")
    owner.post("/queues/add", {"new_queue": "billing"})
    settings = web[2].load()
    settings["operators"][0]["queues"].append("billing")
    web[2].save(settings)
    page = owner.get("/queues/billing/remove").text
    assert "Yes, remove queue billing" in page and "taken off the queues of ann" in page
    assert "billing" in web[2].load()["queues"]
    reply = owner.post("/queues/billing/remove", {"confirmed": "1"})
    assert reply.status == 303, reply.text
    after = web[2].load()
    assert "billing" not in after["queues"] and after["operators"][0]["queues"] == ["sales", "support"]
