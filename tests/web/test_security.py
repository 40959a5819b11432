"""Security: no session, no page; no CSRF token, no change; names shown as text; guesses slowed."""
from __future__ import annotations

import re

import pytest

from appliance.events import OperatorPaused
from appliance.web import auth as auth_module
from appliance.web.auth import Throttle
from tests.web.client import Client
from tests.web.conftest import owner_of

SAMPLES = {"operator_id": "ann", "call_id": "c1", "path": "rec/a.wav", "lang": "en",
           "key": "greeting", "name": "app.css", "number": "+441632960001"}
ANY = ("ann", "sales", "c1", "1", "x")


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    """The old, fast parameters: these tests are about the guard, not the hash's cost."""
    monkeypatch.setattr(auth_module, "SCRYPT", dict(auth_module.LEGACY_SCRYPT))


def _sample(match: re.Match) -> str:
    """A value for one wildcard: the usual one for its name if its pattern takes it."""
    name, kind, config = match.group(1), match.group(2) or "re", match.group(3) or "[^/]+"
    pattern = {"int": r"-?\d+", "float": r"-?[\d.]+", "path": ".+"}.get(kind, config)
    tried = ([SAMPLES[name]] if name in SAMPLES else []) + list(ANY)
    return next((value for value in tried if re.fullmatch(pattern, value)), tried[0])


def concrete(rule: str) -> str:
    """``rule`` with each ``<name:filter:config>`` replaced by a value it matches."""
    return re.sub(r"<(\w+)(?::(\w*)(?::((?:[^<>]|<[^<>]*>)*))?)?>", _sample, rule)


def guarded_routes(app):
    return [(route.method, concrete(route.rule)) for route in app.routes
            if not route.config.get("public")]


def test_every_route_but_login_setup_language_and_static_is_guarded(web):
    # /language only sets the visitor's language cookie (i18n.switch), so the login page can be
    # switched too
    public = sorted(route.rule for route in web[0].routes if route.config.get("public"))
    assert public == ["/language", "/login", "/login", "/setup", "/setup",
                      "/static/<name:re:[a-z0-9_-]+\\.(?:css|js|svg|png)>"]


@pytest.mark.parametrize("logged_out_after_setup", [False, True])
def test_every_guarded_route_refuses_a_browser_without_a_session(web, logged_out_after_setup):
    app, loop = web[0], web[1]
    if logged_out_after_setup:
        owner_of(app)
    client = Client(app)
    client.get("/login")
    routes = guarded_routes(app)
    assert len(routes) >= 25
    for method, path in routes:
        reply = client.post(path, {}) if method == "POST" else client.get(path)
        assert reply.status in (303, 401), (method, path, reply.status)
        if reply.status == 303:
            assert reply.header("Location").endswith(("/login", "/setup"))
    assert loop.posted == []


def test_a_post_without_a_valid_csrf_token_is_refused(owner, web):
    loop = web[1]
    for token in (None, "forged-token"):
        owner.csrf = token
        reply = owner.post("/operators/ann/pause", {}, csrf=token is not None)
        assert reply.status == 403 and "expired" in reply.text
    assert loop.posted == []
    owner.get("/")
    assert owner.post("/operators/ann/pause").status == 303
    assert loop.posted == [OperatorPaused("ann")]


def test_a_token_from_another_browser_is_refused(web):
    app = web[0]
    first = owner_of(app)
    second = Client(app)
    second.get("/login")
    second.post("/login", {"password": "correct horse"})
    second.csrf = first.csrf
    assert second.post("/operators/ann/pause").status == 403


def test_login_and_setup_posts_need_the_token_too(web):
    client = Client(web[0])
    assert client.post("/setup", {"code": "X", "password": "p" * 9, "repeat": "p" * 9},
                       csrf=False).status == 403
    owner_of(web[0])
    other = Client(web[0])
    assert other.post("/login", {"password": "correct horse"}, csrf=False).status == 403


def test_a_script_in_an_operators_name_is_shown_as_text(owner, web):
    owner.get("/operators")
    assert owner.post("/operators/cat/delete", {"confirmed": "1"}).status == 303   # frees phone 3
    owner.get("/operators")
    reply = owner.post("/operators", [("id", "eve"), ("name", "<script>alert(1)</script>"),
                                      ("handset", "3"), ("queue", "sales"), ("enabled", "on")])
    assert reply.status == 303
    assert any(op["name"] == "<script>alert(1)</script>" for op in web[2].load()["operators"])
    page = owner.get("/operators").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_link_cannot_put_words_on_the_page(owner):
    assert "hacked" not in owner.get("/?done=Your+box+was+hacked").text


def test_pages_forbid_framing_and_foreign_scripts(owner):
    reply = owner.get("/")
    assert reply.header("X-Frame-Options") == "DENY"
    assert "default-src 'self'" in reply.header("Content-Security-Policy")


def test_repeated_wrong_passwords_are_slowed_down(web):
    app, _, _, clock, _ = web
    owner_of(app)
    client = Client(app)
    client.get("/login")
    statuses = [client.post("/login", {"password": f"guess {n}"}).status for n in range(5)]
    assert statuses[:3] == [401, 401, 401] and 429 in statuses
    blocked = client.post("/login", {"password": "correct horse"})
    assert blocked.status == 429 and "Try again in" in blocked.text
    clock.now += Throttle.MAX_WAIT_S + 1
    assert client.post("/login", {"password": "correct horse"}).status == 303


def test_another_address_is_not_slowed_by_someone_elses_guesses(web):
    app, _, _, clock, _ = web
    owner_of(app)
    attacker = Client(app, remote="10.0.0.66")
    attacker.get("/login")
    for n in range(6):
        attacker.post("/login", {"password": f"guess {n}"})
    owner = Client(app, remote="192.168.1.30")
    owner.get("/login")
    assert owner.post("/login", {"password": "correct horse"}).status == 303


def test_the_wait_doubles_and_is_capped():
    throttle = Throttle()
    assert [throttle.wait_after(n) for n in range(3)] == [0, 0, 0]
    assert throttle.wait_after(3) == 2 and throttle.wait_after(4) == 4
    assert throttle.wait_after(50) == Throttle.MAX_WAIT_S
