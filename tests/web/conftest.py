"""Fixtures for the web page tests: an app over a fake loop, a real settings store and call log."""
from __future__ import annotations

import pytest

from appliance.engine import Engine
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore
from appliance.web.app import make_app
from tests.web.client import Client

NOW = 1_795_424_400.0            # 2026-11-23T09:00:00Z


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """The old, fast scrypt parameters: these tests are about the pages, and each login would
    otherwise cost the 0.4 s the real parameters are chosen to cost (test_auth checks those)."""
    from appliance.web import auth
    monkeypatch.setattr(auth, "SCRYPT", dict(auth.LEGACY_SCRYPT))


class FakeLoop:
    """What the web page needs of the loop: ``snapshot()``, ``post()``, ``recent_notices()``."""

    def __init__(self, settings: dict):
        self.engine = Engine(settings)
        self.posted: list = []

    def snapshot(self, timeout: float = 5.0) -> dict:
        return self.engine.snapshot(NOW)

    def post(self, event) -> None:
        self.posted.append(event)

    def recent_notices(self):
        return [(NOW, "warning", "ann was paused after 3 missed rings")]


class Clock:
    """A clock the tests move by hand."""

    def __init__(self):
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def web(tmp_path):
    """``(app, loop, store, clock, writer)``: writer is a writable CallLog on the same file."""
    store = SettingsStore(tmp_path)
    loop = FakeLoop(store.load())
    writer = CallLog(tmp_path / CALLLOG_NAME)
    reader = CallLog(tmp_path / CALLLOG_NAME, readonly=True)
    clock = Clock()
    app = make_app(loop, store, reader, tmp_path, clock=clock)
    yield app, loop, store, clock, writer
    reader.close()
    writer.close()


def owner_of(app) -> Client:
    """A browser that has done first-run setup and is logged in."""
    client = Client(app)
    client.get("/setup")
    code = app.config["ivr.context"].auth.setup_code()
    reply = client.post("/setup", {"code": code, "password": "correct horse", "repeat": "correct horse"})
    assert reply.status == 303, reply.text
    return client


@pytest.fixture
def owner(web):
    return owner_of(web[0])


def record(call_id: str, started_at: str, **fields) -> dict:
    """A finished inbound call record (answered by ann unless told otherwise)."""
    base = {"id": call_id, "direction": "inbound", "parent_id": None, "line": "line1",
            "caller": "+441632960001", "language": "en", "started_at": started_at,
            "answered_at": started_at, "ended_at": started_at, "menu_path": "1",
            "queue": "sales", "queued_at": started_at, "position_at_entry": 1,
            "announced_wait_s": None, "wait_s": 12.0, "callback_offered": False,
            "callback_number": None, "operator": "ann", "handset": 1,
            "ring_attempts": [{"operator": "ann", "handset": 1, "started_at": started_at,
                               "ended_at": started_at, "result": "answered"}],
            "ring_s": 4.0, "talk_s": 120.0, "hold_s": 0.0, "wrapup_s": 10.0,
            "outcome": "answered", "hangup_by": "caller", "recording": None, "voicemail": None}
    return {**base, **fields}


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright (one per test module)."""
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import CHROMIUM, FLAGS
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=FLAGS)
        yield chromium
        chromium.close()
