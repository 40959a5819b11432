"""What every route of the web page shares: the stores, the loop, the session guard and rendering.

The web threads only read ``source.snapshot()`` and post events with ``source.post()``; the call
log is a read-only ``CallLog`` of their own. Settings are validated and saved through the
``SettingsStore`` and then posted to the loop as ``SettingsChanged``. The phone book and the
call notes are the web page's own small stores, which the engine never reads.
"""
from __future__ import annotations

import functools
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import bottle

from appliance.errors import ApplianceError
from appliance.events import SettingsChanged
from appliance.store import audit
from appliance.web import i18n
from appliance.web.auth import Auth

BROWSER_COOKIE = "ivr_browser"
SESSION_COOKIE = "ivr_session"
NOTICE_COOKIE = "ivr_notice"
N_ = i18n.N_
# labels in English; render() translates them for the page's language
NAV = (("/", N_("Dashboard")), ("/operator", N_("Desk")), ("/calls", N_("Calls")),
       ("/reports", N_("Reports")), ("/voicemail", N_("Voicemail")),
       ("/phonebook", N_("Phone book")), ("/operators", N_("Operators")),
       ("/menu", N_("Voice menu")), ("/queues", N_("Queues")), ("/hours", N_("Hours")),
       ("/voice", N_("Voice")), ("/prompts", N_("Prompts")), ("/sms", N_("Text messages")),
       ("/lines", N_("Lines")), ("/system", N_("System")))


@dataclass
class WebContext:
    """The appliance as the web page sees it. ``clock`` is injectable for tests."""

    source: Any
    store: Any
    calllog: Any
    data_dir: Path
    auth: Auth
    root: Path
    version: str
    phonebook: Any = None                           # appliance.store.phonebook.PhoneBook
    notes: Any = None                               # appliance.store.callnotes.CallNotes
    clock: Callable[[], float] = time.time
    started_at: float = field(default_factory=time.time)
    templates: dict = field(default_factory=dict)
    kept: dict = field(default_factory=dict)       # what routes keep between requests (caches)

    # -- the request --------------------------------------------------------------------------

    def client(self) -> str:
        return bottle.request.remote_addr or "unknown"

    def browser_id(self) -> str:
        """A random id per browser (cookie); CSRF tokens are bound to it."""
        env = bottle.request.environ
        if "ivr.browser" not in env:
            env["ivr.browser"] = bottle.request.get_cookie(BROWSER_COOKIE) or ""
        if not env["ivr.browser"]:
            env["ivr.browser"] = secrets.token_urlsafe(18)
            set_cookie(BROWSER_COOKIE, env["ivr.browser"], None)
        return env["ivr.browser"]

    def csrf(self) -> str:
        return self.auth.csrf_token(self.browser_id())

    def logged_in(self) -> bool:
        return self.auth.valid(bottle.request.get_cookie(SESSION_COOKIE), self.clock())

    # -- rendering ------------------------------------------------------------------------------

    def render(self, name: str, status: int = 200, **values) -> str:
        """Template ``name`` with the values every page needs (CSRF token, navigation, notice),
        and ``_``/``lang``: the page's language (appliance/web/i18n.py) and its translator.
        The layout reads ``page_lang`` (a page may use ``lang`` for its own loops); ``esc``
        escapes a value put into a translated text shown raw (``{{!_('...{zone}').format(...)}}``,
        for texts with quotes or markup)."""
        bottle.response.status = status
        lang = i18n.pick(self)
        _ = i18n.translator(self)
        here = bottle.request.path          # no query: a link's words never reach the page
        switch = [(code, label, "/language?" + urllib.parse.urlencode({"to": code, "back": here}),
                   on) for code, label, on in i18n.switch_links(lang)]
        page = {"csrf": self.csrf(), "nav": [(href, _(label)) for href, label in NAV],
                "path": bottle.request.path, "logged_in": self.logged_in(),
                "notice": take_notice(), "error": None, "error_at": None,
                "version": self.version, "_": _, "esc": bottle.html_escape, "lang": lang,
                "page_lang": lang, "lang_switch": switch}
        return self._template(name).render(**{**page, **values})

    def _template(self, name: str) -> bottle.SimpleTemplate:
        if name not in self.templates:
            self.templates[name] = bottle.SimpleTemplate(
                name=name, lookup=[str(self.root / "templates")])
        return self.templates[name]

    # -- the appliance --------------------------------------------------------------------------

    def snapshot(self) -> dict | None:
        """The engine's picture, or None when the loop does not answer within 2 s."""
        try:
            return self.source.snapshot(timeout=2.0)
        except Exception:                       # noqa: BLE001 - a stopped or stuck loop
            return None

    def store_problems(self) -> list[str]:
        """What was wrong with the phone book or notes file when read (set aside, recovered)."""
        return [p for p in (self.phonebook.problem, self.notes.problem) if p]

    def save(self, doc: dict, renamed: dict | None = None) -> dict:
        """Validate and save the whole settings ``doc``, then hand it to the engine (``renamed``:
        queues renamed, old name to new, so that their waiting callers follow).

        Raises SettingsError (naming the key) and changes nothing when any of it is wrong.
        What changed is appended to the audit log with the browser's address.
        """
        old = self.current_settings()
        saved = self.store.save(doc)
        audit.record(self.data_dir, self.client(), old, saved, f"web {bottle.request.path}",
                     clock=self.clock)
        self.source.post(SettingsChanged(saved, dict(renamed or {})))
        return saved

    def current_settings(self) -> dict | None:
        """The settings in force before a change, for the audit log; None if unreadable."""
        try:
            return self.store.load()
        except ApplianceError:
            return None


def set_cookie(name: str, value: str, max_age: int | None) -> None:
    """HttpOnly, SameSite=Strict, whole site, Secure on HTTPS; ``max_age`` None: until the
    browser closes. (The scheme is the server's own word, never a request header.)"""
    extra = {} if max_age is None else {"max_age": max_age}
    secure = bottle.request.environ.get("wsgi.url_scheme") == "https"
    bottle.response.set_cookie(name, value, path="/", httponly=True, samesite="strict",
                               secure=secure, **extra)


def install_routes(app: bottle.Bottle, ctx: WebContext, routes) -> None:
    """Add a module's route table to ``app``: rows of ``(method, path, handler[, config])``;
    each handler is called as ``handler(ctx, **url_args)``."""
    for method, path, handler, *config in routes:
        app.route(path, method, functools.partial(handler, ctx), name=handler.__name__,
                  **(config[0] if config else {}))


NOTICE_MAX = 1500          # characters: a cookie holds about 4 KB, and quoting may triple them


def flash(message: str) -> None:
    """A notice for the next page this browser shows (a cookie, so no link can fake one); a
    long one (an operator id of thousands of characters in a crafted URL) is shortened."""
    if len(message) > NOTICE_MAX:
        message = message[:NOTICE_MAX - 1] + "…"
    set_cookie(NOTICE_COOKIE, urllib.parse.quote(message), 60)


def take_notice() -> str:
    """The notice left by ``flash``, once."""
    notice = urllib.parse.unquote(bottle.request.get_cookie(NOTICE_COOKIE) or "")
    if notice:
        bottle.response.delete_cookie(NOTICE_COOKIE, path="/")
    return notice


def done(path: str, message: str) -> None:
    """After a successful POST: back to ``path`` with a notice (303, so reload does not repost)."""
    flash(message)
    bottle.redirect(path, 303)
