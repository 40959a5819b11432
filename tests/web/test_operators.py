"""The operators page: add, edit, remove, limits and the schema's messages shown back."""
from __future__ import annotations

import re

from appliance.events import SettingsChanged


def add(owner, **fields):
    owner.get("/operators")
    pairs = [(k, v) for k, v in fields.items() if k != "queue"] + \
            [("queue", q) for q in fields.get("queue", ["sales"])]
    return owner.post("/operators", pairs)


def test_adding_an_operator_saves_and_applies_it(owner, web):
    store, loop = web[2], web[1]
    owner.get("/operators")
    owner.post("/operators/cat/delete", {"confirmed": "1"})
    reply = add(owner, id="dan", name="Dan", handset="3", enabled="on", queue=["support"])
    assert reply.status == 303
    dan = store.load()["operators"][-1]
    assert (dan["id"], dan["handset"], dan["queues"], dan["enabled"]) == ("dan", 3, ["support"], True)
    assert isinstance(loop.posted[-1], SettingsChanged)
    assert loop.posted[-1].settings["operators"][-1]["id"] == "dan"


def test_a_taken_handset_is_refused_with_the_schemas_message(owner, web):
    reply = add(owner, id="dan", handset="2", enabled="on")
    assert reply.status == 400
    assert "already used by operator" in reply.text and "bob" in reply.text
    assert '<span class="field-error">Setting &#039;operators[3].handset&#039; is handset 2' in reply.text
    assert [op["id"] for op in web[2].load()["operators"]] == ["ann", "bob", "cat"]


def test_a_bad_id_and_a_non_number_are_explained(owner):
    assert "letters, digits" in add(owner, id="d a n", handset="3").text
    assert "must be a number" in add(owner, id="dan", handset="three").text


def test_editing_an_operator(owner, web):
    page = owner.get("/operators?edit=bob")
    assert 'action="/operators/bob"' in page.text
    reply = owner.post("/operators/bob", [("name", "Robert"), ("handset", "2"),
                                          ("queue", "sales"), ("queue", "support"),
                                          ("enabled", "on"), ("paused", "on")])
    assert reply.status == 303
    bob = web[2].load()["operators"][1]
    assert (bob["name"], bob["queues"], bob["paused"]) == ("Robert", ["sales", "support"], True)


def test_an_operator_without_queues_is_refused(owner):
    owner.get("/operators?edit=bob")
    reply = owner.post("/operators/bob", [("name", "Bob"), ("handset", "2"), ("enabled", "on")])
    assert reply.status == 400 and "operators[1].queues" in reply.text


def test_removing_an_operator(owner, web):
    owner.get("/operators")
    assert owner.post("/operators/bob/delete", {"confirmed": "1"}).status == 303
    assert [op["id"] for op in web[2].load()["operators"]] == ["ann", "cat"]
    owner.get("/operators")
    assert owner.post("/operators/nobody/delete").status == 404


def test_at_most_twenty_operators(owner, web):
    store = web[2]
    settings = store.load()
    settings["handsets"]["count"] = 20
    settings["operators"] = [{"id": f"op{n}", "handset": n, "queues": ["sales"]}
                             for n in range(1, 21)]
    store.save(settings)
    page = owner.get("/operators")
    assert "Add an operator" not in page.text
    reply = owner.post("/operators", [("id", "op21"), ("handset", "1"), ("queue", "sales")])
    assert reply.status == 400 and "already 20 operators" in reply.text


def test_raising_the_handset_count_lets_a_fourth_operator_in(owner, web):
    assert add(owner, id="dan", handset="4", enabled="on").status == 400
    owner.get("/operators")
    reply = owner.post("/operators/phones/count", {"handsets.count": "4"})
    assert reply.status == 303, reply.text
    assert web[2].load()["handsets"]["count"] == 4
    assert 'max="4"' in owner.get("/operators").text
    assert add(owner, id="dan", handset="4", enabled="on").status == 303
    assert web[2].load()["operators"][-1]["handset"] == 4


def test_lowering_the_handset_count_below_an_operators_phone_names_them(owner, web):
    owner.get("/operators")
    reply = owner.post("/operators/phones/count", {"handsets.count": "2"})
    assert reply.status == 400
    assert "operator cat (Cat) has desk phone 3" in reply.text
    assert re.search(r'name="handsets.count" value="2"[^>]*autofocus[^>]*>\s*<span class="field-error">',
                     reply.text)
    assert web[2].load()["handsets"]["count"] == 3


def test_a_handset_count_out_of_range_is_explained(owner, web):
    owner.get("/operators")
    reply = owner.post("/operators/phones/count", {"handsets.count": "21"})
    assert reply.status == 400 and "handsets.count" in reply.text
    assert web[2].load()["handsets"]["count"] == 3
