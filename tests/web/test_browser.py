"""End to end in a real headless Chromium (Debian's, driven by Playwright): the owner's first day.

A live simulated appliance (real clock, simulated lines and operators) serves the web page with
waitress on a free port. The browser does first-run setup, logs out and in, adds an operator,
changes the menu, watches a simulated call on the dashboard and in the log, exports CSV and views
a report, taking screenshots at phone and desk widths (``$IVR_SHOTS_DIR`` keeps them).
"""
from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from appliance import daemon
from appliance.cli import sim as sim_cmd
from appliance.clock import RealClock
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore
from appliance.web import csvsafe
from appliance.web.auth import Auth
from appliance.web.server import WebServer
from appliance.web.app import make_app
from hwsim import scenario as scenarios
from hwsim.people.caller import CallerSpec, SimCaller

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "shop owner 2026"
CALLER = "+441632960123"
SCENARIO = {"settings": {"handsets": {"count": 4, "sim_answer_after_s": 1, "sim_talk_s": 3},
                         "menu": {"timeout_s": 2}},
            "operators": [{"id": "ann", "handset": 1, "answer_after_s": 1, "talk_s": 3},
                          {"id": "bob", "handset": 2, "answer_after_s": 1, "talk_s": 3},
                          {"id": "cat", "handset": 3, "answer_after_s": 1, "talk_s": 3}],
            # a caller tomorrow: the test brings its own caller in (LiveAppliance.call_in)
            "callers": [{"at_s": 86400, "number": "+441632960999"}]}


class LiveAppliance:
    """The simulated appliance on the wall clock with its web page served."""

    def __init__(self, data_dir: Path):
        self.scenario = scenarios.parse(SCENARIO, seed=1)
        SettingsStore(data_dir).save(self.scenario.settings)
        self.calllog = CallLog(data_dir / CALLLOG_NAME)
        self.appliance, self.world, _ = sim_cmd.build_sim(self.scenario, RealClock(), time.time(),
                                                         1, self.calllog)
        self.loop = self.appliance.loop
        self.loop.start()
        self.reader = CallLog(data_dir / CALLLOG_NAME, readonly=True)
        self.auth = Auth(data_dir)
        app = make_app(self.loop, SettingsStore(data_dir), self.reader, data_dir, auth=self.auth)
        self.server = WebServer(app, "127.0.0.1", 0).start()

    def call_in(self, number: str, keys: str) -> None:
        """A simulated caller dials line1 now and presses ``keys`` at the menu."""
        spec = CallerSpec(at_s=0, number=number, line="line1", keys=keys, patience_s=300)
        caller = SimCaller(spec, self.loop, self.world.speech, number, talk_s=4)
        self.world.network.register(number, caller)
        self.loop.call_soon(lambda: self.world.line("line1").offer(caller))

    def stop(self) -> None:
        self.server.stop()
        daemon._shut_down_threaded(self.appliance)
        self.reader.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    appliance = LiveAppliance(tmp_path_factory.mktemp("live"))
    yield appliance
    appliance.stop()


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("IVR_SHOTS_DIR") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page, shots: Path, name: str, full_page: bool = True) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5000
    return path


# The steps share one browser and one appliance, in order, as an owner would go.

def test_1_first_run_setup(live, page, shots):
    page.goto(live.server.url)
    expect(page).to_have_url(live.server.url + "setup")
    snap(page, shots, "01-setup")
    page.fill("#code", live.auth.setup_code())
    page.fill("#password", PASSWORD)
    page.fill("#repeat", PASSWORD)
    page.click("#setup")
    expect(page.locator("h1")).to_have_text("Dashboard")


def test_2_logout_and_login(live, page, shots):
    page.click("text=Log out")
    expect(page).to_have_url(live.server.url + "login")
    page.fill("#password", "not the password")
    page.click("#login")
    expect(page.locator("#error")).to_contain_text("Wrong password")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#operators")).to_contain_text("Ann")
    snap(page, shots, "02-dashboard-phone")


def test_3_add_an_operator(live, page, shots):
    page.goto(live.server.url + "operators")
    page.fill("#new-id", "dan")
    page.fill("#new-name", "Dan <the new one>")
    page.fill("#new-handset", "4")
    page.click("#add")
    expect(page.locator(".notice.ok")).to_contain_text("Operator Dan <the new one> added")
    expect(page.locator(".op-name").last).to_have_text("Dan <the new one>")
    snap(page, shots, "03-operators")
    assert any(op["id"] == "dan" for op in live.loop.snapshot()["operators"])


def test_4_change_the_menu(live, page, shots):
    page.goto(live.server.url + "menu")
    page.select_option("select[name='root.opt.1.do']", "goodbye")
    page.fill("input[name='root.opt.2.key']", "9")
    page.click("#save-menu")
    expect(page.locator("#error")).to_contain_text("Key 9 in Main menu does nothing")
    page.goto(live.server.url + "menu")
    page.select_option("select[name='root.opt.1.do']", "goodbye")
    page.click("#save-menu")
    expect(page.locator(".notice.ok")).to_contain_text("Voice menu saved")
    snap(page, shots, "04-menu")


def test_5_a_simulated_call_appears_on_the_dashboard_and_in_the_log(live, page, shots):
    page.goto(live.server.url)
    live.call_in(CALLER, "1")
    expect(page.locator("#live")).to_contain_text(CALLER, timeout=15000)
    snap(page, shots, "05-dashboard-call")
    deadline = time.monotonic() + 30
    while not any(r["caller"] == CALLER and r["ended_at"] for r in live.reader.calls()):
        assert time.monotonic() < deadline, "the call never ended"
        time.sleep(0.3)
    page.goto(live.server.url + "calls")
    expect(page.locator("#calls")).to_contain_text(CALLER)
    page.click("#calls a >> nth=0")
    expect(page.locator("#timeline")).to_contain_text("Pressed 1")
    snap(page, shots, "06-call-detail")


def test_6_export_csv(live, page, shots):
    page.goto(live.server.url + "calls?number=960123")
    with page.expect_download() as download:
        page.click("#csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [csvsafe.plain(row["caller"]) for row in rows] == [CALLER]   # kept as text: '+44...
    assert rows[0]["outcome"] == "answered"


def test_7_view_a_report(live, page, shots):
    page.goto(live.server.url + "reports?preset=today")
    expect(page.locator("#calls-total")).to_have_text("1")
    assert page.locator("svg.chart").count() == 4       # by day and hour; and the same per operator
    snap(page, shots, "07-report-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    snap(page, shots, "08-report-desk")
    page.goto(live.server.url)
    snap(page, shots, "09-dashboard-desk")


def test_8_the_page_needs_no_internet(live, page, shots):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("", "calls", "reports", "operators", "menu", "queues", "hours", "prompts", "system"):
        page.goto(live.server.url + path)
        if path in ("queues", "hours", "prompts", "system"):
            snap(page, shots, f"10-{path}-phone", full_page=path != "prompts")
    assert requests and all(url.startswith(live.server.url) for url in requests)


def test_9_without_javascript_the_dashboard_still_renders(live, browser):
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(live.server.url + "login")
    plain.fill("#password", PASSWORD)
    plain.click("#login")
    expect(plain.locator("#operators")).to_contain_text("Ann")
    context.close()

