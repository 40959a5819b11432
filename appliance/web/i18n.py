"""The web page's language: English, Russian or Italian, from gettext catalogs.

Texts are written in English in the templates and routes, wrapped in ``_('...')`` (templates get
``_`` from ``WebContext.render``) or ``gettext_now('...')`` (routes: flash notices, page errors).
The catalogs are ``web/locale/<lang>/LC_MESSAGES/ivr.mo`` (compiled from ``ivr.po`` with
``msgfmt``, see web/locale/README.md); a text missing from them shows in English.

A page's language is decided once per request, first match wins:

1. the visitor's own choice: the ``ivr_lang`` cookie, set by the switch at the foot of every page
   (``GET /language?to=ru&back=/calls``, public so the login page can be switched too);
2. the owner's setting ``web.language`` when it is not ``auto``;
3. the best of en/ru/it in the browser's Accept-Language;
4. English.

Settings validation messages (appliance/store/schema.py) stay English: they name settings keys
and are shared with the console and the logs.
"""
from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

import bottle

LANGS = ("en", "ru", "it")
DEFAULT = "en"
NAMES = {"en": "English", "ru": "Русский", "it": "Italiano"}   # each in its own language
COOKIE = "ivr_lang"
COOKIE_AGE = 400 * 24 * 3600          # about the longest a browser keeps a cookie
DOMAIN = "ivr"
_ENV = "ivr.lang"                      # the request's language, decided once


def N_(text: str) -> str:
    """Marks a text for the catalogs where it is defined (a table of labels); it is translated
    where it is shown, with ``_(label)`` or ``gettext_now(label)``."""
    return text


# Words the page shows that come from stored data or from modules outside the web page (the call
# log's outcomes and directions, line states, the menu editor's choices, the login's refusals):
# listed here so that the catalogs have them; the templates and routes translate them with _().
DATA_WORDS = (
    N_("answered"), N_("abandoned_menu"), N_("abandoned_queue"), N_("callback_requested"),
    N_("callback_answered"), N_("callback_failed"), N_("voicemail"), N_("closed"),
    N_("no_operators"), N_("failed"), N_("live"),
    N_("abandoned menu"), N_("abandoned queue"), N_("callback requested"),
    N_("callback answered"), N_("callback failed"), N_("no operators"),
    N_("inbound"), N_("outbound"), N_("callback"),
    N_("available"), N_("reserved"), N_("ringing"), N_("wrapup"), N_("talking"), N_("paused"),
    N_("offhook"), N_("disabled"),
    N_("Out of service"), N_("Starting"), N_("Restarting"), N_("Idle"), N_("Ringing"),
    N_("Connected"), N_("Dialling"), N_("Hanging up"), N_("In menu"), N_("Closed message"),
    N_("Waiting"), N_("Voicemail"), N_("Talking"), N_("On hold"),
    N_("— nothing (remove) —"), N_("Submenu"), N_("Play a message"), N_("Repeat menu"),
    N_("Back up a menu"), N_("Goodbye, hang up"),
)
AUTH_MESSAGES = (
    N_("Wrong password."), N_("The current password is not right."),
    N_("The two passwords are not the same."),
    N_("The password must be at least 8 characters long."),
    N_("A password is already set; log in instead."),
    N_("That setup code is not right. It is printed on the console and in the log when the "
       "appliance starts."),
)


def locale_dir(root: Path | None = None) -> Path:
    """``<web root>/locale``: beside the templates, so an installed copy finds its catalogs."""
    if root is None:
        from appliance.web.assets import web_root
        root = web_root()
    return Path(root) / "locale"


@lru_cache(maxsize=16)
def translation(lang: str, localedir: str | None = None) -> gettext.NullTranslations:
    """The catalog of ``lang``, read once (English, or a missing file: the texts as written)."""
    if lang not in LANGS or lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=localedir or str(locale_dir()),
                               languages=[lang], fallback=True)


def from_accept_language(header: str | None) -> str | None:
    """The first of en/ru/it in an Accept-Language header by its q-values (``ru-RU`` is ru)."""
    ranked = []
    for order, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and quality > 0:
            ranked.append((-quality, order, primary))
    return min(ranked)[2] if ranked else None


def _settings_language(ctx) -> str | None:
    """``web.language`` unless ``auto``; read again only when settings.json changes."""
    store = getattr(ctx, "store", None)
    if store is None:
        return None
    path = getattr(store, "path", None)
    try:
        found = os.stat(path) if path else None
        stamp = (found.st_ino, found.st_mtime_ns, found.st_size) if found else None
    except OSError:
        stamp = None
    kept = ctx.kept.get("i18n.settings") if hasattr(ctx, "kept") else None
    if stamp is not None and kept and kept[0] == stamp:
        return kept[1]
    try:
        chosen = ((store.load().get("web") or {}).get("language") or "auto")
    except Exception:                       # noqa: BLE001 - unreadable settings: not our page's fault
        return None
    chosen = chosen if chosen in LANGS else None
    if stamp is not None and hasattr(ctx, "kept"):
        ctx.kept["i18n.settings"] = (stamp, chosen)
    return chosen


def _context():
    try:
        return bottle.request.app.config.get("ivr.context")
    except (AttributeError, KeyError, RuntimeError):
        return None


def pick(ctx=None) -> str:
    """The language of the page being answered (cookie, setting, browser, English)."""
    env = bottle.request.environ
    if _ENV in env:
        return env[_ENV]
    chosen = bottle.request.get_cookie(COOKIE)
    if chosen not in LANGS:
        chosen = _settings_language(ctx if ctx is not None else _context())
    if chosen is None:
        chosen = from_accept_language(bottle.request.headers.get("Accept-Language"))
    env[_ENV] = chosen or DEFAULT
    return env[_ENV]


def _localedir(ctx) -> str | None:
    root = getattr(ctx, "root", None)
    return str(locale_dir(root)) if root is not None else None


def translator(ctx=None):
    """``_`` for this request: gettext of its language. An empty or non-text value comes back
    as it is (gettext("") would be the catalog's header)."""
    ctx = ctx if ctx is not None else _context()
    look_up = translation(pick(ctx), _localedir(ctx)).gettext

    def _(text):
        return look_up(text) if isinstance(text, str) and text else text
    return _


def gettext_now(text: str) -> str:
    """``text`` in the current request's language (for notices and errors made in routes)."""
    try:
        return translator()(text)
    except RuntimeError:                    # outside a request (a test, the console): English
        return text


def switch_links(current: str) -> list[tuple[str, str, bool]]:
    """``(code, name, is_current)`` for the language switch at the foot of every page."""
    return [(code, NAMES[code], code == current) for code in LANGS]


def safe_back(back: str | None) -> str:
    """Where the switch returns to: a path on this appliance only ("/..." but not "//host" or
    "/\\host", which browsers read as another site), else the dashboard."""
    if not back or not back.startswith("/") or back.startswith(("//", "/\\")) \
            or any(ch in back for ch in "\r\n\\"):
        return "/"
    return back


def switch(ctx):
    """``GET /language?to=ru&back=/calls``: remember the visitor's language in a cookie (a
    preference only, so no form and no CSRF token are needed) and go back to the page."""
    from appliance.web.context import set_cookie
    chosen = bottle.request.query.getunicode("to", "") or ""
    back = safe_back(bottle.request.query.getunicode("back", "") or "")
    if chosen in LANGS:
        set_cookie(COOKIE, chosen, COOKIE_AGE)
        bottle.request.environ[_ENV] = chosen
    bottle.redirect(back, 303)


ROUTES = (("GET", "/language", switch, {"public": True}),)
