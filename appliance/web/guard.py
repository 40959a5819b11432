"""The bottle plugin that guards every route: session required, CSRF token on every POST.

Routes marked ``public=True`` (login, setup, static files) need no session; every POST, public or
not, needs the form's ``csrf`` token to match the browser's cookie. A page without a session
redirects to the login (or, before the first password, to setup); anything else gets 401.
"""
from __future__ import annotations

import functools

import bottle

from appliance.web.context import WebContext


FRAGMENTS = (".json", ".csv", "/live")


def _refuse_without_session(ctx: WebContext) -> None:
    # a page goes to the login; a download or a live fragment (/live, /operator/live) gets 401
    if bottle.request.method == "GET" and not bottle.request.path.endswith(FRAGMENTS):
        bottle.redirect("/setup" if ctx.auth.needs_setup() else "/login", 303)
    raise bottle.HTTPError(401, "Log in first.")


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
            _secure_headers()
            if not public and not ctx.logged_in():
                _refuse_without_session(ctx)
            if bottle.request.method == "POST":
                _refuse_bad_csrf(ctx)
            return callback(*args, **kwargs)
        return guarded


def _secure_headers() -> None:
    bottle.response.set_header("X-Frame-Options", "DENY")
    bottle.response.set_header("X-Content-Type-Options", "nosniff")
    bottle.response.set_header("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; media-src 'self'; "
                               "style-src 'self'; frame-ancestors 'none'")
