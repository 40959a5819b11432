"""First-run setup, login, logout, sessions and the password (route tests, in-process WSGI)."""
from __future__ import annotations

import json
import logging

import pytest

from appliance.web import auth as auth_module
from appliance.web.auth import LEGACY_SCRYPT, THROTTLE_NAME, Auth, RateLimited, Throttle, hash_password
from tests.web.client import Client
from tests.web.conftest import owner_of

OWASP = dict(auth_module.SCRYPT)                # as shipped, before the fixture below


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    """The old, fast parameters for tests about other things; the tests of the hash set them."""
    monkeypatch.setattr(auth_module, "SCRYPT", dict(LEGACY_SCRYPT))


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


# -- the hash's parameters -----------------------------------------------------------------------


def test_new_hashes_use_owasps_scrypt_parameters_stored_with_them(tmp_path, monkeypatch):
    monkeypatch.setattr(auth_module, "SCRYPT", OWASP)
    assert OWASP in ({"n": 2 ** 17, "r": 8, "p": 1, "dklen": 32},
                     {"n": 2 ** 16, "r": 8, "p": 2, "dklen": 32})
    auth = Auth(tmp_path)
    auth.first_password(auth.setup_code(), "correct horse", "correct horse", "x", 0.0)
    stored = json.loads((tmp_path / "auth.json").read_text())
    assert stored["scrypt"] == OWASP
    assert stored["hash"] == hash_password("correct horse", bytes.fromhex(stored["salt"]), OWASP)
    assert Auth(tmp_path).login("correct horse", "x", 1.0)


def test_an_old_hash_still_verifies_and_is_made_again_at_the_next_login(tmp_path, monkeypatch):
    monkeypatch.setattr(auth_module, "SCRYPT", OWASP)
    salt = bytes(range(16))
    old = {"secret": "ab" * 32, "setup_code": None, "salt": salt.hex(),
           "hash": hash_password("correct horse", salt, LEGACY_SCRYPT)}       # no "scrypt" key
    (tmp_path / "auth.json").write_text(json.dumps(old))
    auth = Auth(tmp_path)
    with pytest.raises(auth_module.AuthError):
        auth.login("wrong horse", "x", 0.0)
    assert "scrypt" not in json.loads((tmp_path / "auth.json").read_text())   # not on a miss
    assert auth.login("correct horse", "x", 1.0)
    stored = json.loads((tmp_path / "auth.json").read_text())
    assert stored["scrypt"] == OWASP and stored["salt"] != salt.hex()
    assert stored["hash"] == hash_password("correct horse", bytes.fromhex(stored["salt"]), OWASP)
    assert Auth(tmp_path).login("correct horse", "x", 2.0)
    assert auth.valid(auth.open_session(3.0), 4.0)         # the re-hash logged nobody out


# -- the throttle survives a restart -------------------------------------------------------------


def _miss(auth: Auth, client: str, now: float):
    try:
        auth.login("a wrong guess", client, now)
    except RateLimited as exc:
        return exc
    except auth_module.AuthError:
        return None
    raise AssertionError("a wrong password was taken")


def _owner_auth(tmp_path) -> Auth:
    auth = Auth(tmp_path)
    auth.first_password(auth.setup_code(), "correct horse", "correct horse", "x", 0.0)
    return auth


def test_a_restart_does_not_forgive_an_attackers_misses(tmp_path):
    first = _owner_auth(tmp_path)
    for n in range(5):
        _miss(first, "10.0.0.66", 100.0 + n)
    again = Auth(tmp_path)                              # the daemon restarted
    with pytest.raises(RateLimited):
        again.login("correct horse", "10.0.0.66", 105.0)
    assert again.login("correct horse", "192.168.1.30", 105.0)      # another address is not
    assert (tmp_path / THROTTLE_NAME).is_file()


def test_many_addresses_cannot_guess_without_limit_but_wait_only_a_minute(tmp_path):
    auth = _owner_auth(tmp_path)
    for n in range(Throttle.OVERALL_FREE):
        assert _miss(auth, f"10.0.0.{n}", 100.0) is None
    limited = _miss(Auth(tmp_path), "10.0.1.1", 100.0)
    assert isinstance(limited, RateLimited) and limited.retry_after <= Throttle.OVERALL_MAX_S
    assert Auth(tmp_path).login("correct horse", "192.168.1.30", 100.0 + Throttle.OVERALL_MAX_S)


def test_a_damaged_throttle_file_is_set_aside_and_locks_nobody_out(tmp_path, caplog):
    _owner_auth(tmp_path)
    (tmp_path / THROTTLE_NAME).write_text('{"misses": {"10.0.0.66": [99, "soon"]')
    with caplog.at_level(logging.WARNING):
        auth = Auth(tmp_path)
    assert "set aside" in caplog.text
    assert (tmp_path / (THROTTLE_NAME + ".damaged")).is_file()
    assert auth.login("correct horse", "10.0.0.66", 0.0)
    (tmp_path / THROTTLE_NAME).write_text("[]")
    assert Auth(tmp_path).login("correct horse", "10.0.0.66", 0.0)
    assert (tmp_path / (THROTTLE_NAME + ".damaged.2")).is_file()


def test_a_clock_that_went_back_does_not_lengthen_the_wait(tmp_path):
    auth = _owner_auth(tmp_path)
    for n in range(30):
        _miss(auth, "10.0.0.66", 2_000_000_000.0)
    earlier = 1_000_000_000.0                             # a Pi booted without its clock
    with pytest.raises(RateLimited) as waited:
        Auth(tmp_path).login("correct horse", "10.0.0.66", earlier)
    assert waited.value.retry_after <= Throttle.MAX_WAIT_S
    assert Auth(tmp_path).login("correct horse", "10.0.0.66", earlier + Throttle.MAX_WAIT_S + 1)


def test_the_throttle_file_stays_small(tmp_path, monkeypatch):
    monkeypatch.setattr(Throttle, "MAX_CLIENTS", 20)
    throttle = Throttle(tmp_path / THROTTLE_NAME)
    for n in range(Throttle.MAX_CLIENTS + 50):
        throttle.missed(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", 1000.0 + n)
    kept = json.loads((tmp_path / THROTTLE_NAME).read_text())["misses"]
    assert len(kept) == Throttle.MAX_CLIENTS + 1                     # and the overall count
    throttle.missed("10.9.9.9", 1000.0 + Throttle.FORGET_S * 3)
    assert set(json.loads((tmp_path / THROTTLE_NAME).read_text())["misses"]) == {"10.9.9.9", "*"}


def test_a_damaged_password_file_is_kept_aside_and_said_so(tmp_path, caplog):
    auth = Auth(tmp_path)
    auth.first_password(auth.setup_code(), "owner secret 1", "owner secret 1", "1.2.3.4", 0.0)
    (tmp_path / "auth.json").write_text('{"secret": "ab", "hash": ')        # a damaged card
    with caplog.at_level("ERROR"):
        again = Auth(tmp_path)
    assert again.needs_setup()
    assert (tmp_path / "auth.json.damaged").read_text().startswith('{"secret"')
    assert "auth.json was damaged" in caplog.text and again.setup_code() in caplog.text
