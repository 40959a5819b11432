"""The text messages page: switches, business name and each template saved; the schema's refusal
shown beside the template it is about."""
from __future__ import annotations

import html
import re

import pytest

from appliance.events import SettingsChanged
from tests.web.conftest import owner_of
from tests.web.test_office import edited, fields




@pytest.fixture
def boss(web):
    return owner_of(web[0])


def form_of(page: str) -> list[tuple[str, str]]:
    """What the browser sends unchanged, textareas included."""
    areas = [(name, html.unescape(body))
             for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>',
                                          page, re.S)]
    return fields(page) + areas


def beside(page: str, path: str) -> str | None:
    found = re.search(r'<label class="has-error">[^<]*<textarea [^>]*name="' + re.escape(path)
                      + r'"[^>]*>[^<]*</textarea>\s*<span class="field-error">([^<]*)</span>', page)
    return html.unescape(found.group(1)) if found else None


def test_every_template_is_on_the_page(boss):
    page = boss.get("/sms").text
    for kind in ("callback_confirm", "missed_apology"):
        for lang in ("en", "ru", "it"):
            assert f'name="sms.templates.{kind}.{lang}"' in page
    assert "{number}, {time}, {hours}, {business}" in page
    assert "Example: Thank you for holding. We will call you back on +441632960001" in page


def test_texts_are_saved_and_applied(boss, web):
    page = boss.get("/sms").text
    reply = boss.post("/sms", edited(form_of(page), **{
        "sms.callback_confirm": "on", "sms.sender_name": "Acme",
        "sms.templates.missed_apology.en": "Sorry, {business} missed you. Open {hours}.",
        "sms.templates.missed_apology.ru": ""}))
    assert reply.status == 303, reply.text
    sms = web[2].load()["sms"]
    assert sms["callback_confirm"] is True and sms["missed_apology"] is False
    assert sms["sender_name"] == "Acme"
    assert sms["templates"]["missed_apology"]["en"] == "Sorry, {business} missed you. Open {hours}."
    assert sms["templates"]["missed_apology"]["ru"] is None
    assert sms["templates"]["callback_confirm"]["it"].startswith("Grazie per l'attesa.")
    assert isinstance(web[1].posted[-1], SettingsChanged)
    assert "Text messages saved." in boss.get("/sms").text


def test_an_unknown_placeholder_is_shown_beside_its_text(boss, web):
    page = boss.get("/sms").text
    reply = boss.post("/sms", edited(form_of(page), **{
        "sms.templates.missed_apology.it": "Ci richiami alle {time}."}))
    assert reply.status == 400
    message = beside(reply.text, "sms.templates.missed_apology.it")
    assert message and "{time}, which is not known here" in message
    assert web[2].load()["sms"]["templates"]["missed_apology"]["it"].startswith("Ci scusi")


def test_a_text_too_long_for_one_message_is_refused_when_switched_on(boss, web):
    page = boss.get("/sms").text
    long_text = "We will call you back on {number} at about {time}. " + "x" * 140
    reply = boss.post("/sms", edited(form_of(page), **{
        "sms.callback_confirm": "on", "sms.templates.callback_confirm.en": long_text}))
    assert reply.status == 400
    assert "cannot be sent as one text message" in beside(reply.text,
                                                          "sms.templates.callback_confirm.en")
    assert web[2].load()["sms"]["callback_confirm"] is False


def test_business_needs_a_sender_name(boss):
    page = boss.get("/sms").text
    reply = boss.post("/sms", edited(form_of(page), **{
        "sms.sender_name": "", "sms.templates.callback_confirm.en": "{business}: at {time}."}))
    assert reply.status == 400
    assert "sms.sender_name is not set" in beside(reply.text, "sms.templates.callback_confirm.en")


def test_a_refused_text_is_shown_as_typed(boss):
    page = boss.get("/sms").text
    reply = boss.post("/sms", edited(form_of(page), **{
        "sms.missed_apology": "on", "sms.templates.missed_apology.en": "Call us at {when}."}))
    assert reply.status == 400
    assert re.search(r'name="sms.templates.missed_apology.en"[^>]*>Call us at \{when\}.</textarea>',
                     reply.text)
    assert '<input type="checkbox" name="sms.missed_apology" checked>' in reply.text
