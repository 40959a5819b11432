"""Everyone can use it: every page of the owner's web page checked with axe-core in the real
Chromium (Debian's, driven by Playwright), at desk (1280 px) and phone (390 px) widths.

No ``serious`` or ``critical`` axe violation on any page, no sideways scrolling of the whole page
on a phone, and the dashboard's 2-second refresh leaves the keyboard focus where it was and says
what changed in a polite live region. The live appliance is the one test_browser.py drives.
"""
from __future__ import annotations

import os
import time
import wave
from datetime import datetime, timedelta, timezone

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from appliance.store.calllog import CALLLOG_NAME, CallLog
from tests.long_mode import rotated
from tests.web.conftest import record
from tests.web.test_browser import PASSWORD, LiveAppliance

WIDTHS = {"desk": (1280, 900), "phone": (390, 844)}
# Every GET route that renders a whole HTML page for the owner (the /live fragments are checked
# inside the pages that show them); the call's and the voicemail's pages are found at run time.
PAGES = ["/", "/operator", "/operator?handset=1", "/calls", "CALL", "/reports?preset=today",
         "/voicemail", "VOICEMAIL-DELETE", "/phonebook", "/operators", "/menu", "/queues",
         "QUEUE-REMOVE", "/hours", "/voice", "/prompts", "/sms", "/lines", "/system"]
BAD = ("serious", "critical")
AXE = Axe()


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _seed(data_dir) -> None:
    """A few finished calls today, a given-up one and a voicemail, so no table is empty."""
    now = datetime.now(timezone.utc) - timedelta(minutes=30)
    log = CallLog(data_dir / CALLLOG_NAME)
    log.write(record("a11y-1", _iso(now - timedelta(minutes=20))))
    log.write(record("a11y-2", _iso(now - timedelta(minutes=15)), caller="+441632960002",
                     operator="bob", handset=2))
    log.write(record("a11y-3", _iso(now - timedelta(minutes=10)), outcome="abandoned_queue",
                     operator=None, handset=None, answered_at=None, talk_s=0.0))
    started = _iso(now - timedelta(minutes=5))
    rel = f"voicemail/{started[:10]}/a11y-vm.wav"
    (data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(data_dir / rel), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 16000)
    log.write(record("a11y-vm", started, outcome="voicemail", voicemail=rel, operator=None,
                     handset=None, answered_at=None, talk_s=0.0, caller="+441632960003"))
    log.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("a11y")
    _seed(data_dir)
    appliance = LiveAppliance(data_dir)
    yield appliance
    appliance.stop()


@pytest.fixture(scope="module")
def stranger(browser):
    """Not logged in: sees the setup page first, then the login page."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def owner(live, browser, stranger):
    """Logged in as the owner (the setup done by the stranger's page), with a phone book entry."""
    page_ = stranger
    page_.goto(live.server.url + "setup")
    page_.fill("#code", live.auth.setup_code())
    page_.fill("#password", PASSWORD)
    page_.fill("#repeat", PASSWORD)
    page_.click("#setup")
    expect(page_.locator("h1")).to_have_text("Dashboard")
    context = browser.new_context()
    page = context.new_page()
    page.goto(live.server.url + "login")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#operators")).to_contain_text("Ann")
    page.goto(live.server.url + "phonebook")
    page.fill("#new-number", "+441632960001")
    page.fill("#new-name", "Pat Example")
    page.fill("#new-company", "Example Widgets")
    page.click("#add")
    expect(page.locator("#entries")).to_contain_text("Pat Example")
    yield page
    context.close()


def _resolve(path: str) -> str:
    return {"CALL": "/calls/a11y-1", "VOICEMAIL-DELETE": "/voicemail/a11y-vm/delete",
            "QUEUE-REMOVE": "/queues/sales/remove"}.get(path, path)


def _problems(page, width: str) -> list[str]:
    """The serious and critical axe violations, and sideways scrolling on a phone, in words."""
    found, report = [], os.environ.get("IVR_AXE_REPORT")
    for violation in AXE.run(page).response["violations"]:
        if report:               # every impact, minor ones too, for whoever wants the full list
            with open(report, "a", encoding="utf-8") as out:
                out.write(f"{page.url} {width} {violation['impact']} {violation['id']} "
                          f"({len(violation['nodes'])})\n")
        if violation["impact"] in BAD:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:4]
            found.append(f"{violation['impact']} {violation['id']} "
                         f"({len(violation['nodes'])}): {violation['help']}: {targets}")
    if width == "phone":
        wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if wide[0] > wide[1]:
            found.append(f"scrolls sideways: {wide[0]} px wide in a {wide[1]} px window")
    return found


def _check(page, url: str, width: str) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width])))
    reply = page.goto(url)
    assert reply is not None and reply.status == 200, url
    page.wait_for_load_state("load")
    problems = _problems(page, width)
    assert not problems, f"{url} at {width} width:\n  " + "\n  ".join(problems)


# The setup page can only be seen before the password is set, so it goes first.
@pytest.mark.parametrize("width", WIDTHS)
def test_setup_page(live, stranger, width):
    _check(stranger, live.server.url + "setup", width)


@pytest.mark.parametrize("width, path", rotated(WIDTHS, PAGES))
def test_owner_page(live, owner, path, width):
    """Every page, at the desk's and the phone's width in turn (both: the long mode)."""
    _check(owner, live.server.url + _resolve(path).lstrip("/"), width)


@pytest.mark.parametrize("width", WIDTHS)
def test_login_page(live, browser, owner, width):
    context = browser.new_context()
    try:
        _check(context.new_page(), live.server.url + "login", width)
    finally:
        context.close()


def _refreshes(page, count: int) -> None:
    """Wait until the live part has been fetched ``count`` more times."""
    seen = []
    page.on("response", lambda reply: seen.append(reply.url) if "/live" in reply.url else None)
    deadline = time.monotonic() + 15
    while len(seen) < count:
        assert time.monotonic() < deadline, "the page stopped refreshing itself"
        page.wait_for_timeout(200)
    page.wait_for_timeout(300)            # the last reply put in place


def test_dashboard_refresh_keeps_focus_and_scroll(live, owner):
    owner.set_viewport_size({"width": 390, "height": 500})
    owner.goto(live.server.url)
    button = owner.locator("#operators button").first
    button.focus()
    owner.evaluate("window.scrollTo(0, 300)")
    before = owner.evaluate("window.scrollY")
    owner.evaluate("window.kept = document.activeElement")
    _refreshes(owner, 2)
    assert owner.evaluate("document.activeElement === window.kept"), "the refresh moved focus"
    assert owner.evaluate("document.activeElement.textContent") in ("Pause", "Unpause")
    assert owner.evaluate("window.scrollY") == before


def test_dashboard_says_what_changed_in_a_live_region(live, owner):
    owner.set_viewport_size({"width": 390, "height": 844})
    owner.goto(live.server.url)
    region = owner.locator("[aria-live='polite']#said")
    expect(region).to_have_count(1)
    _refreshes(owner, 1)
    live.call_in("+441632960444", "1")
    expect(region).not_to_be_empty(timeout=15000)
    text = region.text_content()
    assert len(text) < 200, text                       # terse: a line, not the whole table
    # and with a call on the lines, the dashboard still passes and still fits a phone
    expect(owner.locator("#lines")).to_contain_text("+441632960444", timeout=15000)
    problems = _problems(owner, "phone")
    assert not problems, "\n".join(problems)


def test_operator_page_refresh_keeps_focus(live, owner):
    owner.goto(live.server.url + "operator?handset=1")
    # a button inside a refreshed part (the notes box is left alone only while typed in)
    owner.locator("#save-notes").focus()
    owner.evaluate("window.kept = document.activeElement")
    _refreshes(owner, 2)
    assert owner.evaluate("document.activeElement === window.kept"), "the refresh moved focus"
    expect(owner.locator("[aria-live='polite']#said")).to_have_count(1)
