"""End to end in a real headless Chromium: an operator opens the operator page for their desk
phone while it rings for a caller in the phone book, and sees the name; the page follows the call
as it is answered and keeps the notes typed about it.

The web page is served by waitress over a fake loop (an engine driven by the test, as in the
route tests), so the ringing lasts as long as the test needs it.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from appliance import events as ev
from appliance.commands import WriteCallRecord
from appliance.store.callnotes import CallNotes
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore
from appliance.web.auth import Auth
from appliance.web.server import WebServer
from appliance.web.app import make_app
from tests.web.conftest import NOW, FakeLoop
from tests.web.test_browser import CHROMIUM, FLAGS, PASSWORD, snap

NUMBER = "+441632960001"


class LockedLoop(FakeLoop):
    """The route tests' fake loop, safe to drive from the test while waitress reads snapshots;
    like the real loop it writes the records the engine hands out to the call log."""

    def __init__(self, settings: dict, calllog: CallLog):
        super().__init__(settings)
        self.lock, self.calllog = threading.Lock(), calllog

    def snapshot(self, timeout: float = 5.0) -> dict:
        with self.lock:
            return super().snapshot(timeout)

    def handle(self, event, at: float) -> None:
        with self.lock:
            for command in self.engine.handle(event, at):
                if isinstance(command, WriteCallRecord):
                    self.calllog.write(command.record)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The served page, a ringing call on handset 1 from a phone-book number, and the loop."""
    data = tmp_path_factory.mktemp("desk")
    store = SettingsStore(data)
    writer = CallLog(data / CALLLOG_NAME)
    loop = LockedLoop(store.load(), writer)
    reader = CallLog(data / CALLLOG_NAME, readonly=True)
    app = make_app(loop, store, reader, data, auth=Auth(data))
    app.config["ivr.context"].phonebook.add({"number": "01632 960001", "name": "Ann Example",
                                             "company": "Example Ltd", "notes": ""})
    loop.handle(ev.LineRinging("line1", NUMBER), NOW - 20)
    loop.handle(ev.DigitPressed("line1", "1"), NOW - 15)
    server = WebServer(app, "127.0.0.1", 0).start()
    yield server, loop, app.config["ivr.context"], data
    server.stop()
    reader.close()
    writer.close()


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("IVR_SHOTS_DIR") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_1_the_operator_sees_who_is_ringing(office, page, shots):
    server, _, ctx, _ = office
    page.goto(server.url + "operator")
    page.fill("#code", ctx.auth.setup_code())
    page.fill("#password", PASSWORD)
    page.fill("#repeat", PASSWORD)
    page.click("#setup")
    page.goto(server.url + "operator")
    page.select_option("#handset", "1")
    page.click("#show")
    expect(page.locator("#caller-name")).to_have_text("Ann Example")
    expect(page.locator("#caller-company")).to_have_text("Example Ltd")
    expect(page.locator("#caller-number")).to_have_text(NUMBER)
    expect(page.locator("#caller")).to_contain_text("Ringing")
    snap(page, shots, "11-operator-ringing")


def test_2_the_page_follows_the_call_and_keeps_typed_notes(office, page, shots):
    server, loop, _, data = office
    page.goto(server.url + "operator")                  # the cookie remembers handset 1
    page.fill("#notes", "Wants a quote for 40 chairs")
    loop.handle(ev.HandsetOffHook(1), NOW - 5)
    expect(page.locator("#caller")).to_contain_text("On the line", timeout=10000)
    expect(page.locator("#caller")).to_contain_text("sales")              # from the record
    expect(page.locator("#notes")).to_have_value("Wants a quote for 40 chairs")
    snap(page, shots, "12-operator-talking")
    page.click("#save-notes")
    expect(page.locator(".notice.ok")).to_contain_text("Notes saved")
    call_id = loop.snapshot()["lines"][0]["call_id"]
    assert CallNotes(data, readonly=True).get(call_id) == "Wants a quote for 40 chairs"


def test_3_the_phone_book_page(office, page, shots):
    server = office[0]
    page.goto(server.url + "phonebook")
    expect(page.locator("#entries")).to_contain_text("Ann Example")
    snap(page, shots, "13-phonebook-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "phonebook?edit=01632960001")
    snap(page, shots, "14-phonebook-desk")
