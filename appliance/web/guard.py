"""The bottle plugin that guards every route: session required, CSRF token on every POST.

Routes marked ``public=True`` (login, setup, static files) need no session; every POST, public or
not, needs the form's ``csrf`` token to match the browser's cookie. A page without a session
redirects to the login (or, before the first password, to setup); anything else gets 401. A
query or form that cannot be read as UTF-8 gets 400 before any route sees it.

Also the rest of what the page lets in and out: ``install_headers`` puts the security headers
and Cache-Control on every answer, and ``body_limit`` is how large a request may be, which the
server applies before reading the body.
"""
from __future__ import annotations

import functools
from http.cookies import CookieError, SimpleCookie

import bottle

from appliance.web.context import SESSION_COOKIE, WebContext


FRAGMENTS = (".json", ".csv", "/live")


def _refuse_without_session(ctx: WebContext) -> None:
    # a page goes to the login; a download or a live fragment (/live, /operator/live) gets 401
    if bottle.request.method == "GET" and not bottle.request.path.endswith(FRAGMENTS):
        bottle.redirect("/setup" if ctx.auth.needs_setup() else "/login", 303)
    raise bottle.HTTPError(401, "Log in first.")


def _refuse_unreadable_input() -> None:
    """A query or form that bottle cannot parse (a NUL in a file name, no multipart boundary)
    or whose text is not UTF-8 is the sender's mistake: 400 here, before any route decodes it
    (``forms.decode()`` would raise, and a 500 would follow)."""
    try:
        sources = [bottle.request.query]
        if bottle.request.method == "POST":
            sources.append(bottle.request.forms)
        for values in sources:
            if values.recode_unicode:           # urlencoded: UTF-8 bytes read as latin-1
                for key, value in values.allitems():
                    (key + value).encode("latin-1").decode("utf-8")
    except bottle.HTTPError:
        raise                                   # bottle's own MultipartError is a 400 already
    except (ValueError, IndexError, KeyError) as exc:
        raise bottle.HTTPError(400, "The form or address could not be read (it must be UTF-8 "
                                    "text sent by this appliance's page).") from exc


def _refuse_bad_csrf(ctx: WebContext) -> None:
    token = bottle.request.forms.get("csrf") or bottle.request.headers.get("X-CSRF-Token")
    if not ctx.auth.csrf_ok(bottle.request.get_cookie("ivr_browser"), token):
        raise bottle.HTTPError(403, "This form has expired or did not come from this appliance's "
                                    "page. Go back, reload the page and try again.")


class Guard:
    """The guard as a bottle plugin (``app.install(Guard(ctx))``; API 2 gives it the route)."""

    name, api = "ivr-guard", 2

    def __init__(self, ctx: WebContext):
        self.ctx = ctx

    def apply(self, callback, route):
        public, ctx = route.config.get("public", False), self.ctx

        @functools.wraps(callback)
        def guarded(*args, **kwargs):
            _secure_headers()           # also here, for an app without install_headers
            if not public and not ctx.logged_in():
                _refuse_without_session(ctx)
            _refuse_unreadable_input()
            if bottle.request.method == "POST":
                _refuse_bad_csrf(ctx)
            return callback(*args, **kwargs)
        return guarded


SECURITY_HEADERS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self'; "
                                "style-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                                "base-uri 'none'"),
    # the URLs carry callers' numbers (/calls?number=...); same-origin keeps them off any other
    # site while the appliance's own pages still see where a request came from
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
PRIVATE_CACHE = "no-store"          # no copy on disk, none shown by Back after logging out
STATIC_CACHE = "no-cache"           # style and script may be kept, checked again on each use
STATIC_PREFIX = "/static/"


def headers_for(path: str, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` of the answer to ``path`` with the security headers and its Cache-Control,
    replacing any a route set: the same headers on pages, downloads, errors and style files."""
    ours = dict(SECURITY_HEADERS)
    if path.startswith(STATIC_PREFIX):
        ours.setdefault("Cache-Control", next((v for k, v in headers if k.lower() == "cache-control"),
                                              STATIC_CACHE))
    else:
        ours["Cache-Control"] = PRIVATE_CACHE
    names = {name.lower() for name in ours}
    return [(k, v) for k, v in headers if k.lower() not in names] + list(ours.items())


def _secure_headers() -> None:
    for name, value in SECURITY_HEADERS:
        bottle.response.set_header(name, value)


def install_headers(app: bottle.Bottle) -> bottle.Bottle:
    """Add the security headers and Cache-Control to every answer of ``app``.

    It wraps ``app.wsgi`` at ``start_response``, below bottle's hooks and error handlers, so 404,
    405, 500 pages, static files and even bottle's last-resort "critical error" page get them.
    Calling it twice changes nothing.
    """
    if getattr(app, "_ivr_headers", False):
        return app
    inner = app.wsgi

    def wsgi(environ, start_response):
        path = environ.get("PATH_INFO", "")

        def start(status, headers, exc_info=None):
            return start_response(status, headers_for(path, list(headers)), exc_info)
        return inner(environ, start)
    app.wsgi, app._ivr_headers = wsgi, True
    return app


# How large a request body may be, decided from the request line and the cookies alone, before a
# byte of the body is read (appliance/web/server.py asks): without a live session only the login
# and setup forms are possible, a few hundred bytes; logged in, the largest upload is a prompt
# recording (5 MiB, appliance.audio.uploads.MAX_BYTES) with its multipart wrapping; a full backup may be
# restored, as large as appliance.store.backup accepts, only by a logged-in owner.
PUBLIC_BODY = 64 * 2 ** 10
OWNER_BODY = 6 * 2 ** 20
RESTORE_PATH = "/system/restore"


def restore_body() -> int:
    """The largest backup upload plus its multipart wrapping (OWNER_BODY without that module)."""
    try:
        from appliance.store import backup
        return max(OWNER_BODY, int(backup.MAX_ARCHIVE) + 2 ** 20)
    except (ImportError, AttributeError, TypeError, ValueError):
        return OWNER_BODY


def body_limit(ctx: WebContext, method: str, path: str, cookie_header: str) -> int:
    """The largest body accepted for ``method path`` from a browser sending ``cookie_header``."""
    try:
        cookie = SimpleCookie(cookie_header or "").get(SESSION_COOKIE)
    except CookieError:
        cookie = None
    if cookie is None or not ctx.auth.valid(cookie.value, ctx.clock()):
        return PUBLIC_BODY
    return restore_body() if (method, path) == ("POST", RESTORE_PATH) else OWNER_BODY
