"""The web page speaks English, Russian and Italian (appliance/web/i18n.py, web/locale/).

Every text wrapped for translation has a translation in both catalogs with the same placeholders;
the committed .mo files are what msgfmt makes of the .po files now; a real Chromium sees the
language of its Accept-Language, of the switch at the foot of the page, and of ``web.language``;
no page leaves a ``{placeholder}`` unformatted in any language.
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from appliance.engine import sms_text
from appliance.store.calllog import CALLLOG_NAME, CallLog
from appliance.store.settings import SettingsStore
from appliance.web import i18n
from appliance.web.auth import Auth
from appliance.web.server import WebServer
from appliance.web.app import make_app
from tests.web.conftest import FakeLoop, owner_of

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "web" / "locale"
LANGS = ("ru", "it")
PASSWORD = "shop owner 2026"
# _('...') with one string literal, in a template (bottle's {{...}} and % lines are Python)
TEMPLATE_CALL = re.compile(r"""(?<![\w.])_\(\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*\)""")
TRANSLATORS = ("_", "N_", "gettext_now")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


# ---- the catalogs -------------------------------------------------------------------------------

def wrapped_texts() -> dict[str, str]:
    """Every msgid the page asks for, and the file it is in: ``_('...')`` in the templates;
    ``_``, ``N_`` and ``gettext_now`` called with a string in appliance/web (read with ast, so
    that texts split over several string literals are whole)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "web" / "templates").glob("*.tpl")):
        for match in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(ast.literal_eval(match.group(1)), path.name)
    for path in sorted((ROOT / "appliance" / "web").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in TRANSLATORS:
                found.setdefault(node.args[0].value, path.name)
    return found


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (single forms, as ours are; the header left out)."""
    entries, key, current = {}, None, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = {"msgid": ast.literal_eval(line[6:])}, "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"], key = ast.literal_eval(line[7:]), "msgstr"
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    if current.get("msgid"):
        entries[current["msgid"]] = current.get("msgstr", "")
    return entries


def test_the_extraction_finds_the_page_texts():
    texts = wrapped_texts()
    assert len(texts) > 300
    for expected in ("Dashboard", "Log in", "Wrong password.", "Operator {name} added.",
                     "Monday", "Page {page} of {pages}"):
        assert expected in texts


@pytest.mark.parametrize("lang", LANGS)
def test_every_wrapped_text_is_translated_with_the_same_placeholders(lang):
    catalog = read_po(LOCALE / lang / "LC_MESSAGES" / "ivr.po")
    untranslated, mismatched = [], []
    for text, where in sorted(wrapped_texts().items()):
        translated = catalog.get(text, "")
        if not translated.strip():
            untranslated.append(f"{where}: {text!r}")
        elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(translated)):
            mismatched.append(f"{where}: {text!r} -> {translated!r}")
    assert not untranslated, f"no {lang} translation in ivr.po for:\n" + "\n".join(untranslated)
    assert not mismatched, f"{lang} placeholders differ:\n" + "\n".join(mismatched)


@pytest.mark.parametrize("lang", LANGS)
def test_the_committed_mo_is_what_msgfmt_makes_of_the_po(lang, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is missing: install the Debian package gettext (./dev.sh setup)")
    folder = LOCALE / lang / "LC_MESSAGES"
    made = tmp_path / "ivr.mo"
    subprocess.run([msgfmt, "--check", "-o", str(made), str(folder / "ivr.po")], check=True,
                   capture_output=True)
    assert made.read_bytes() == (folder / "ivr.mo").read_bytes(), (
        f"web/locale/{lang}/LC_MESSAGES/ivr.mo is out of date: recompile it (web/locale/README.md)")


def test_the_catalogs_load_through_gettext():
    for lang, word in (("ru", "Обзор"), ("it", "Panoramica")):
        assert i18n.translation(lang, str(LOCALE)).gettext("Dashboard") == word
    assert i18n.translation("en", str(LOCALE)).gettext("Dashboard") == "Dashboard"
    assert i18n.translation("xx", str(LOCALE)).gettext("Dashboard") == "Dashboard"


# ---- choosing the language ----------------------------------------------------------------------

@pytest.mark.parametrize("header, lang", [
    ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"), ("it", "it"), ("de-DE,it;q=0.5,ru;q=0.4", "it"),
    ("en-GB,en;q=0.9", "en"), ("fr-FR", None), ("", None), (None, None),
    ("ru;q=0.2, it;q=0.8", "it"), ("it;q=0, ru", "ru"), ("RU", "ru"), ("ru;q=x", None)])
def test_accept_language(header, lang):
    assert i18n.from_accept_language(header) == lang


@pytest.mark.parametrize("back, where", [
    ("/calls", "/calls"), ("/", "/"), ("//evil.example/x", "/"), ("/\\evil.example", "/"),
    ("https://evil.example/", "/"), ("", "/"), (None, "/"), ("calls", "/"),
    ("/calls\r\nSet-Cookie: x=1", "/")])
def test_the_switch_goes_back_only_to_this_appliance(back, where):
    assert i18n.safe_back(back) == where


@pytest.fixture
def app_and_store(tmp_path):
    store = SettingsStore(tmp_path)
    calllog = CallLog(tmp_path / CALLLOG_NAME)
    app = make_app(FakeLoop(store.load()), store, calllog, tmp_path)
    yield app, store
    calllog.close()


def test_the_switch_sets_a_cookie_and_refuses_other_sites(app_and_store):
    app, _ = app_and_store
    owner = owner_of(app)
    reply = owner.get("/language?to=it&back=/calls")
    assert reply.status == 303 and reply.header("Location").endswith("/calls")
    assert owner.jar["ivr_lang"] == "it"
    assert "<h1>Chiamate</h1>" in owner.get("/calls").text
    reply = owner.get("/language?to=ru&back=//evil.example/")
    assert reply.status == 303 and reply.header("Location").endswith("/")
    assert "evil" not in reply.header("Location")
    owner.get("/language?to=xx&back=/")             # not a language: the choice stays
    assert owner.jar["ivr_lang"] == "ru"


def test_notices_are_in_the_visitors_language(app_and_store):
    app, _ = app_and_store
    owner = owner_of(app)
    owner.get("/language?to=ru&back=/")
    owner.get("/operators")
    owner.post("/operators/ann/pause")
    assert "ann на паузе" in owner.get("/").text


# ---- no placeholder left unformatted ------------------------------------------------------------

PAGES = ("/", "/live", "/operator", "/operator?handset=1", "/calls", "/reports", "/voicemail",
         "/phonebook", "/operators", "/operators?edit=ann", "/operators/ann/delete", "/menu",
         "/queues", "/queues/sales/remove", "/hours", "/voice", "/prompts", "/sms", "/lines",
         "/system", "/no-such-page")
SMS_NAMES = {"{%s}" % name for names in sms_text.ALLOWED.values() for name in names}


@pytest.mark.parametrize("lang", ("en", "ru", "it"))
def test_no_page_leaves_a_placeholder_unformatted(app_and_store, lang):
    app, _ = app_and_store
    owner = owner_of(app)
    owner.get(f"/language?to={lang}&back=/")
    for path in PAGES:
        reply = owner.get(path) if not path.endswith("/delete") else owner.post(path, {})
        assert reply.status in (200, 404), (path, reply.status)
        if "<html" in reply.text:              # /live is a fragment of the dashboard
            assert f'<html lang="{lang}">' in reply.text, (lang, path)
        text = re.sub(r"<[^>]+>", " ", reply.text)
        left = set(re.findall(r"\{[A-Za-z_]+\}", text))
        if path == "/sms":
            left -= SMS_NAMES                   # the text messages' own placeholders, shown as such
        assert not left, (lang, path, left)
        assert "{{" not in text and "}}" not in text, (lang, path)


# ---- in a real browser --------------------------------------------------------------------------

class FakeAppliance:
    """The web page over the fake loop, served by waitress on a free port, password set."""

    def __init__(self, data_dir: Path):
        self.store = SettingsStore(data_dir)
        self.calllog = CallLog(data_dir / CALLLOG_NAME)
        self.auth = Auth(data_dir)
        self.auth.first_password(self.auth.setup_code(), PASSWORD, PASSWORD, "127.0.0.1",
                                 time.time())
        app = make_app(FakeLoop(self.store.load()), self.store, self.calllog, data_dir,
                       auth=self.auth)
        self.server = WebServer(app, "127.0.0.1", 0).start()
        self.url = self.server.url

    def stop(self):
        self.server.stop()
        self.calllog.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    appliance = FakeAppliance(tmp_path_factory.mktemp("i18n"))
    yield appliance
    appliance.stop()


def log_in(page, served):
    page.goto(served.url + "login")
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator("#operators")).to_be_visible()


def test_a_russian_browser_gets_the_page_in_russian(served, browser):
    context = browser.new_context(locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(served.url + "login")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.locator("#login")).to_have_text("Войти")
        log_in(page, served)
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.locator("h1")).to_have_text("Обзор")
        expect(page.locator("nav.nav")).to_contain_text("Звонки")
        expect(page.locator("nav.nav")).to_contain_text("Голосовое меню")
        expect(page.locator("#operators")).to_contain_text("Оператор")
    finally:
        context.close()


def test_the_switch_at_the_foot_moves_to_italian_and_it_stays(served, browser):
    context = browser.new_context(locale="ru-RU")
    try:
        page = context.new_page()
        log_in(page, served)
        page.goto(served.url + "operators")
        expect(page.locator("h1")).to_have_text("Операторы")
        page.click("footer #lang-it")
        expect(page).to_have_url(served.url + "operators")
        expect(page.locator("html")).to_have_attribute("lang", "it")
        expect(page.locator("h1")).to_have_text("Operatori")
        page.goto(served.url + "calls")
        expect(page.locator("html")).to_have_attribute("lang", "it")
        expect(page.locator("h1")).to_have_text("Chiamate")
        expect(page.locator("nav.nav")).to_contain_text("Panoramica")
        page.click("footer #lang-en")
        expect(page.locator("h1")).to_have_text("Calls")
    finally:
        context.close()


def test_the_owners_setting_makes_a_fresh_browser_italian(served, browser):
    settings = served.store.load()
    served.store.save({**settings, "web": {**settings["web"], "language": "it"}})
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(served.url + "login")
        expect(page.locator("html")).to_have_attribute("lang", "it")
        expect(page.locator("#login")).to_have_text("Accedi")
        log_in(page, served)
        expect(page.locator("h1")).to_have_text("Panoramica")
        page.click("footer #lang-ru")           # the visitor's own choice still wins
        expect(page.locator("h1")).to_have_text("Обзор")
    finally:
        context.close()
        served.store.save(settings)


def test_the_login_page_can_be_switched_before_logging_in(served, browser):
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(served.url)
        expect(page).to_have_url(served.url + "login")
        expect(page.locator("#login")).to_have_text("Log in")
        page.click("footer #lang-ru")
        expect(page).to_have_url(served.url + "login")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.locator("#login")).to_have_text("Войти")
        page.fill("#password", "not the password")
        page.click("#login")
        expect(page.locator("#error")).to_have_text("Неверный пароль.")
    finally:
        context.close()
