"""A refused save never loses what the owner typed: every page comes back with the typed values,
the error beside its field, the focus on that field, and the stored settings unchanged."""
from __future__ import annotations

import re

from tests.web.test_menu import form_of
from tests.web.test_office import edited, fields


def _input(page: str, name: str) -> str:
    """The whole tag of the input (or select) named ``name``."""
    found = re.search(r'<(?:input|select)\b[^>]*\bname="%s"[^>]*>' % re.escape(name), page)
    assert found, name
    return found.group(0)


def _value(page: str, name: str) -> str:
    return re.search(r'value="([^"]*)"', _input(page, name)).group(1)


def _focused(page: str) -> list[str]:
    return re.findall(r'name="([^"]+)"[^>]*autofocus', page)


def test_queues_keep_what_was_typed(owner, web):
    before = web[2].load()
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), drop=("queues.sales.announce_wait",), **{
        "queues.sales.ring_timeout_s": "33", "queues.sales.strategy": "ring_all",
        "queues.support.wrapup_s": "9999", "queues.support.max_wait_s": "300",
        "queues.support.overflow": "voicemail", "callbacks.max_attempts": "7"}))
    assert reply.status == 400
    text = reply.text
    assert _value(text, "queues.sales.ring_timeout_s") == "33"
    assert _value(text, "callbacks.max_attempts") == "7"
    assert _value(text, "queues.support.max_wait_s") == "300"
    assert re.search(r'name="queues.sales.strategy"[^>]*>.*?<option value="ring_all" selected>',
                     text, re.S)
    assert re.search(r'name="queues.support.overflow"[^>]*>.*?<option value="voicemail" selected>',
                     text, re.S)
    assert "checked" not in _input(text, "queues.sales.announce_wait")
    assert "checked" in _input(text, "queues.sales.announce_position")
    beside = re.search(r'name="queues.support.wrapup_s"[^>]*>\s*<span class="field-error">([^<]*)<', text)
    assert beside and "at most 600" in beside.group(1)
    assert _focused(text) == ["queues.support.wrapup_s"]
    assert web[2].load() == before


def test_one_typo_on_hours_keeps_the_week(owner, web):
    before = web[2].load()
    page = owner.get("/hours").text
    reply = owner.post("/hours", edited(fields(page), drop=("hours.always_open",), **{
        "hours.weekly.mon": "09:00-17:00", "hours.weekly.tue": "nine to five",
        "hours.weekly.fri": "08:30-12:00, 13:00-16:00", "hours.timezone": "Europe/Rome",
        "hours.holidays": "2026-12-25"}))
    assert reply.status == 400
    text = reply.text
    assert "checked" not in _input(text, "hours.always_open")      # not re-ticked
    assert _value(text, "hours.weekly.mon") == "09:00-17:00"
    assert _value(text, "hours.weekly.tue") == "nine to five"
    assert _value(text, "hours.weekly.fri") == "08:30-12:00, 13:00-16:00"
    assert _value(text, "hours.timezone") == "Europe/Rome"
    assert _value(text, "hours.holidays") == "2026-12-25"
    beside = re.search(r'name="hours.weekly.tue"[^>]*>\s*<span class="field-error">([^<]*)<', text)
    assert beside and "time ranges like 09:00-17:30" in beside.group(1)
    assert _focused(text) == ["hours.weekly.tue"]
    assert web[2].load() == before


def test_the_voice_menu_keeps_what_was_typed(owner, web):
    before = web[2].load()
    page = owner.get("/menu").text
    pairs = form_of(page)
    reply = owner.post("/menu", [(n, {"menu.timeout_s": "7", "menu.greeting": "welcome",
                                     "root.opt.1.do": "goodbye", "root.opt.2.key": "9"}.get(n, v))
                                 for n, v in pairs])
    assert reply.status == 400 and "Key 9 in Main menu does nothing" in reply.text
    text = reply.text
    assert _value(text, "menu.timeout_s") == "7"
    assert _value(text, "root.opt.2.key") == "9"
    assert re.search(r'name="root.opt.1.do"[^>]*>.*?<option value="goodbye" selected>', text, re.S)
    beside = re.search(r'name="root.opt.2.do"[^>]*>.*?</select><span class="field-error">([^<]*)<',
                       text, re.S)
    assert beside and "does nothing" in beside.group(1)
    assert _focused(text) == ["root.opt.2.do"]
    assert web[2].load() == before


def test_a_schema_error_in_the_menu_is_shown_on_its_row(owner, web):
    page = owner.get("/menu").text
    reply = owner.post("/menu", [(n, {"root.opt.0.do": "message", "root.opt.0.arg": "no_such_prompt",
                                      "menu.timeout_s": "8"}.get(n, v)) for n, v in form_of(page)])
    assert reply.status == 400 and "no_such_prompt" in reply.text
    assert _focused(reply.text) == ["root.opt.0.arg"]
    assert _value(reply.text, "menu.timeout_s") == "8"


def test_an_operator_edit_keeps_what_was_typed(owner, web):
    before = web[2].load()
    owner.get("/operators?edit=bob")
    reply = owner.post("/operators/bob", [("name", "Robert"), ("handset", "1"), ("queue", "support"),
                                          ("paused", "on")])
    assert reply.status == 400 and "already used by operator" in reply.text
    form = re.search(r'<form[^>]*id="edit-operator".*?</form>', reply.text, re.S).group(0)
    assert _value(form, "name") == "Robert" and _value(form, "handset") == "1"
    assert re.search(r'value="support" checked', form) and not re.search(r'value="sales" checked', form)
    assert "checked" not in _input(form, "enabled") and "checked" in _input(form, "paused")
    assert _focused(reply.text) == ["handset"]
    assert web[2].load() == before


def test_adding_an_operator_keeps_what_was_typed(owner, web):
    owner.get("/operators")
    reply = owner.post("/operators", [("id", "dan"), ("name", "Dan"), ("handset", "2"),
                                      ("queue", "support")])
    assert reply.status == 400
    form = re.search(r'<form[^>]*id="add-operator".*?</form>', reply.text, re.S).group(0)
    assert (_value(form, "id"), _value(form, "name"), _value(form, "handset")) == ("dan", "Dan", "2")
    assert re.search(r'value="support" checked', form) and not re.search(r'value="sales" checked', form)
    assert "checked" not in _input(form, "enabled")
    assert _focused(reply.text) == ["handset"]
    assert [op["id"] for op in web[2].load()["operators"]] == ["ann", "bob", "cat"]
