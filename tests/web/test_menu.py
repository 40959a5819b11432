"""The voice menu editor: change options, add submenus, refuse dead ends and say why."""
from __future__ import annotations

import html
import re

from appliance.events import SettingsChanged


def form_of(page: str) -> list[tuple[str, str]]:
    """The menu form's fields as a browser would send them unchanged."""
    pairs = []
    for tag in re.findall(r"<input ([^>]*)>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrf":
            pairs.append((name.group(1), html.unescape(value.group(1)) if value else ""))
    for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        pairs.append((name, chosen.group(1) if chosen else ""))
    return pairs


def changed(pairs, **values):
    out = [(name, values.pop(name, value)) for name, value in pairs]
    return out + list(values.items())


def test_the_editor_shows_the_tree(owner):
    page = owner.get("/menu").text
    assert "Main menu" in page and 'name="root.opt.0.key" value="1"' in page
    assert '<option value="queue:sales" selected>' in page


def test_changing_an_option_saves_and_applies_the_menu(owner, web):
    page = owner.get("/menu").text
    reply = owner.post("/menu", changed(form_of(page), **{"root.opt.1.do": "goodbye",
                                                           "menu.timeout_s": "7"}))
    assert reply.status == 303, reply.text
    menu = web[2].load()["menu"]
    assert menu["root"]["options"]["2"] == {"action": "goodbye"} and menu["timeout_s"] == 7
    assert isinstance(web[1].posted[-1], SettingsChanged)


def test_a_new_option_and_a_new_submenu_with_a_way_back(owner, web):
    page = owner.get("/menu").text
    reply = owner.post("/menu", changed(form_of(page), **{"root.opt.2.key": "3",
                                                           "root.opt.2.do": "submenu",
                                                           "root.opt.2.arg": "menu_support"}))
    assert reply.status == 303, reply.text
    sub = web[2].load()["menu"]["root"]["options"]["3"]["menu"]
    assert sub == {"prompt": "menu_support", "options": {"*": {"action": "back"}}}
    page = owner.get("/menu").text
    assert "Main menu › key 3" in page and 'name="root-3.opt.0.key" value="*"' in page
    reply = owner.post("/menu", changed(form_of(page), **{"root-3.opt.1.key": "1",
                                                           "root-3.opt.1.do": "message",
                                                           "root-3.opt.1.arg": "opening_hours"}))
    assert reply.status == 303, reply.text
    options = web[2].load()["menu"]["root"]["options"]["3"]["menu"]["options"]
    assert options["1"] == {"action": "message", "prompt": "opening_hours"}


def test_a_key_that_does_nothing_is_refused_with_the_reason(owner, web):
    page = owner.get("/menu").text
    reply = owner.post("/menu", changed(form_of(page), **{"root.opt.2.key": "5"}))
    assert reply.status == 400 and "Key 5 in Main menu does nothing" in reply.text
    assert "5" not in web[2].load()["menu"]["root"]["options"]


def test_a_menu_without_options_is_refused(owner):
    page = owner.get("/menu").text
    reply = owner.post("/menu", changed(form_of(page), **{"root.opt.0.do": "", "root.opt.0.key": "",
                                                           "root.opt.1.do": "", "root.opt.1.key": ""}))
    assert reply.status == 400 and "has no options" in reply.text


def test_a_key_used_twice_and_a_message_without_prompt_are_refused(owner):
    page = owner.get("/menu").text
    twice = owner.post("/menu", changed(form_of(page), **{"root.opt.1.key": "1"}))
    assert twice.status == 400 and "Key 1 is used twice" in twice.text
    page = owner.get("/menu").text
    silent = owner.post("/menu", changed(form_of(page), **{"root.opt.1.do": "message"}))
    assert silent.status == 400 and "name its prompt" in silent.text


def test_back_in_the_main_menu_is_refused_by_the_schema(owner):
    page = owner.get("/menu").text
    reply = owner.post("/menu", changed(form_of(page), **{"root.opt.1.do": "back"}))
    assert reply.status == 400 and "cannot be &#039;back&#039; in the root menu" in reply.text


def test_bad_prompt_names_and_timeouts_name_the_setting(owner):
    page = owner.get("/menu").text
    reply = owner.post("/menu", changed(form_of(page), **{"menu.timeout_s": "500"}))
    assert reply.status == 400 and "menu.timeout_s" in reply.text
    page = owner.get("/menu").text
    reply = owner.post("/menu", changed(form_of(page), **{"root.prompt": "Main Menu!"}))
    assert reply.status == 400 and "menu.root.prompt" in reply.text
