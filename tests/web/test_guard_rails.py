"""Guard rails: removing an operator or a queue is confirmed first, and a save after which nobody
takes calls, or the office is closed all week, is stored only once the owner agrees."""
from __future__ import annotations

import re

from tests.web.test_office import edited, fields


def _no_week(page: str):
    return edited(fields(page), drop=("hours.always_open",),
                  **{f"hours.weekly.{d}": "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})


def test_removing_an_operator_asks_first(owner, web):
    owner.get("/operators")
    reply = owner.post("/operators/bob/delete")
    assert reply.status == 200 and "Remove Bob (bob)?" in reply.text
    assert re.search(r'action="/operators/bob/delete".*name="confirmed" value="1"', reply.text, re.S)
    assert [op["id"] for op in web[2].load()["operators"]] == ["ann", "bob", "cat"]
    assert owner.post("/operators/bob/delete", {"confirmed": "1"}).status == 303
    assert [op["id"] for op in web[2].load()["operators"]] == ["ann", "cat"]


def test_removing_the_last_enabled_operator_spells_out_the_consequence(owner, web):
    settings = web[2].load()
    settings["operators"] = settings["operators"][:1]
    web[2].save(settings)
    owner.get("/operators")
    reply = owner.post("/operators/ann/delete")
    assert "Nobody will be offered calls" in reply.text and "wait until they give up" in reply.text
    assert len(web[2].load()["operators"]) == 1


def test_disabling_the_last_enabled_operator_asks_and_keeps_the_form(owner, web):
    settings = web[2].load()
    for op in settings["operators"][1:]:
        op["enabled"] = False
    web[2].save(settings)
    owner.get("/operators?edit=ann")
    pairs = [("name", "Annie"), ("handset", "1"), ("queue", "support"), ("paused", "on")]
    reply = owner.post("/operators/ann", pairs)
    assert reply.status == 409
    assert "Nobody will be offered calls: no operator is left enabled." in reply.text
    assert re.search(r'<button[^>]*name="confirmed" value="1" form="edit-operator"', reply.text)
    form = re.search(r'<form[^>]*id="edit-operator".*?</form>', reply.text, re.S).group(0)
    assert 'value="Annie"' in form and re.search(r'value="support" checked', form)
    assert web[2].load()["operators"][0]["enabled"] is True
    assert owner.post("/operators/ann", pairs + [("confirmed", "1")]).status == 303
    ann = web[2].load()["operators"][0]
    assert (ann["name"], ann["enabled"], ann["queues"]) == ("Annie", False, ["support"])


def test_leave_when_empty_is_part_of_the_consequence(owner, web):
    settings = web[2].load()
    settings["queues"]["sales"].update(leave_when_empty=True, max_wait_s=60,
                                       overflow={"action": "voicemail"})
    for op in settings["operators"][1:]:
        op["enabled"] = False
    web[2].save(settings)
    owner.get("/operators?edit=ann")
    reply = owner.post("/operators/ann", [("name", "Ann"), ("handset", "1"), ("queue", "sales")])
    assert "in queue sales can leave a voicemail at once" in reply.text


def test_closing_every_day_asks_and_keeps_the_form(owner, web):
    page = owner.get("/hours").text
    pairs = edited(_no_week(page), **{"hours.timezone": "Europe/London",
                                      "hours.holidays": "2026-12-25"})
    reply = owner.post("/hours", pairs)
    assert reply.status == 409
    assert "The office will be closed all week: every caller hears the closed message" in reply.text
    assert re.search(r'<button[^>]*name="confirmed" value="1" form="hours-form"', reply.text)
    assert re.search(r'name="hours.timezone" value="Europe/London"', reply.text)
    assert re.search(r'name="hours.holidays" value="2026-12-25"', reply.text)
    assert not re.search(r'name="hours.always_open"[^>]*checked', reply.text)
    assert web[2].load()["hours"]["weekly"] is None
    assert owner.post("/hours", pairs + [("confirmed", "1")]).status == 303
    hours = web[2].load()["hours"]
    assert hours["weekly"] == {d: [] for d in hours["weekly"]} and hours["timezone"] == "Europe/London"


def test_a_typo_is_reported_before_the_question(owner, web):
    page = owner.get("/hours").text
    reply = owner.post("/hours", edited(_no_week(page), **{"hours.holidays": "2026-02-30"}))
    assert reply.status == 400 and "not a real date" in reply.text and 'id="confirm"' not in reply.text


def test_removing_a_queue_asks_first(owner, web):
    owner.get("/queues")
    owner.post("/queues/add", {"new_queue": "billing"})
    reply = owner.post("/queues/billing/remove")
    assert reply.status == 200 and "Yes, remove queue billing" in reply.text
    assert "billing" in web[2].load()["queues"]
    assert owner.post("/queues/billing/remove", {"confirmed": "1"}).status == 303
    assert "billing" not in web[2].load()["queues"]
