"""First-run setup, login and logout."""
from __future__ import annotations

import bottle

from appliance.web import tls
from appliance.web.auth import SESSION_S, AuthError, RateLimited
from appliance.web.context import SESSION_COOKIE, WebContext, set_cookie
from appliance.web.i18n import gettext_now


def start_session(ctx: WebContext, token: str, then: str = "/") -> None:
    """Give the browser its session cookie and send it on to ``then``."""
    set_cookie(SESSION_COOKIE, token, SESSION_S)
    bottle.redirect(then, 303)


def setup_page(ctx: WebContext):
    if not ctx.auth.needs_setup():
        bottle.redirect("/login", 303)
    return ctx.render("setup.tpl", certificate=certificate(ctx))


def certificate(ctx: WebContext) -> str | None:
    """The fingerprint of the certificate this page is served with (None over plain HTTP)."""
    if bottle.request.environ.get("wsgi.url_scheme") != "https":
        return None
    return tls.current_fingerprint(ctx.data_dir)


def setup_submit(ctx: WebContext):
    form = bottle.request.forms
    try:
        ctx.auth.first_password(form.getunicode("code", ""), form.getunicode("password", ""),
                                form.getunicode("repeat", ""), ctx.client(), ctx.clock())
    except AuthError as exc:
        return ctx.render("setup.tpl", status=429 if isinstance(exc, RateLimited) else 400,
                          error=gettext_now(str(exc)), certificate=certificate(ctx))
    start_session(ctx, ctx.auth.open_session(ctx.clock()))


def login_page(ctx: WebContext):
    if ctx.auth.needs_setup():
        bottle.redirect("/setup", 303)
    return ctx.render("login.tpl")


def login_submit(ctx: WebContext):
    try:
        token = ctx.auth.login(bottle.request.forms.getunicode("password", ""), ctx.client(),
                               ctx.clock())
    except AuthError as exc:
        status = 429 if isinstance(exc, RateLimited) else 401
        return ctx.render("login.tpl", status=status, error=gettext_now(str(exc)))
    start_session(ctx, token)


def logout(ctx: WebContext):
    ctx.auth.logout(bottle.request.get_cookie(SESSION_COOKIE))
    bottle.response.delete_cookie(SESSION_COOKIE, path="/")
    bottle.redirect("/login", 303)


PUBLIC = {"public": True}
ROUTES = (("GET", "/setup", setup_page, PUBLIC), ("POST", "/setup", setup_submit, PUBLIC),
          ("GET", "/login", login_page, PUBLIC), ("POST", "/login", login_submit, PUBLIC),
          ("POST", "/logout", logout))

