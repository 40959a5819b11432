"""First-run setup, login, logout, sessions and the password (route tests, in-process WSGI)."""
from __future__ import annotations

import json

from appliance.web.auth import Auth, hash_password
from tests.web.client import Client
from tests.web.conftest import owner_of


def test_first_visit_goes_to_setup_and_the_setup_code_sets_the_password(web):
    app = web[0]
    client = Client(app)
    assert client.get("/").header("Location").endswith("/setup")
    page = client.get("/setup")
    assert page.status == 200 and "setup code" in page.text
    code = app.config["ivr.context"].auth.setup_code()
    reply = client.post("/setup", {"code": code, "password": "correct horse",
                                   "repeat": "correct horse"})
    assert reply.status == 303 and reply.header("Location").endswith("/")
    assert client.get("/").status == 200
    assert app.config["ivr.context"].auth.setup_code() is None


def test_a_wrong_setup_code_is_refused_and_says_where_the_code_is(web):
    client = Client(web[0])
    client.get("/setup")
    reply = client.post("/setup", {"code": "WRONG123", "password": "correct horse",
                                   "repeat": "correct horse"})
    assert reply.status == 400 and "printed on the console" in reply.text
    reply = client.post("/setup", {"code": "ÉCOLE123", "password": "correct horse",
                                   "repeat": "correct horse"})
    assert reply.status == 400 and "printed on the console" in reply.text


def test_setup_refuses_short_and_mismatched_passwords(web):
    app = web[0]
    client = Client(app)
    client.get("/setup")
    code = app.config["ivr.context"].auth.setup_code()
    short = client.post("/setup", {"code": code, "password": "short", "repeat": "short"})
    assert short.status == 400 and "at least 8 characters" in short.text
    differ = client.post("/setup", {"code": code, "password": "correct horse",
                                    "repeat": "correct horse!"})
    assert differ.status == 400 and "not the same" in differ.text


def test_the_password_is_stored_as_a_salted_scrypt_hash(web, tmp_path):
    owner_of(web[0])
    stored = json.loads((tmp_path / "auth.json").read_text())
    assert "correct horse" not in json.dumps(stored)
    assert stored["hash"] == hash_password("correct horse", bytes.fromhex(stored["salt"]))
    assert stored["setup_code"] is None


def test_login_logout_and_the_session_cookie_flags(web):
    app = web[0]
    owner_of(app)
    client = Client(app)
    assert client.get("/login").status == 200
    wrong = client.post("/login", {"password": "nope nope"})
    assert wrong.status == 401 and "Wrong password" in wrong.text
    reply = client.post("/login", {"password": "correct horse"})
    assert reply.status == 303
    cookie = next(c for c in reply.cookies() if c.startswith("ivr_session="))
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert client.get("/calls").status == 200
    client.post("/logout")
    assert client.get("/calls").status == 303


def test_a_forged_session_cookie_is_refused(web):
    app = web[0]
    owner_of(app)
    client = Client(app)
    client.jar["ivr_session"] = "made-up-token.0123456789abcdef"
    assert client.get("/calls").status == 303


def test_sessions_expire(web):
    app, _, _, clock, _ = web
    client = owner_of(app)
    clock.now += 8 * 86400
    assert client.get("/").status == 303


def test_web_reset_returns_to_setup_while_running(web, tmp_path):
    from appliance.web.auth import reset
    app = web[0]
    client = owner_of(app)
    code = reset(tmp_path)
    assert len(code) == 8
    assert client.get("/").header("Location").endswith("/setup")
    assert app.config["ivr.context"].auth.setup_code() == code


def test_the_password_can_be_changed_on_the_system_page(web):
    app = web[0]
    client = owner_of(app)
    client.get("/system")
    bad = client.post("/system/password", {"old": "wrong one", "password": "new password 1",
                                           "repeat": "new password 1"})
    assert bad.status == 400 and "current password is not right" in bad.text
    client.get("/system")
    ok = client.post("/system/password", {"old": "correct horse", "password": "new password 1",
                                          "repeat": "new password 1"})
    assert ok.status == 303
    assert client.get("/system").status == 200
    assert Auth(web[0].config["ivr.context"].data_dir).login("new password 1", "x", 0.0)
